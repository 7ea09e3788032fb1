package io.github.sparkloss.job;

import io.github.sparkloss.spark.LossFunctions;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An incremental run: Spark's file source reads the files that arrived in the input directory since
 * the last run ({@code Trigger.AvailableNow}, or a processing-time trigger with {@code --follow}),
 * and each micro-batch's partial states are merged into the states kept under the checkpoint. The
 * report then covers every file so far, bit for bit what a full run over the same files gives: the
 * states are exact and merge independently of order.
 *
 * <p>Exactly once: Spark fixes each batch's files before the batch runs and runs an unfinished
 * batch again after a crash; the kept states of batch N are written whole (to a hidden directory,
 * then renamed to {@code state/N}), and a batch whose states exist is not applied twice. The report
 * is rewritten whenever the kept states are newer than the report, so a run that died between the
 * two is completed by the next.
 *
 * <p>With {@code window.watermark}, a window whose end is more than the watermark behind the latest
 * event time is final: its states are dropped (its results stay), and rows arriving later for it
 * are counted as late and not evaluated.
 */
final class IncrementalRun {
  /**
   * The priority of the stop hook among Hadoop's shutdown hooks: above Spark's (which stop the
   * SparkContext), so that it runs first.
   */
  private static final int STOP_HOOK_PRIORITY = 100;

  /** Every kept-state row's columns besides the keys and the metrics' states. */
  private static final String ROWS = "__rows";

  private static final String FINAL = "__final";

  private final SparkSession spark;
  private final JobConfig cfg;
  private final File configFile;
  private final boolean overwrite;
  private final boolean follow;
  private final PrintStream out;
  private final long startNanos;
  private final Checkpoint checkpoint;
  private final List<JobConfig.Metric> metrics;

  /** Held while a batch is applied, so that a stop request waits for it. */
  private final ReentrantLock applying = new ReentrantLock();

  private StructType schema;
  private List<String> columns;
  private Checkpoint.Version startVersion;

  private static final List<IncrementalRun> FOLLOWING =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private final CountDownLatch stopRequested = new CountDownLatch(1);

  IncrementalRun(
      SparkSession spark,
      JobConfig cfg,
      File configFile,
      boolean overwrite,
      boolean follow,
      PrintStream out,
      long startNanos) {
    this.spark = spark;
    this.cfg = cfg;
    this.configFile = configFile;
    this.overwrite = overwrite;
    this.follow = follow;
    this.out = out;
    this.startNanos = startNanos;
    this.checkpoint = new Checkpoint(spark, cfg);
    this.metrics = LossEvalJob.aggregated(cfg);
  }

  /** What a run added and what the kept states hold, for the report and the table. */
  record Summary(
      String checkpoint,
      long batch,
      long filesAdded,
      long rowsAdded,
      long filesTotal,
      long rowsTotal,
      long lateRowsAdded,
      long lateRowsTotal,
      String watermark) {}

