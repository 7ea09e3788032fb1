package io.github.sparkloss.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.job.LossEvalJob;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch job over a {@code flaky:} input whose files fail to open: when a read fails on a task's
 * first attempt only, the retried job writes the same report and the same per-row output as an
 * undisturbed run; when a read fails on every attempt, the job exits non-zero with one line naming
 * the input, and leaves no report, no rows output and no temporary files behind.
 */
class TaskRetryJobTest extends FaultTestBase {
  static final int ROWS = 4000;
  static final int CLASSES = 10;
  static final int FILES = 8;
  static final String READ_FAULT = "injected read fault";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;

  /** Where each test's outputs go; it exists before the run and must be empty after a failure. */
  @TempDir Path out;

  static String input;
  static JsonNode cleanReport;
  static List<Row> cleanRows;

  /** A config with the metrics of conf/example.conf, one more per-row metric, and both outputs. */
  static String config(Path outDir) {
    return String.join(
        "\n",
        "input { path = " + q(input) + ", format = parquet }",
        "group_by = [model]",
        "metrics = [",
        "  { name = ce, loss = cross_entropy, input = logits, target = label }",
        "  { name = ce_smoothed_weighted, loss = cross_entropy, input = logits, target = label,",
        "    label_smoothing = 0.1, sample_weight = sample_weight }",
        "  { name = ce_class_weighted, loss = cross_entropy, input = logits64, target = label,",
        "    weight = [1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0], per_class = true }",
        "  { name = ce_soft_targets, loss = cross_entropy, input = logits64, target = soft_target }",
        "  { name = nll, loss = nll_loss, input = log_probs, target = label, reduction = sum }",
        "  { name = bce_multi_label, loss = binary_cross_entropy, input = probs,",
        "    target = multi_label, per_class = true }",
        "  { name = bce_logits, loss = binary_cross_entropy_with_logits, input = binary_logit,",
        "    target = binary_label, pos_weight = [2.0] }",
        "  { name = kl, loss = kl_div, input = log_probs, target = soft_target,",
        "    reduction = batchmean }",
        "  { name = ce_per_row, loss = cross_entropy, input = logits, target = label,",
        "    reduction = none }",
        "  { name = bce_per_row, loss = binary_cross_entropy, input = probs, target = multi_label,",
        "    reduction = none }",
        "]",
        "output {",
        "  report = " + q(report(outDir)),
        "  rows { path = " + q(rows(outDir)) + ", format = parquet, keep = [id, model, label] }",
        "}",
        "");
  }

  static Path report(Path outDir) {
    return outDir.resolve("reports").resolve("report.json");
  }

  static Path rows(Path outDir) {
    return outDir.resolve("rows.parquet");
  }

  @BeforeAll
  static void writeLogsAndRunUndisturbed() throws IOException {
    Path logs = data.resolve("logs.parquet");
    SyntheticLogs.generate(spark, ROWS, CLASSES, 5L, FILES).write().parquet(logs.toString());
    input = FlakyFileSystem.uri(logs);
    Path baseline = data.resolve("baseline");
    tasks.clear();
    Run run = runJob(baseline);
    assertThat(run.err()).isEmpty();
    assertThat(run.exit()).isZero();
    assertThat(failures(tasks.drain())).as("failures of the undisturbed run").isEmpty();
    cleanReport = JSON.readTree(report(baseline).toFile());
    cleanRows = readRows(baseline);
    assertThat(cleanReport.get("input").get("rows").asLong()).isEqualTo(ROWS);
    assertThat(cleanRows).hasSize(ROWS);
  }

  record Run(int exit, String out, String err) {}

