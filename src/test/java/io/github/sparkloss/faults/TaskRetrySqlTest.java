package io.github.sparkloss.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.tools.SyntheticLogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.FetchFailed;
import org.apache.spark.MapOutputTrackerMaster;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.shuffle.FetchFailedException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All five losses, as values, stats and per-class breakdowns, through Spark SQL while tasks fail
 * and are retried: map tasks fail part-way through their input (after some rows are already in
 * their partial aggregates), a final-aggregation task fails after merging the partial states it
 * fetched, and a reduce task reports a lost shuffle block, so that a map task and the reduce stage
 * run again. Each fault fires on the first attempt only, so the retry succeeds; the results must be
 * bit-identical to the same query run without faults, and the listener must see exactly the
 * failures that were injected.
 */
class TaskRetrySqlTest extends FaultTestBase {
  static final int ROWS = 4000;
  static final int CLASSES = 5;
  static final int FILES = 8;

  /** Rows in the middle of three different input files (500 rows per file). */
  static final Set<Long> MAP_FAULT_IDS = Set.of(700L, 1900L, 3400L);

  /** Groups whose final-aggregation task fails after merging its partial states. */
  static final Set<String> REDUCE_FAULT_GROUPS = Set.of("v2", "all");

  static final String MAP_FAULT = "injected map fault";
  static final String REDUCE_FAULT = "injected reduce fault";
  static final String FETCH_FAULT = "injected fetch failure";

  /** The faults fire only while armed, and only on a task's first attempt. */
  static volatile boolean armed;

  @TempDir static Path data;

  /** The shuffle whose block a reduce task reports lost, while armed. */
  static volatile int fetchShuffle = -1;

  /** The metrics of both queries; the grouped query adds {@code model} in front. */
  static final String METRICS =
      String.join(
          ",\n",
          "cross_entropy_stats(logits, label, weight => array(1.0, 2.0, 0.5, 1.0, 1.5),"
              + " label_smoothing => 0.1, sample_weight => sample_weight, per_class => true) AS ce",
          "cross_entropy(logits64, soft_target) AS ce_soft",
          "nll_loss_stats(log_probs, label, reduction => 'sum', per_class => true) AS nll",
          "nll_loss_per_class(log_probs, label, ignore_index => 3, on_bad_row => 'skip') AS nll_pc",
          "binary_cross_entropy_stats(probs, multi_label, per_class => true) AS bce",
          "binary_cross_entropy_with_logits_stats(binary_logit, binary_label,"
              + " pos_weight => array(2.0), per_class => true) AS bce_logits",
          "kl_div_stats(log_probs, soft_target, reduction => 'batchmean', per_class => true) AS kl",
          "kl_div(log_probs, log_probs, log_target => true, reduction => 'sum') AS kl_self");

  static final String GROUPED =
      "SELECT * FROM (SELECT model, "
          + METRICS
          + " FROM logs WHERE map_fault(id) GROUP BY model)"
          + " WHERE reduce_fault(model, ce.rows)";

  static final String GLOBAL =
      "SELECT * FROM (SELECT "
          + METRICS
          + " FROM logs WHERE map_fault(id))"
          + " WHERE reduce_fault('all', ce.rows)";

