package io.github.sparkloss.faults;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;

/**
 * The local file system under the scheme {@code flaky:} ({@code flaky:///abs/path}), whose {@link
 * #open} throws an {@link IOException} when a task opens a file and the installed {@link #fault}
 * predicate says so, and whose {@link #rename} throws when the {@link #failRenames} predicate says
 * so. Opens outside a task (the driver reading a schema) always succeed.
 *
 * <p>Registered with {@code spark.hadoop.fs.flaky.impl}. Executors of a local master share the
 * driver's JVM, so the predicate and the counters are static.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
  static final String SCHEME = "flaky";

  /**
   * One {@code open} by a task attempt: the file name, the task's stage, partition and attempt
   * number, and which scan of this file it belongs to (1 for the first stage that opened the file,
   * 2 for the next stage, ...).
   */
  record Open(String file, int stageId, int partition, int attempt, int scan) {}

  private static volatile Predicate<Open> fault = o -> false;
  private static volatile BiPredicate<Path, Path> renameFault = (from, to) -> false;
  private static final AtomicInteger INJECTED = new AtomicInteger();
  private static final Map<String, List<Integer>> STAGES_BY_FILE = new ConcurrentHashMap<>();

  /** Fails the opens that {@code when} accepts, from now on; resets the counters. */
  static void fault(Predicate<Open> when) {
    STAGES_BY_FILE.clear();
    INJECTED.set(0);
    fault = when;
  }

  /** Fails the renames that {@code when} accepts (source, destination), from now on. */
  static void failRenames(BiPredicate<Path, Path> when) {
    INJECTED.set(0);
    renameFault = when;
  }

  /** No faults; counters reset. */
  static void reset() {
    renameFault = (from, to) -> false;
    fault(o -> false);
  }

  /** How many opens threw since the last {@link #fault} or {@link #reset}. */
  static int injected() {
    return INJECTED.get();
  }

  /** Files {@code part-0000k-...} written by partition k of a DataFrame write. */
  static Predicate<Open> parts(int... k) {
    return o -> {
      for (int p : k) {
        if (o.file().startsWith(String.format("part-%05d-", p))) {
          return true;
        }
      }
      return false;
    };
  }

  /** {@code flaky:///abs/path} for a local path. */
  static String uri(java.nio.file.Path local) {
    return SCHEME + "://" + local.toAbsolutePath();
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    TaskContext task = TaskContext.get();
    if (task != null) {
      Open o =
          new Open(
              f.getName(),
              task.stageId(),
              task.partitionId(),
              task.attemptNumber(),
              scan(f.getName(), task.stageId()));
      if (fault.test(o)) {
        INJECTED.incrementAndGet();
        throw new IOException("injected read fault: " + o);
      }
    }
    return super.open(f, bufferSize);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    if (renameFault.test(src, dst)) {
      INJECTED.incrementAndGet();
      throw new IOException("injected rename fault: " + src.getName() + " to " + dst.getName());
    }
    return super.rename(src, dst);
  }

  private static int scan(String file, int stageId) {
    List<Integer> stages = STAGES_BY_FILE.computeIfAbsent(file, k -> new CopyOnWriteArrayList<>());
    synchronized (stages) {
      if (!stages.contains(stageId)) {
        stages.add(stageId);
      }
      return stages.indexOf(stageId) + 1;
    }
  }
}