  void run() throws Exception {
    try (Outputs outputs = outputs()) {
      outputs.checkTargets();
    }
    checkpoint.open(configFile);
    schema = schema();
    if (checkpoint.schema() != null && !checkpoint.schema().equals(schema)) {
      throw new JobException(
          "incremental.checkpoint "
              + cfg.incremental().checkpoint()
              + " keeps states of input schema "
              + checkpoint.schema().simpleString()
              + ", but input.schema is now "
              + schema.simpleString()
              + "; give a new checkpoint directory to start over");
    }
    checkpoint.create(schema);
    Dataset<Row> empty = spark.createDataFrame(new ArrayList<Row>(), schema);
    Columns.check(empty, cfg);
    columns = usedColumns();
    analyze(Columns.keyed(empty, cfg));
    startVersion = checkpoint.latest(Long.MAX_VALUE);
    boolean caughtUp = false;
    if (startVersion != null
        && (startVersion.batch() != checkpoint.reported() || !checkpoint.reportExists())) {
      // The states of an earlier run that stopped before its report (or a report since deleted):
      // report them first.
      writeReport(startVersion);
      caughtUp = true;
    }

    DataStreamReader reader =
        spark
            .readStream()
            .format(cfg.inputFormat())
            .options(cfg.inputOptions())
            // Spark's file source skips, after its first batch, a file more than maxFileAge older
            // than the newest one seen (a week by default): a backfill or a copy that keeps
            // modification times must still be read.
            .option("maxFileAge", "36500d")
            .schema(schema);
    Dataset<Row> stream = reader.load(cfg.inputPaths().get(0));
    VoidFunction2<Dataset<Row>, Long> apply = this::apply;
    StreamingQuery query =
        stream
            .writeStream()
            .queryName("sparkloss_incremental")
            .option("checkpointLocation", checkpoint.stream().toString())
            .trigger(
                follow
                    ? Trigger.ProcessingTime(cfg.incremental().trigger())
                    : Trigger.AvailableNow())
            .foreachBatch(apply)
            .start();
    if (follow) {
      follow(query);
    } else {
      query.awaitTermination();
    }
    Checkpoint.Version latest = checkpoint.latest(Long.MAX_VALUE);
    if (latest == null || (startVersion != null && latest.batch() == startVersion.batch())) {
      out.println(
          "incremental: no new files in "
              + cfg.inputPath()
              + (latest == null
                  ? ""
                  : "; the report "
                      + cfg.reportPath()
                      + (caughtUp ? " now shows the kept states (" : " is unchanged (")
                      + latest.filesTotal()
                      + " files, "
                      + latest.rowsTotal()
                      + " rows)"));
      return;
    }
    if (!follow) {
      writeReport(latest);
    }
  }

