package io.github.sparkloss.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.SparkLossExtensions;
import io.github.sparkloss.shim.ScalaShim;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One SparkSession per test class on {@code local[2,4]}: two task slots, and a task may fail three
 * times and still succeed on its fourth attempt, as on a cluster with the default {@code
 * spark.task.maxFailures}. The {@code flaky:} file system is registered, and every task end is
 * recorded, so a test can assert exactly which failures happened.
 */
abstract class FaultTestBase {
  /** The local property that carries a job's group (SparkContext.SPARK_JOB_GROUP_ID). */
  static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

  /** Attempts per task before the job fails ({@code spark.task.maxFailures}). */
  static final int MAX_ATTEMPTS = 4;

  protected static SparkSession spark;
  protected static TaskLog tasks;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2," + MAX_ATTEMPTS + "]")
            .appName("sparkloss-fault-test")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4")
            // One input file per task, so a fault in one file fails exactly one task.
            .config("spark.sql.files.openCostInBytes", String.valueOf(128L << 20))
            .config(
                "spark.hadoop.fs." + FlakyFileSystem.SCHEME + ".impl",
                FlakyFileSystem.class.getName())
            .config("spark.sql.extensions", SparkLossExtensions.class.getName())
            .getOrCreate();
    // A session left over from another class would silently drop the retry setting.
    assertThat(spark.sparkContext().master()).isEqualTo("local[2," + MAX_ATTEMPTS + "]");
    tasks = new TaskLog();
    spark.sparkContext().addSparkListener(tasks);
    FlakyFileSystem.reset();
  }

  @AfterAll
  static void stopSpark() {
    FlakyFileSystem.reset();
    if (spark != null) {
      spark.stop();
      spark = null;
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  /** One finished task attempt. */
  record TaskEnd(int stageId, int stageAttempt, int partition, int attempt, TaskEndReason reason) {
    boolean failed() {
      return reason instanceof TaskFailedReason;
    }

    /** The failure with its full stack trace and causes, or "" for a success. */
    String error() {
      return failed() ? ((TaskFailedReason) reason).toErrorString() : "";
    }
  }

  /**
   * Records the task ends of the jobs a test starts, in the order the listener bus delivers them.
   *
   * <p>Listener events arrive asynchronously, and a stage cancelled by an earlier test (a job that
   * failed on purpose) may still report its killed tasks after that test ended. So {@link #clear}
   * puts the calling thread's jobs in a job group of their own, and {@link #drain} waits for the
   * bus to deliver everything pending and returns only the task ends of stages whose jobs ran in
   * that group.
   */
  static final class TaskLog extends SparkListener {
    private static final AtomicInteger GROUPS = new AtomicInteger();
    private final List<TaskEnd> ends = new ArrayList<>();
    private final Set<Integer> ownStages = new HashSet<>();
    private String group;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart job) {
      String jobGroup =
          job.properties() == null ? null : job.properties().getProperty(JOB_GROUP_PROPERTY);
      if (group != null && group.equals(jobGroup)) {
        for (Object stage : ScalaShim.asJava(job.stageIds())) {
          ownStages.add((Integer) stage);
        }
      }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
      if (!ownStages.contains(e.stageId())) {
        return;
      }
      ends.add(
          new TaskEnd(
              e.stageId(),
              e.stageAttemptId(),
              e.taskInfo().partitionId(),
              e.taskInfo().attemptNumber(),
              e.reason()));
    }

    /**
     * Starts watching the jobs this thread runs from now on, in a new job group; forgets everything
     * recorded before, including events still pending from earlier jobs.
     */
    void clear() {
      waitForBus();
      String next = "sparkloss-fault-test-" + GROUPS.incrementAndGet();
      synchronized (this) {
        group = next;
        ownStages.clear();
        ends.clear();
      }
      spark.sparkContext().setJobGroup(next, "fault test", false);
    }

    /**
     * The task ends of the watched jobs since the last call, once the listener bus has delivered
     * everything pending.
     */
    List<TaskEnd> drain() {
      waitForBus();
      synchronized (this) {
        List<TaskEnd> out = new ArrayList<>(ends);
        ends.clear();
        return out;
      }
    }

    private static void waitForBus() {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty();
      } catch (TimeoutException e) {
        throw new AssertionError("listener bus did not drain", e);
      }
    }
  }

  /** The failed attempts among {@code ends}. */
  static List<TaskEnd> failures(List<TaskEnd> ends) {
    return ends.stream().filter(TaskEnd::failed).collect(Collectors.toList());
  }

  /** The failed attempts whose error is an exception with {@code marker} in its trace. */
  static List<TaskEnd> injected(List<TaskEnd> ends, String marker) {
    return ends.stream()
        .filter(t -> t.reason() instanceof ExceptionFailure && t.error().contains(marker))
        .collect(Collectors.toList());
  }

  /** The successful attempts that were retries. */
  static List<TaskEnd> retriedSuccesses(List<TaskEnd> ends) {
    return ends.stream().filter(t -> !t.failed() && t.attempt() > 0).collect(Collectors.toList());
  }

  /**
   * A row as a flat list in which every double is its bit pattern, so that two lists are equal only
   * if every value is bit-identical (NaN payloads and the sign of zero included).
   */
  static List<Object> bits(Object value) {
    List<Object> out = new ArrayList<>();
    flatten(value, out);
    return out;
  }

  private static void flatten(Object v, List<Object> out) {
    if (v instanceof Row r) {
      out.add("(");
      for (int i = 0; i < r.length(); i++) {
        flatten(r.get(i), out);
      }
      out.add(")");
    } else if (v instanceof scala.collection.Seq<?> s) {
      out.add("[");
      for (Object e : io.github.sparkloss.shim.ScalaShim.asJava(s)) {
        flatten(e, out);
      }
      out.add("]");
    } else if (v instanceof Double d) {
      out.add("d" + Long.toHexString(Double.doubleToRawLongBits(d)));
    } else if (v instanceof Float f) {
      out.add("f" + Integer.toHexString(Float.floatToRawIntBits(f)));
    } else {
      out.add(v);
    }
  }
}