  @BeforeAll
  static void writeLogs() {
    Path logs = data.resolve("logs.parquet");
    SyntheticLogs.generate(spark, ROWS, CLASSES, 23L, FILES).write().parquet(logs.toString());
    spark.read().parquet(logs.toString()).createOrReplaceTempView("logs");
    spark
        .udf()
        .register(
            "map_fault",
            (UDF1<Long, Boolean>)
                id -> {
                  if (firstArmedAttempt() && MAP_FAULT_IDS.contains(id)) {
                    throw new IllegalStateException(MAP_FAULT + " at id " + id);
                  }
                  return true;
                },
            DataTypes.BooleanType);
    spark
        .udf()
        .register(
            "reduce_fault",
            (UDF2<String, Long, Boolean>)
                (group, rows) -> {
                  if (firstArmedAttempt() && REDUCE_FAULT_GROUPS.contains(group)) {
                    throw new IllegalStateException(REDUCE_FAULT + " in group " + group);
                  }
                  return true;
                },
            DataTypes.BooleanType);
    spark
        .udf()
        .register(
            "fetch_fault",
            (UDF2<String, Long, Boolean>)
                (group, rows) -> {
                  TaskContext task = TaskContext.get();
                  if (armed
                      && task != null
                      && task.stageAttemptNumber() == 0
                      && group.equals("v2")) {
                    // Map output 0 is lost, as when the executor that wrote it dies, and this
                    // reduce task reports the lost block. The report names no block manager: in
                    // local mode that would be the driver's, which the scheduler would remove.
                    // (The constructor marks the task as failed by a fetch failure, whatever
                    // wraps the exception on its way out.)
                    MapOutputTrackerMaster tracker =
                        (MapOutputTrackerMaster) SparkEnv.get().mapOutputTracker();
                    tracker.unregisterMapOutput(
                        fetchShuffle, 0, SparkEnv.get().blockManager().blockManagerId());
                    throw new FetchFailedException(
                        null, fetchShuffle, 0L, 0, task.partitionId(), FETCH_FAULT, null);
                  }
                  return true;
                },
            DataTypes.BooleanType);
    // Each map fault must fall in its own task, or one failed task would hide another fault.
    assertThat(spark.table("logs").javaRDD().getNumPartitions()).isEqualTo(FILES);
    String ids = MAP_FAULT_IDS.stream().map(String::valueOf).collect(Collectors.joining(", "));
    assertThat(
            spark
                .sql("SELECT DISTINCT spark_partition_id() FROM logs WHERE id IN (" + ids + ")")
                .count())
        .isEqualTo(MAP_FAULT_IDS.size());
    tasks.clear();
  }

  private static boolean firstArmedAttempt() {
    TaskContext task = TaskContext.get();
    return armed && task != null && task.attemptNumber() == 0;
  }

  /**
   * A reduce task that reports a lost shuffle block makes the scheduler re-run the map stage that
   * wrote it and then the reduce stage, which merges the recomputed partial states.
   */
  @Test
  void resultsAreBitIdenticalAfterAFetchFailureRerunsTheMapStage() {
    String sql =
        "SELECT * FROM (SELECT model, "
            + METRICS
            + " FROM logs GROUP BY model) WHERE fetch_fault(model, ce.rows)";
    // Without adaptive execution the shuffle is planned up front, so its id is known. One reduce
    // task merges every group.
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    spark.conf().set("spark.sql.shuffle.partitions", "1");
    try {
      Dataset<Row> df = spark.sql(sql);
      fetchShuffle = shuffleId(df.queryExecution().executedPlan());
      armed = false;
      tasks.clear();
      List<Row> clean = sorted(df.collectAsList());
      List<TaskEnd> cleanEnds = tasks.drain();
      assertThat(failures(cleanEnds)).isEmpty();

      armed = true;
      List<Row> faulted;
      try {
        faulted = sorted(df.collectAsList());
      } finally {
        armed = false;
      }
      List<TaskEnd> ends = tasks.drain();
      // Exactly the injected failure: no other reduce task can see the lost output, since there
      // is only one.
      assertThat(failures(ends)).as("failures").hasSize(1);
      TaskEnd fetch = failures(ends).get(0);
      assertThat(fetch.reason()).isInstanceOf(FetchFailed.class);
      assertThat(fetch.error()).contains(FETCH_FAULT);
      assertThat(fetch.stageAttempt()).isZero();
      int reduceStage = fetch.stageId();
      // The map stage re-ran the lost output only, then the reduce stage ran again.
      assertThat(ends.stream().filter(t -> t.stageId() != reduceStage))
          .as("map tasks run after the fetch failure")
          .singleElement()
          .satisfies(t -> assertThat(t.partition()).isZero())
          .satisfies(t -> assertThat(t.failed()).isFalse());
      assertThat(ends.stream().filter(t -> t.stageId() == reduceStage && t.stageAttempt() == 1))
          .as("reduce tasks of the retried stage")
          .singleElement()
          .satisfies(t -> assertThat(t.failed()).isFalse());
      assertThat(faulted).isEqualTo(clean);
      assertThat(faulted.stream().map(FaultTestBase::bits).collect(Collectors.toList()))
          .isEqualTo(clean.stream().map(FaultTestBase::bits).collect(Collectors.toList()));
    } finally {
      spark.conf().unset("spark.sql.adaptive.enabled");
      spark.conf().set("spark.sql.shuffle.partitions", "4");
    }
  }

  /** The id of the one shuffle in {@code plan}. */
  private static int shuffleId(SparkPlan plan) {
    List<Integer> ids = new ArrayList<>();
    collectShuffles(plan, ids);
    assertThat(ids).hasSize(1);
    return ids.get(0);
  }

