package io.github.sparkloss.sum;

import java.util.Arrays;
import java.util.Random;

/**
 * Standalone timing of {@link ExactSum#add(double)} against a plain {@code double} sum and Kahan
 * summation; not a unit test. Run after {@code mvn -q -o test-compile} with
 *
 * <pre>
 * java -cp target/classes:target/test-classes io.github.sparkloss.sum.ExactSumTiming
 * </pre>
 *
 * <p>Uses 10M log-normal values (median 0.3, roughly 0.01..10, like per-row losses), warms each
 * loop up, then prints the median of 9 timed repetitions in ns per add.
 */
public final class ExactSumTiming {

  private static final int N = 10_000_000;
  private static final int WARMUP = 5;
  private static final int REPS = 9;

  /** Written by every loop so the JIT cannot drop the work. */
  private static volatile double sink;

  private ExactSumTiming() {}

  /**
   * Runs the timing.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Random rnd = new Random(42);
    double[] xs = new double[N];
    for (int i = 0; i < N; i++) {
      xs[i] = Math.exp(Math.log(0.3) + 1.2 * rnd.nextGaussian());
    }
    System.out.printf(
        "n=%d, warmup=%d, reps=%d, java %s%n", N, WARMUP, REPS, System.getProperty("java.version"));
    report("plain double s += x", xs, ExactSumTiming::plain);
    report("Kahan", xs, ExactSumTiming::kahan);
    report("ExactSum.add", xs, ExactSumTiming::exact);
    report("ExactSum.add + doubleValue", xs, ExactSumTiming::exactWithValue);
    // Per-group cost of finishing: a fresh accumulator holding a typical sum.
    ExactSum s = new ExactSum();
    for (int i = 0; i < 1000; i++) {
      s.add(xs[i]);
    }
    int m = 1_000_000;
    double[] t = new double[REPS];
    for (int r = -WARMUP; r < REPS; r++) {
      long start = System.nanoTime();
      double acc = 0;
      for (int i = 0; i < m; i++) {
        acc += s.doubleValue();
      }
      sink = acc;
      if (r >= 0) {
        t[r] = (System.nanoTime() - start) / (double) m;
      }
    }
    Arrays.sort(t);
    System.out.printf("%-28s median %6.2f ns/call%n", "ExactSum.doubleValue", t[REPS / 2]);
  }

  private interface Loop {
    double run(double[] xs);
  }

  private static void report(String name, double[] xs, Loop loop) {
    double[] t = new double[REPS];
    double result = 0;
    for (int r = -WARMUP; r < REPS; r++) {
      long start = System.nanoTime();
      result = loop.run(xs);
      long elapsed = System.nanoTime() - start;
      sink = result;
      if (r >= 0) {
        t[r] = elapsed / (double) xs.length;
      }
    }
    Arrays.sort(t);
    System.out.printf(
        "%-28s median %6.2f ns/add (min %.2f, max %.2f)  sum=%s%n",
        name, t[REPS / 2], t[0], t[REPS - 1], result);
  }

  private static double plain(double[] xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s;
  }

  private static double kahan(double[] xs) {
    double s = 0;
    double c = 0;
    for (double x : xs) {
      double y = x - c;
      double t = s + y;
      c = (t - s) - y;
      s = t;
    }
    return s;
  }

  private static double exact(double[] xs) {
    ExactSum s = new ExactSum();
    for (double x : xs) {
      s.add(x);
    }
    return s.isZero() ? 0 : 1;
  }

  private static double exactWithValue(double[] xs) {
    ExactSum s = new ExactSum();
    for (double x : xs) {
      s.add(x);
    }
    return s.doubleValue();
  }
}