  /**
   * Runs until a stop is requested, then stops the query between batches. Ctrl-C (SIGINT) and
   * SIGTERM start the JVM's shutdown; a shutdown hook that runs before Spark's own asks for the
   * stop and waits until the current batch is done and the query stopped, so Spark is not shut down
   * under a running batch.
   */
  private void follow(StreamingQuery query) throws Exception {
    FOLLOWING.add(this);
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable hook =
        () -> {
          stopRequested.countDown();
          try {
            stopped.await(10, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    org.apache.hadoop.util.ShutdownHookManager.get()
        .addShutdownHook(hook, STOP_HOOK_PRIORITY, 10, TimeUnit.MINUTES);
    try {
      out.println(
          "following "
              + cfg.inputPath()
              + ": new files are evaluated every "
              + cfg.incremental().trigger()
              + "; Ctrl-C stops after the current batch");
      while (!query.awaitTermination(200)) {
        if (stopRequested.getCount() == 0) {
          applying.lock();
          try {
            query.stop();
          } finally {
            applying.unlock();
          }
          out.println("stopped; the report " + cfg.reportPath() + " is complete");
          return;
        }
      }
    } finally {
      stopped.countDown();
      FOLLOWING.remove(this);
      try {
        org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook is running, and is released above.
      }
    }
  }

  /** Asks every following run of this JVM to stop after its current batch, as Ctrl-C does. */
  static void stopFollowing() {
    for (IncrementalRun r : FOLLOWING) {
      r.stopRequested.countDown();
    }
  }

  /** Merges one micro-batch into the kept states. */
  private void apply(Dataset<Row> batch, Long batchId) throws Exception {
    applying.lockInterruptibly();
    try {
      if (checkpoint.has(batchId)) {
        // A batch run again after a crash whose states were kept before Spark recorded it done.
        out.println("batch " + batchId + ": already kept, not applied again");
        return;
      }
      Checkpoint.Version previous = checkpoint.latest(batchId);
      Checkpoint.Version next =
          withAdaptiveExecution(batch.sparkSession(), () -> merge(batch, batchId, previous));
      out.println(
          "batch "
              + batchId
              + ": "
              + next.filesAdded()
              + " files, "
              + next.rowsAdded()
              + " rows added"
              + (next.lateRowsAdded() > 0
                  ? " (" + next.lateRowsAdded() + " late rows not evaluated)"
                  : "")
              + "; kept states hold "
              + next.filesTotal()
              + " files, "
              + next.rowsTotal()
              + " rows");
      if (follow) {
        writeReport(next);
      }
    } finally {
      applying.unlock();
    }
  }

  /** Work that may throw. */
  private interface Work<T> {
    T run() throws IOException;
  }

  /**
   * Runs the batch's own jobs with adaptive query execution, which a streaming query's session
   * turns off (stateful operators need fixed partitions; these jobs have none): shuffles then take
   * as many partitions as the data needs instead of {@code spark.sql.shuffle.partitions} each,
   * which for a small batch are mostly empty tasks. The session's settings are put back afterwards.
   */
  private static <T> T withAdaptiveExecution(SparkSession session, Work<T> work)
      throws IOException {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("spark.sql.adaptive.enabled", "true");
    // Kept states hold dates and timestamps as they are (Spark 3.5 refuses to write old ones by
    // default; Spark 4 writes them as they are).
    settings.put("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED");
    settings.put("spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED");
    java.util.Map<String, String> before = new java.util.LinkedHashMap<>();
    for (java.util.Map.Entry<String, String> e : settings.entrySet()) {
      before.put(e.getKey(), session.conf().get(e.getKey(), null));
      session.conf().set(e.getKey(), e.getValue());
    }
    try {
      return work.run();
    } finally {
      for (java.util.Map.Entry<String, String> e : before.entrySet()) {
        if (e.getValue() == null) {
          session.conf().unset(e.getKey());
        } else {
          session.conf().set(e.getKey(), e.getValue());
        }
      }
    }
  }

  private Checkpoint.Version merge(Dataset<Row> batch, long batchId, Checkpoint.Version previous)
      throws IOException {
    Dataset<Row> keyed = Columns.keyed(batch, cfg);
    JobConfig.Window window = cfg.window();
    boolean watermarked = window != null && window.watermark() != null;
    // Windows final as of the previous batch stay final, whatever the watermark is now: their
    // states are gone, so a row for one of them is late.
    Long watermark = previous == null ? null : previous.watermarkMicros();
    Column late =
        watermark == null
            ? functions.lit(false)
            : functions.coalesce(
                micros(Columns.col(JobConfig.WINDOW_END)).leq(functions.lit(watermark)),
                functions.lit(false));

    // What the batch holds: its files, rows, late rows and latest event time, in one small job.
    List<Column> fileAggs = new ArrayList<>();
    fileAggs.add(functions.sum(functions.when(late, 1L).otherwise(0L)).as("late"));
    fileAggs.add(
        window == null
            ? functions.lit(null).cast(DataTypes.LongType).as("max_event")
            : functions.max(micros(Columns.col(window.column()))).as("max_event"));
    List<Row> files =
        LossEvalJob.withMessages(
            cfg,
            () ->
                keyed
                    .groupBy(functions.input_file_name().as("file"))
                    .agg(
                        functions.count(functions.lit(1)).as("rows"),
                        fileAggs.toArray(new Column[0]))
                    .collectAsList());
    long rows = 0;
    long lateRows = 0;
    Long maxEvent = previous == null ? null : previous.maxEventMicros();
    for (Row f : files) {
      rows += f.getLong(1);
      lateRows += f.isNullAt(2) ? 0 : f.getLong(2);
      if (!f.isNullAt(3)) {
        maxEvent = maxEvent == null ? f.getLong(3) : Math.max(maxEvent, f.getLong(3));
      }
    }
    Long newWatermark = watermark;
    if (watermarked && maxEvent != null) {
      long candidate = maxEvent - window.watermarkMicros();
      newWatermark = watermark == null ? candidate : Math.max(watermark, candidate);
    }

    // The new rows and the kept states of open groups, merged per group.
    Dataset<Row> fresh = keyed.filter(functions.not(late)).select(freshColumns());
    Dataset<Row> all = fresh;
    Dataset<Row> kept = previous == null ? null : checkpoint.read(previous);
    if (kept != null) {
      all = fresh.union(kept.filter(functions.not(Columns.col(FINAL))).select(keptColumns()));
    }
    int k = cfg.keys().size();
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      aggs.add(resumable(metrics.get(i), functions.col(state(i))).as("__r" + i));
    }
    Column[] keys = new Column[k];
    for (int i = 0; i < k; i++) {
      keys[i] = functions.col(key(i));
    }
    Column count = functions.coalesce(functions.sum(ROWS), functions.lit(0L)).as(ROWS);
    Dataset<Row> merged =
        k == 0
            ? all.agg(count, aggs.toArray(new Column[0]))
            : all.groupBy(keys).agg(count, aggs.toArray(new Column[0]));
    Column isFinal =
        newWatermark == null
            ? functions.lit(false)
            : functions.coalesce(
                micros(functions.col(key(1))).leq(functions.lit(newWatermark)),
                functions.lit(false));
    List<Column> select = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      select.add(functions.col(key(i)));
    }
    select.add(functions.col(ROWS));
    for (int i = 0; i < metrics.size(); i++) {
      select.add(functions.col("__r" + i + ".result").as(result(i)));
    }
    for (int i = 0; i < metrics.size(); i++) {
      select.add(
          functions
              .when(isFinal, functions.lit(null).cast(DataTypes.BinaryType))
              .otherwise(functions.col("__r" + i + ".state"))
              .as(state(i)));
    }
    select.add(isFinal.as(FINAL));
    Dataset<Row> next = merged.select(select.toArray(new Column[0]));
    if (kept != null) {
      next = next.union(kept.filter(Columns.col(FINAL)));
    }

    long filesTotal = (previous == null ? 0 : previous.filesTotal()) + files.size();
    long rowsTotal = (previous == null ? 0 : previous.rowsTotal()) + rows;
    long lateTotal = (previous == null ? 0 : previous.lateRowsTotal()) + lateRows;
    Checkpoint.Version version =
        new Checkpoint.Version(
            batchId,
            files.size(),
            rows,
            filesTotal,
            rowsTotal,
            lateRows,
            lateTotal,
            maxEvent,
            newWatermark);
    Dataset<Row> toWrite = next;
    try {
      LossEvalJob.withMessages(
          cfg,
          () -> {
            try {
              checkpoint.write(toWrite, version);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return null;
          });
    } catch (io.github.sparkloss.options.LossException e) {
      if (e.getMessage().contains(io.github.sparkloss.spark.LossFunctions.CANNOT_RESUME)) {
        throw new JobException(
            "incremental.checkpoint "
                + cfg.incremental().checkpoint()
                + ": "
                + e.getMessage()
                + "; give a new checkpoint directory to start over",
            e);
      }
      throw e;
    }
    checkpoint.dropBefore(previous);
    return version;
  }

  /** The report over the kept states of {@code version}, written under the overwrite rules. */
  private void writeReport(Checkpoint.Version version) throws IOException {
    Dataset<Row> kept = checkpoint.read(version);
    int k = cfg.keys().size();
    List<Column> select = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      select.add(functions.col(key(i)).as(cfg.keys().get(i)));
    }
    select.add(functions.col(ROWS));
    for (int i = 0; i < metrics.size(); i++) {
      select.add(functions.col(result(i)));
    }
    List<Row> rows = kept.select(select.toArray(new Column[0])).collectAsList();
    long startRows = startVersion == null ? 0 : startVersion.rowsTotal();
    long startFiles = startVersion == null ? 0 : startVersion.filesTotal();
    long startLate = startVersion == null ? 0 : startVersion.lateRowsTotal();
    Summary summary =
        new Summary(
            cfg.incremental().checkpoint(),
            version.batch(),
            version.filesTotal() - startFiles,
            version.rowsTotal() - startRows,
            version.filesTotal(),
            version.rowsTotal(),
            version.lateRowsTotal() - startLate,
            version.lateRowsTotal(),
            version.watermarkMicros() == null
                ? null
                : java.time.Instant.EPOCH
                    .plus(version.watermarkMicros(), java.time.temporal.ChronoUnit.MICROS)
                    .toString());
    LossEvalJob.Evaluation evaluation = LossEvalJob.Evaluation.of(cfg, metrics, rows, summary);
    try (Outputs outputs = outputs()) {
      outputs.checkTargets();
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      // Claimed first: a run that dies between the two may still replace the report it wrote.
      checkpoint.claimReport();
      outputs.commit(Report.json(cfg, evaluation, spark.version(), elapsed));
      checkpoint.markReported(version.batch());
      Report.printTable(out, cfg, evaluation);
      if (cfg.htmlPath() != null) {
        out.println("wrote HTML report to " + outputs.htmlShown());
      }
    }
  }

  /** The outputs; a report this checkpoint wrote before is replaced without --overwrite. */
  private Outputs outputs() {
    return new Outputs(spark, cfg, overwrite || checkpoint.ownsReport(), configFile);
  }

  /** The input's schema: the config's, the one kept by the first run, or the files'. */
  private StructType schema() {
    if (cfg.inputSchema() != null) {
      StructType given;
      try {
        given = StructType.fromDDL(cfg.inputSchema());
      } catch (Exception e) {
        throw new JobException(
            "config "
                + cfg.source()
                + ": input.schema is not a schema: "
                + LossEvalJob.firstLine(e.getMessage()),
            e);
      }
      return given;
    }
    StructType kept = checkpoint.schema();
    if (kept != null) {
      return kept;
    }
    StructType inferred;
    try {
      inferred =
          spark
              .read()
              .format(cfg.inputFormat())
              .options(cfg.inputOptions())
              .load(cfg.inputPaths().get(0))
              .schema();
    } catch (Exception e) {
      throw new JobException(
          "cannot take the schema of input "
              + cfg.inputPath()
              + " from its files ("
              + LossEvalJob.firstLine(e.getMessage())
              + "); give it as input.schema, a DDL string such as \"logits array<float>, label"
              + " int\"",
          e);
    }
    return inferred;
  }

  /** The input columns the metrics read, once each, in config order. */
  private List<String> usedColumns() {
    LinkedHashSet<String> used = new LinkedHashSet<>();
    for (JobConfig.Metric m : metrics) {
      used.addAll(m.arguments());
      if (m.sampleWeight() != null) {
        used.add(m.sampleWeight());
      }
    }
    return new ArrayList<>(used);
  }

  /** Checks each metric's call before anything runs, so a type error names its metric. */
  private void analyze(Dataset<Row> keyed) {
    Dataset<Row> fresh = keyed.select(freshColumns());
    for (int i = 0; i < metrics.size(); i++) {
      Column c = resumable(metrics.get(i), functions.col(state(i)));
      LossEvalJob.analyze(metrics.get(i), () -> fresh.select(c));
    }
  }

  /** A new row: its keys, the metrics' columns, a row count of 1 and no kept state. */
  private Column[] freshColumns() {
    List<Column> c = new ArrayList<>();
    for (int i = 0; i < cfg.keys().size(); i++) {
      c.add(Columns.col(cfg.keys().get(i)).as(key(i)));
    }
    for (String name : columns) {
      c.add(Columns.col(name));
    }
    c.add(functions.lit(1L).as(ROWS));
    for (int i = 0; i < metrics.size(); i++) {
      c.add(functions.lit(null).cast(DataTypes.BinaryType).as(state(i)));
    }
    return c.toArray(new Column[0]);
  }

  /** A kept group: its keys, typed nulls for the metrics' columns, its row count and states. */
  private Column[] keptColumns() {
    List<Column> c = new ArrayList<>();
    for (int i = 0; i < cfg.keys().size(); i++) {
      c.add(functions.col(key(i)));
    }
    for (String name : columns) {
      DataType type = schemaType(name);
      c.add(functions.lit(null).cast(type).as(name));
    }
    c.add(functions.col(ROWS));
    for (int i = 0; i < metrics.size(); i++) {
      c.add(functions.col(state(i)));
    }
    return c.toArray(new Column[0]);
  }

  private DataType schemaType(String name) {
    for (org.apache.spark.sql.types.StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f.dataType();
      }
    }
    for (org.apache.spark.sql.types.StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f.dataType();
      }
    }
    throw new IllegalStateException("no column " + name);
  }

  private static Column resumable(JobConfig.Metric m, Column state) {
    return LossFunctions.resumable(
        m.options(),
        m.arguments().stream().map(Columns::col).toList(),
        m.sampleWeight() == null ? null : Columns.col(m.sampleWeight()),
        m.perClass(),
        state);
  }

  private static Column micros(Column timestamp) {
    return functions.call_function("unix_micros", timestamp);
  }

  static String key(int i) {
    return "__k" + i;
  }

  static String result(int i) {
    return "__m" + i;
  }

  static String state(int i) {
    return "__s" + i;
  }
}