  private static void collectShuffles(SparkPlan plan, List<Integer> ids) {
    if (plan instanceof ShuffleExchangeExec shuffle) {
      ids.add(shuffle.shuffleDependency().shuffleId());
    }
    for (SparkPlan child : io.github.sparkloss.shim.ScalaShim.asJava(plan.children())) {
      collectShuffles(child, ids);
    }
  }

  @Test
  void groupedResultsAreBitIdenticalAfterRetriedMapAndReduceTasks() {
    List<Row> rows = assertSameUnderFaults(GROUPED, 1);
    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("v1", "v2", "v3");
    assertEveryRowCountedOnce(rows, 1);
  }

  @Test
  void globalResultsAreBitIdenticalAfterRetriedMapAndReduceTasks() {
    List<Row> rows = assertSameUnderFaults(GLOBAL, 1);
    assertThat(rows).hasSize(1);
    assertEveryRowCountedOnce(rows, 0);
  }

  /**
   * Runs {@code sql} without faults, then with them, and checks the two results are equal bit for
   * bit and that exactly the injected failures happened: one per faulty map row (each in its own
   * task) and {@code reduceFaults} in the final aggregation, every one retried once.
   */
  private static List<Row> assertSameUnderFaults(String sql, int reduceFaults) {
    armed = false;
    tasks.clear();
    List<Row> clean = sorted(spark.sql(sql).collectAsList());
    assertThat(failures(tasks.drain())).as("failures without faults").isEmpty();

    armed = true;
    List<Row> faulted;
    try {
      faulted = sorted(spark.sql(sql).collectAsList());
    } finally {
      armed = false;
    }
    List<TaskEnd> ends = tasks.drain();

    List<TaskEnd> mapFailures = injected(ends, MAP_FAULT);
    List<TaskEnd> reduceFailures = injected(ends, REDUCE_FAULT);
    assertThat(mapFailures).as("map-side failures").hasSize(MAP_FAULT_IDS.size());
    assertThat(reduceFailures).as("reduce-side failures").hasSize(reduceFaults);
    assertThat(failures(ends)).as("all failures").hasSize(MAP_FAULT_IDS.size() + reduceFaults);
    assertThat(failures(ends)).allSatisfy(t -> assertThat(t.attempt()).isZero());
    assertThat(mapFailures.stream().map(TaskEnd::partition).distinct().count())
        .isEqualTo(MAP_FAULT_IDS.size());
    // The reduce stage runs after the map stage it reads from.
    int mapStage = mapFailures.get(0).stageId();
    assertThat(mapFailures).allSatisfy(t -> assertThat(t.stageId()).isEqualTo(mapStage));
    assertThat(reduceFailures).allSatisfy(t -> assertThat(t.stageId()).isGreaterThan(mapStage));
    assertThat(retriedSuccesses(ends))
        .as("successful retries")
        .hasSize(MAP_FAULT_IDS.size() + reduceFaults)
        .allSatisfy(t -> assertThat(t.attempt()).isEqualTo(1));

    assertThat(faulted).isEqualTo(clean);
    assertThat(faulted.stream().map(FaultTestBase::bits).collect(Collectors.toList()))
        .isEqualTo(clean.stream().map(FaultTestBase::bits).collect(Collectors.toList()));
    return faulted;
  }

  /**
   * The ce counters (rows, ignored, null, bad) over all groups add up to the input's row count: no
   * row of a failed attempt is counted twice or lost.
   */
  private static void assertEveryRowCountedOnce(List<Row> rows, int ceField) {
    long seen = 0;
    for (Row r : rows) {
      Row ce = r.getStruct(ceField);
      seen += ce.getLong(3) + ce.getLong(4) + ce.getLong(5) + ce.getLong(6);
    }
    assertThat(seen).isEqualTo(ROWS);
    long ignored = spark.table("logs").filter("label = " + SyntheticLogs.IGNORE_INDEX).count();
    long ignoredSeen = 0;
    for (Row r : rows) {
      ignoredSeen += r.getStruct(ceField).getLong(4);
    }
    assertThat(ignoredSeen).isEqualTo(ignored).isPositive();
  }

  private static List<Row> sorted(List<Row> rows) {
    List<Row> out = new ArrayList<>(rows);
    if (!out.isEmpty() && out.get(0).schema().fieldNames()[0].equals("model")) {
      out.sort(Comparator.comparing(r -> r.getString(0)));
    }
    return out;
  }
}
