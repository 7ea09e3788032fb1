package io.github.sparkloss.job;

import static io.github.sparkloss.job.JobHarness.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental runs end to end: files arriving between runs give reports bit for bit those of a full
 * run over the same files; a batch run again after a crash counts nothing twice; skipped bad rows
 * accumulate exactly; a changed config or a kept state of another version is refused; windows and
 * the watermark; follow mode.
 */
class IncrementalJobTest extends SparkTestBase {
  static final int CLASSES = 5;
  static final int FILE_ROWS = 120;

  /** Six parquet files of {@link #FILE_ROWS} rows each, with bad labels in files 1 and 4. */
  @TempDir static Path data;

  static Path[] files;

  @TempDir Path work;

  private static final AtomicInteger CONFIGS = new AtomicInteger();

  /** Event time: ten minutes apart, file i covering hours [2i, 2i + 2) after 2026-11-01. */
  static final long START_SECONDS = 1_793_491_200L;

  @BeforeAll
  static void writeFiles() throws IOException {
    files = new Path[6];
    Dataset<Row> logs =
        SyntheticLogs.generate(spark, 6L * FILE_ROWS, CLASSES, 5L, 2)
            .withColumn(
                "ts",
                functions.timestamp_seconds(
                    functions.col("id").multiply(600).plus(functions.lit(START_SECONDS))))
            // A label out of range every 37 rows of files 1 and 4: bad rows under skip.
            .withColumn(
                "label",
                functions
                    .when(
                        functions
                            .col("id")
                            .mod(37)
                            .equalTo(0)
                            .and(functions.floor(functions.col("id").divide(FILE_ROWS)).isin(1, 4)),
                        functions.lit(CLASSES + 3))
                    .otherwise(functions.col("label")));
    for (int i = 0; i < files.length; i++) {
      Path dir = data.resolve("chunk-" + i);
      logs.filter(
              functions
                  .col("id")
                  .geq(i * FILE_ROWS)
                  .and(functions.col("id").lt((i + 1) * FILE_ROWS)))
          .coalesce(1)
          .write()
          .parquet(dir.toString());
      try (Stream<Path> s = Files.list(dir)) {
        files[i] =
            s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                .findFirst()
                .orElseThrow();
      }
    }
  }