  static Run runJob(Path outDir) {
    Path conf = outDir.resolveSibling(outDir.getFileName() + ".conf");
    try {
      Files.writeString(conf, config(outDir));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int exit =
        LossEvalJob.run(
            new String[] {"--config", conf.toString()},
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  static List<Row> readRows(Path outDir) {
    return spark.read().parquet(rows(outDir).toString()).orderBy("id").collectAsList();
  }

  static String q(Object s) {
    try {
      return JSON.writeValueAsString(String.valueOf(s));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every file and directory under {@code dir}, hidden ones included. */
  static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void readsRetriedAfterFailingGiveTheSameReportAndRows() throws IOException {
    tasks.clear();
    // Two input files fail on the first attempt of every task that opens them: once in the
    // aggregation's scan and once in the scan that writes the per-row losses.
    FlakyFileSystem.fault(FlakyFileSystem.parts(2, 5).and(o -> o.attempt() == 0));
    Run run;
    try {
      run = runJob(out);
    } finally {
      FlakyFileSystem.reset();
    }
    assertThat(run.err()).isEmpty();
    assertThat(run.exit()).isZero();
    List<TaskEnd> ends = tasks.drain();

    assertThat(injected(ends, READ_FAULT)).as("injected read failures").hasSize(4);
    assertThat(failures(ends)).as("all failures").hasSize(4);
    assertThat(failures(ends).stream().map(TaskEnd::stageId).distinct().count())
        .as("stages with failures")
        .isEqualTo(2);
    assertThat(retriedSuccesses(ends)).as("successful retries").hasSize(4);

    JsonNode report = JSON.readTree(report(out).toFile());
    assertThat(report.get("metrics")).isEqualTo(cleanReport.get("metrics"));
    assertThat(report.get("input")).isEqualTo(cleanReport.get("input"));
    assertThat(report.get("metrics").size()).isEqualTo(3 * 8);
    List<Row> rows = readRows(out);
    assertThat(rows).isEqualTo(cleanRows);
    assertThat(rows.stream().map(FaultTestBase::bits).collect(Collectors.toList()))
        .isEqualTo(cleanRows.stream().map(FaultTestBase::bits).collect(Collectors.toList()));
    assertThat(listing(out)).allMatch(p -> !p.contains(".tmp-"));
  }

  @Test
  void inputThatFailsOnEveryAttemptFailsTheJobAndWritesNothing() throws IOException {
    Run run = runWithPermanentFault(FlakyFileSystem.parts(3));
    assertThat(run.err()).contains("scan=1");
    assertThat(listing(out)).as("output directory after the failed run").isEmpty();
  }

  @Test
  void inputThatFailsWhileWritingRowsFailsTheJobAndWritesNothing() throws IOException {
    // The aggregation reads every file; the scan that writes the per-row losses cannot read one,
    // after the tasks before it have written their part of the rows output.
    Run run = runWithPermanentFault(FlakyFileSystem.parts(3).and(o -> o.scan() == 2));
    assertThat(run.err()).contains("scan=2");
    assertThat(listing(out)).as("output directory after the failed run").isEmpty();
  }

  /**
   * Runs the job while {@code when} fails every attempt to open a file, and checks the failure
   * contract: exit {@link LossEvalJob#EXIT_PROBLEM}, one line on stderr naming the input and the
   * read error, nothing on stdout, and exactly {@link #MAX_ATTEMPTS} failed attempts of one task.
   */
  private Run runWithPermanentFault(java.util.function.Predicate<FlakyFileSystem.Open> when) {
    tasks.clear();
    FlakyFileSystem.fault(when);
    Run run;
    try {
      run = runJob(out);
    } finally {
      FlakyFileSystem.reset();
    }
    List<TaskEnd> ends = tasks.drain();
    List<TaskEnd> injected = injected(ends, READ_FAULT);
    assertThat(injected)
        .extracting(TaskEnd::attempt)
        .containsExactlyInAnyOrder(0, 1, 2, 3)
        .hasSize(MAX_ATTEMPTS);
    int stage = injected.get(0).stageId();
    assertThat(injected).allSatisfy(t -> assertThat(t.stageId()).isEqualTo(stage));
    assertThat(injected)
        .allSatisfy(t -> assertThat(t.partition()).isEqualTo(injected.get(0).partition()));
    // Tasks run in partition order on two slots: the failing one started after others finished.
    assertThat(ends)
        .anySatisfy(
            t -> {
              assertThat(t.stageId()).isEqualTo(stage);
              assertThat(t.failed()).isFalse();
            });

    assertThat(run.exit())
        .as("exit code; stderr: " + run.err())
        .isEqualTo(LossEvalJob.EXIT_PROBLEM);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().collect(Collectors.toList())).hasSize(1);
    assertThat(run.err())
        .startsWith(
            "loss-eval: cannot read input "
                + input
                + " as parquet: "
                + READ_FAULT
                + ": Open[file=part-00003-")
        .contains("attempt=" + (MAX_ATTEMPTS - 1));
    return run;
  }
}
