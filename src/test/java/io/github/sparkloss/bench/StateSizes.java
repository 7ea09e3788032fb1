package io.github.sparkloss.bench;

import io.github.sparkloss.state.LossState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * The size of one group's partial state of cross_entropy over C = 10 classes, fed the calls {@code
 * BoundLoss} makes for class-index rows without weights: serialized bytes (what the shuffle
 * carries) and bytes allocated per state (its heap size, from the thread's allocation counter over
 * many states), for 1 and 10 rows, plain, {@code _stats} and {@code _stats} with per_class. Uses
 * only the public {@link LossState} API, so the same class measures any version.
 */
public final class StateSizes {
  private StateSizes() {}

  public static void main(String[] args) throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    System.out.printf("%-22s %5s %12s %16s%n", "state", "rows", "serialized", "heap bytes/state");
    String[] kinds = {"cross_entropy", "cross_entropy_stats", "stats, per_class"};
    for (int kind = 0; kind < kinds.length; kind++) {
      for (int rows : new int[] {1, 10}) {
        int n = 20_000;
        LossState[] keep = new LossState[n];
        Random rnd = new Random(1);
        long a0 = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < n; i++) {
          keep[i] = state(kind, rows, rnd);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - a0;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
          keep[0].writeTo(out);
        }
        System.out.printf("%-22s %5d %12d %16d%n", kinds[kind], rows, bytes.size(), allocated / n);
      }
    }
  }

  static LossState state(int kind, int rows, Random rnd) {
    boolean perClass = kind == 2;
    LossState s =
        new LossState(
            perClass, kind == 0 ? LossState.Uncertainty.NONE : LossState.Uncertainty.UNIT);
    for (int r = 0; r < rows; r++) {
      int c = rnd.nextInt(10);
      double l = 0.5 + 3 * rnd.nextDouble();
      if (s.numClasses() < 0) {
        s.setNumClasses(10);
      }
      s.addRow(l, 1.0);
      if (kind > 0) {
        s.addMoments(1.0, l, 1.0);
      }
      if (perClass) {
        s.addClassRow(c, l, 1.0);
        s.addClassMoments(c, 1.0, l);
      }
    }
    return s;
  }
}