  /** Moves a copy of file {@code i} into {@code dir} as a complete file, as a log writer does. */
  static void arrive(Path dir, int i) {
    try {
      Files.createDirectories(dir);
      Path temp = dir.getParent().resolve(".arriving-" + i);
      Files.copy(files[i], temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, dir.resolve("part-" + i + ".parquet"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final String METRICS =
      "metrics = [\n"
          + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
          + "  { name = ce_weighted, loss = cross_entropy, input = logits64, target = label,"
          + " label_smoothing = 0.1, sample_weight = sample_weight,"
          + " weight = [1.0, 2.0, 0.5, 1.0, 3.0], per_class = true }\n"
          + "  { name = kl, loss = kl_div, input = log_probs, target = soft_target,"
          + " reduction = batchmean }\n"
          + "  { name = bce, loss = binary_cross_entropy_with_logits, input = binary_logit,"
          + " target = binary_label, pos_weight = [2.0] }\n"
          + "  { name = nll, loss = nll_loss, input = log_probs, target = label,"
          + " reduction = sum }\n"
          + "]\n";

  /** A config over {@code in}; {@code checkpoint} null for a full run. */
  String config(Path in, Path checkpoint, String report, String extra) {
    return "input { path = "
        + q(in)
        + ", format = parquet }\n"
        + "on_bad_row = skip\n"
        + extra
        + "\n"
        + METRICS
        + "output.report = "
        + q(work.resolve(report))
        + "\n"
        + (checkpoint == null ? "" : "incremental.checkpoint = " + q(checkpoint) + "\n");
  }

  JobHarness.Result run(String text, String... args) {
    return JobHarness.runConfig(work, "c" + CONFIGS.incrementAndGet() + ".conf", text, args);
  }

  /** A report without what differs between runs of the same evaluation. */
  static JsonNode comparable(Path report) {
    ObjectNode n = (ObjectNode) JobHarness.readJson(report);
    n.remove("elapsed_seconds");
    n.remove("incremental");
    return n;
  }

  /** The report of a full run over {@code in} as it is now. */
  JsonNode fullRun(Path in, String extra) {
    String name = "full-" + CONFIGS.incrementAndGet() + ".json";
    run(config(in, null, name, extra)).succeeded();
    return comparable(work.resolve(name));
  }

  @Test
  void threeRunsOverArrivingFilesEqualFullRunsBitForBit() throws IOException {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    String groups = "group_by = [model]";
    String inc = config(in, cp, "report.json", groups);
    long[] bad = new long[3];
    int[][] arrivals = {{0, 1}, {2, 3}, {4, 5}};
    for (int r = 0; r < 3; r++) {
      for (int f : arrivals[r]) {
        arrive(in, f);
      }
      JobHarness.Result res = run(inc).succeeded();
      assertThat(res.out())
          .contains(
              "incremental: this run added 2 files, "
                  + 2 * FILE_ROWS
                  + " rows; the kept states hold "
                  + 2 * (r + 1)
                  + " files, "
                  + 2 * FILE_ROWS * (r + 1)
                  + " rows");
      JsonNode report = JobHarness.readJson(work.resolve("report.json"));
      assertThat(report.at("/incremental/files_added").asLong()).isEqualTo(2);
      assertThat(report.at("/incremental/rows_total").asLong()).isEqualTo(2L * FILE_ROWS * (r + 1));
      assertThat(comparable(work.resolve("report.json"))).isEqualTo(fullRun(in, groups));
      for (JsonNode m : report.get("metrics")) {
        bad[r] += m.get("bad_rows").asLong();
      }
    }
    // Bad rows in files 1 and 4, skipped and counted once each, run after run.
    assertThat(bad[0]).isPositive();
    assertThat(bad[1]).isEqualTo(bad[0]);
    assertThat(bad[2]).isGreaterThan(bad[1]);

    // Nothing new: nothing is rewritten, and the run says so.
    byte[] before = Files.readAllBytes(work.resolve("report.json"));
    List<String> checkpointBefore = JobHarness.listing(cp);
    JobHarness.Result again = run(inc).succeeded();
    assertThat(again.out())
        .contains("incremental: no new files in " + in)
        .contains("is unchanged (6 files, " + 6 * FILE_ROWS + " rows)");
    assertThat(Files.readAllBytes(work.resolve("report.json"))).isEqualTo(before);
    assertThat(JobHarness.listing(cp)).isEqualTo(checkpointBefore);

    // A deleted report is written again from the kept states.
    Files.delete(work.resolve("report.json"));
    assertThat(run(inc).succeeded().out()).contains("now shows the kept states");
    assertThat(comparable(work.resolve("report.json"))).isEqualTo(fullRun(in, groups));
  }

  @Test
  void aBatchRunAgainAfterACrashCountsNothingTwice() throws IOException {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    for (int f = 0; f < 3; f++) {
      arrive(in, f);
    }
    // One file per batch: batches 0, 1 and 2.
    String inc =
        config(in, cp, "report.json", "group_by = [model]")
            .replace(
                "format = parquet }", "format = parquet, options { maxFilesPerTrigger = 1 } }");
    run(inc).succeeded();
    // The crash: batch 2's states were kept, but Spark never recorded the batch done, and the
    // report still shows batch 1.
    Files.delete(cp.resolve("stream/commits/2"));
    Files.deleteIfExists(cp.resolve("stream/commits/.2.crc"));
    Files.writeString(
        cp.resolve("reported"),
        "{\"batch\": 1, \"report\": " + q(work.resolve("report.json")) + "}");
    Files.deleteIfExists(cp.resolve(".reported.crc"));
    JobHarness.Result res = run(inc).succeeded();
    assertThat(res.out())
        .contains("batch 2: already kept, not applied again")
        .contains("the report " + work.resolve("report.json") + " now shows the kept states");
    assertThat(comparable(work.resolve("report.json")))
        .isEqualTo(fullRun(in, "group_by = [model]"));
    assertThat(JobHarness.readJson(work.resolve("report.json")).at("/input/rows").asLong())
        .isEqualTo(3L * FILE_ROWS);
  }

  @Test
  void aRunBeforeAnyFileArrivedNeedsTheSchema() throws IOException {
    Path in = Files.createDirectories(work.resolve("in"));
    Path cp = work.resolve("cp");
    String line = run(config(in, cp, "report.json", "group_by = [model]")).failedWithOneLine();
    assertThat(line)
        .startsWith("loss-eval: cannot take the schema of input " + in + " from its files (")
        .endsWith(
            "); give it as input.schema, a DDL string such as \"logits array<float>, label"
                + " int\"");
    String ddl = SyntheticLogs.schema().toDDL();
    String withSchema =
        config(in, cp, "report.json", "group_by = [model]")
            .replace("format = parquet }", "format = parquet, schema = " + q(ddl) + " }");
    assertThat(run(withSchema).succeeded().out())
        .isEqualTo("incremental: no new files in " + in + "\n");
    assertThat(work.resolve("report.json")).doesNotExist();
    arrive(in, 0);
    run(withSchema).succeeded();
    assertThat(JobHarness.readJson(work.resolve("report.json")).at("/input/rows").asLong())
        .isEqualTo(FILE_ROWS);
  }

  @Test
  void aChangedConfigIsRefusedNamingTheDifference() {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    arrive(in, 0);
    // A first run that failed kept no states: the next config is free to differ.
    assertThat(
            run(config(in, cp, "report.json", "group_by = [model]")
                    .replace("input = logits,", "input = logitz,"))
                .failedWithOneLine())
        .startsWith("loss-eval: column 'logitz' named by metrics[0] (ce).input does not exist");
    run(config(in, cp, "report.json", "group_by = [model]")).succeeded();
    List<String> kept = JobHarness.listing(cp);
    String line = run(config(in, cp, "report.json", "group_by = [model, day]")).failedWithOneLine();
    assertThat(line)
        .isEqualTo(
            "loss-eval: incremental.checkpoint file:"
                + cp
                + " keeps the states of another evaluation: group_by was [\"model\"], now"
                + " [\"model\",\"day\"]. Its states cannot be mixed with this config's; give a new"
                + " checkpoint directory to start over (or restore the config)");
    String changed =
        config(in, cp, "report.json", "group_by = [model]")
            .replace("label_smoothing = 0.1", "label_smoothing = 0.2")
            .replace(
                "  { name = kl,",
                "  { name = mse, loss = mse_loss, input = binary_prob, target = binary_label }\n"
                    + "  { name = kl,");
    line = run(changed).failedWithOneLine();
    assertThat(line)
        .contains(
            "metric 'ce_weighted' was cross_entropy(input = logits64, target = label,"
                + " sample_weight = sample_weight, ")
        .contains("label_smoothing => 0.1")
        .contains("label_smoothing => 0.2")
        .contains("metric 'mse' was added (mse_loss(input = binary_prob, target = binary_label, ");
    assertThat(JobHarness.listing(cp)).isEqualTo(kept);

    // The same metrics in another order: the kept states are stored in metric order.
    String reordered =
        config(in, cp, "report.json", "group_by = [model]")
            .replace("  { name = ce, loss = cross_entropy, input = logits, target = label }\n", "")
            .replace(
                "  { name = nll,",
                "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
                    + "  { name = nll,");
    assertThat(run(reordered).failedWithOneLine())
        .contains(
            "keeps the states of another evaluation: the metrics were in the order [ce,"
                + " ce_weighted, kl, bce, nll], now [ce_weighted, kl, bce, ce, nll]");

    // A checkpoint of another format is refused, naming both formats.
    Path meta = cp.resolve("sparkloss.json");
    try {
      Files.writeString(
          meta,
          Files.readString(meta).replace("\"checkpoint_format\" : 1", "\"checkpoint_format\" : 7"));
      Files.deleteIfExists(cp.resolve(".sparkloss.json.crc"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(run(config(in, cp, "report.json", "group_by = [model]")).failedWithOneLine())
        .startsWith(
            "loss-eval: incremental.checkpoint file:"
                + cp
                + " was written in checkpoint format 7 (by sparkloss ")
        .endsWith(") reads format 1; start over with a new checkpoint directory");
  }

  @Test
  void aKeptStateOfAnotherVersionIsRefusedNamingBothVersions() {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    arrive(in, 0);
    String inc = config(in, cp, "report.json", "group_by = [model]");
    run(inc).succeeded();
    // Batch 0's states as a sparkloss of a future format version would have kept them.
    Path state = cp.resolve("state/0");
    Path moved = work.resolve("state-0-original");
    try {
      Files.move(state, moved);
      Dataset<Row> kept = spark.read().parquet(moved.toString());
      kept.withColumn(
              "__s0",
              functions.concat(
                  functions.unhex(functions.lit("09")), functions.expr("substring(__s0, 2)")))
          .write()
          .parquet(state.toString());
      Files.copy(moved.resolve("_batch.json"), state.resolve("_batch.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    arrive(in, 1);
    String line = run(inc).failedWithOneLine();
    assertThat(line)
        .isEqualTo(
            "loss-eval: incremental.checkpoint "
                + cp
                + ": cross_entropy_stats: cannot resume from a kept state: LossState:"
                + " unsupported serialized version 9, expected "
                + io.github.sparkloss.state.LossState.FORMAT_VERSION
                + "; give a new checkpoint directory to start over");
  }

  @Test
  void windowsAddTheirStartAndEndToEveryGroup() throws IOException {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    String window = "group_by = [model]\nwindow { column = ts, duration = \"6 hours\" }";
    for (int f = 0; f < 3; f++) {
      arrive(in, f);
    }
    run(config(in, cp, "report.json", window)).succeeded();
    arrive(in, 3);
    String html = "\noutput.html = " + q(work.resolve("report.html"));
    JobHarness.Result res = run(config(in, cp, "report.json", window + html)).succeeded();
    String page = Files.readString(work.resolve("report.html"));
    assertThat(page)
        .contains("window_start")
        .contains("2026-11-01T00:00:00Z")
        .contains("6 hours over ts")
        .contains("this run added 1 files, " + FILE_ROWS + " rows; the kept states hold 4 files");
    assertThat(res.out())
        .contains("window_start=2026-11-01T00:00:00Z, window_end=2026-11-01T06:00:00Z, model=");
    JsonNode report = JobHarness.readJson(work.resolve("report.json"));
    JsonNode first = report.at("/metrics/0/group");
    assertThat(first.get("window_start").asText()).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(first.get("window_end").asText()).isEqualTo("2026-11-01T06:00:00Z");
    assertThat(report.at("/window/duration").asText()).isEqualTo("6 hours");
    assertThat(comparable(work.resolve("report.json"))).isEqualTo(fullRun(in, window));
  }

  @Test
  void aWatermarkFinalisesOldWindowsAndCountsLateRows() {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    // Files cover 20 hours each; 6-hour windows; a window is final 12 hours after its end.
    String window = "window { column = ts, duration = \"6 hours\", watermark = \"12 hours\" }";
    String inc = config(in, cp, "report.json", window);
    arrive(in, 0);
    arrive(in, 1);
    run(inc).succeeded();
    JsonNode first = JobHarness.readJson(work.resolve("report.json"));
    arrive(in, 3);
    run(inc).succeeded();
    // File 2 arrives last: its windows (hours 40-60) end more than 12 hours before file 3's
    // latest event (hour 80), so every row of it is late.
    arrive(in, 2);
    JobHarness.Result res = run(inc).succeeded();
    JsonNode report = JobHarness.readJson(work.resolve("report.json"));
    assertThat(report.at("/incremental/late_rows_added").asLong()).isEqualTo(FILE_ROWS);
    assertThat(report.at("/incremental/rows_total").asLong()).isEqualTo(4L * FILE_ROWS);
    assertThat(report.at("/input/rows").asLong()).isEqualTo(3L * FILE_ROWS);
    assertThat(res.out()).contains(FILE_ROWS + " late rows were not evaluated");
    // Final windows keep their results: the first run's first window is unchanged.
    assertThat(report.at("/metrics/0")).isEqualTo(first.at("/metrics/0"));
    // Their states were dropped: only windows within the watermark keep a state.
    Dataset<Row> kept = spark.read().parquet(latestState(cp).toString());
    assertThat(kept.filter("__final").count()).isPositive();
    assertThat(kept.filter("__final and __s0 is not null").count()).isZero();
    assertThat(kept.filter("not __final and __s0 is null").count()).isZero();
  }

  @Test
  void rowsWithANullTimestampFallInANullWindow() throws IOException {
    Path in = Files.createDirectories(work.resolve("in"));
    Path cp = work.resolve("cp");
    // File 0 with every fifth timestamp null.
    Path nulls = work.resolve("nulls");
    spark
        .read()
        .parquet(files[0].toString())
        .withColumn(
            "ts",
            functions
                .when(functions.col("id").mod(5).equalTo(0), functions.lit(null))
                .otherwise(functions.col("ts")))
        .coalesce(1)
        .write()
        .parquet(nulls.toString());
    try (Stream<Path> s = Files.list(nulls)) {
      Path part =
          s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.copy(part, in.resolve("part-nulls.parquet"));
    }
    String window = "window { column = ts, duration = \"6 hours\" }";
    run(config(in, cp, "report.json", window)).succeeded();
    JsonNode report = JobHarness.readJson(work.resolve("report.json"));
    JsonNode first = report.at("/metrics/0");
    assertThat(first.at("/group/window_start").isNull()).isTrue();
    assertThat(
            first.get("rows").asLong()
                + first.get("ignored_rows").asLong()
                + first.get("bad_rows").asLong())
        .isEqualTo(FILE_ROWS / 5);
    assertThat(report.at("/input/rows").asLong()).isEqualTo(FILE_ROWS);
    assertThat(comparable(work.resolve("report.json"))).isEqualTo(fullRun(in, window));
  }

  @Test
  void windowsFinalUnderAnEarlierWatermarkStayFinal() {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    String watermarked = "window { column = ts, duration = \"6 hours\", watermark = \"12 hours\" }";
    String open = "window { column = ts, duration = \"6 hours\" }";
    arrive(in, 0);
    arrive(in, 3);
    run(config(in, cp, "report.json", watermarked)).succeeded();
    // Without the watermark now, file 1's windows were final before: its rows stay late, and no
    // window appears twice.
    arrive(in, 1);
    run(config(in, cp, "report.json", open)).succeeded();
    JsonNode report = JobHarness.readJson(work.resolve("report.json"));
    assertThat(report.at("/incremental/late_rows_added").asLong()).isEqualTo(FILE_ROWS);
    java.util.Set<String> groups = new java.util.HashSet<>();
    for (JsonNode m : report.get("metrics")) {
      assertThat(groups.add(m.get("name").asText() + " " + m.get("group"))).isTrue();
    }
  }

  static Path latestState(Path cp) {
    try (Stream<Path> s = Files.list(cp.resolve("state"))) {
      return s.filter(p -> p.getFileName().toString().matches("\\d+"))
          .max(
              (a, b) ->
                  Long.compare(
                      Long.parseLong(a.getFileName().toString()),
                      Long.parseLong(b.getFileName().toString())))
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void followModePicksUpAFileWrittenWhileItRuns() throws Exception {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    arrive(in, 0);
    Path config =
        JobHarness.write(
            work.resolve("follow.conf"),
            config(in, cp, "report.json", "group_by = [model]")
                + "incremental.trigger = \"1 second\"\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int[] exit = {-1};
    Thread job =
        new Thread(
            () ->
                exit[0] =
                    LossEvalJob.run(
                        new String[] {"--config", config.toString(), "--follow"},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
    job.start();
    Path report = work.resolve("report.json");
    try {
      waitFor(() -> reportFiles(report) == 1, job, err);
      arrive(in, 1);
      waitFor(() -> reportFiles(report) == 2, job, err);
    } finally {
      IncrementalRun.stopFollowing();
      job.join(120_000);
    }
    assertThat(job.isAlive()).isFalse();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(exit[0]).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("following " + in)
        .contains("stopped; the report " + report + " is complete");
    assertThat(comparable(report)).isEqualTo(fullRun(in, "group_by = [model]"));
  }

  static long reportFiles(Path report) {
    if (!Files.exists(report)) {
      return 0;
    }
    return JobHarness.readJson(report).at("/incremental/files_total").asLong();
  }

  static void waitFor(
      java.util.function.BooleanSupplier done, Thread job, ByteArrayOutputStream err)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!done.getAsBoolean()) {
      assertThat(job.isAlive()).as("the job is still running; stderr: " + err).isTrue();
      assertThat(System.nanoTime()).as("waited 120 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
