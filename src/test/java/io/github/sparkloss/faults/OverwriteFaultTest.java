package io.github.sparkloss.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.job.JobHarness;
import io.github.sparkloss.job.LossEvalJob;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --overwrite} is atomic: the outputs of an earlier run are removed only after the new ones
 * are complete, and a rename that fails part-way through the replacement (outputs on the {@code
 * flaky:} file system) leaves every old output byte-identical and no temporary or backup behind.
 */
class OverwriteFaultTest extends FaultTestBase {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  static String input;

  @TempDir Path dir;
  Path out;

  @BeforeAll
  static void writeLogs() {
    Path logs = data.resolve("logs.parquet");
    SyntheticLogs.generate(spark, 500, 5, 3L, 2).write().parquet(logs.toString());
    input = logs.toString();
  }

  @BeforeEach
  void firstRun() throws IOException {
    out = dir.toRealPath().resolve("out");
    assertThat(run("first", false)).isEqualTo(List.of(0, ""));
  }

  @AfterEach
  void noFaults() {
    FlakyFileSystem.reset();
  }

  String config(String name) {
    String o = FlakyFileSystem.SCHEME + "://" + out;
    return String.join(
        "\n",
        "input.path = " + q(input),
        "metrics = [",
        "  { name = " + name + ", loss = cross_entropy, input = logits, target = label }",
        "  { name = r, loss = nll_loss, input = log_probs, target = label, reduction = none }",
        "]",
        "output { report = " + q(o + "/report.json") + ", rows { path = " + q(o + "/rows") + " } }",
        "");
  }

  /** Runs the job; returns its exit code and stderr. */
  List<Object> run(String name, boolean overwrite) throws IOException {
    Path conf = Files.writeString(dir.resolve(name + ".conf"), config(name));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        LossEvalJob.run(
            overwrite
                ? new String[] {"--config", conf.toString(), "--overwrite"}
                : new String[] {"--config", conf.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return List.of(exit, err.toString(StandardCharsets.UTF_8));
  }

  static String q(Object s) {
    try {
      return JSON.writeValueAsString(String.valueOf(s));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Each rename of the replacement fails in turn: setting the old rows output aside, moving the new
   * rows into place, setting the old report aside, and moving the new report into place (after the
   * new rows are already in place, so they must be taken out again).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rows aside", "rows into place", "report aside", "report into place"})
  void aFailedRenameLeavesTheOldOutputsAsTheyWere(String step) throws IOException {
    Map<String, String> before = JobHarness.snapshot(out);
    assertThat(before).containsKeys("report.json", "rows/_SUCCESS");
    String target = step.startsWith("rows") ? "rows" : "report.json";
    BiPredicate<org.apache.hadoop.fs.Path, org.apache.hadoop.fs.Path> when =
        step.endsWith("aside")
            ? (from, to) -> from.getName().equals(target) && to.getName().startsWith("." + target)
            : (from, to) ->
                to.getName().equals(target) && from.getName().startsWith("." + target + ".tmp-");
    FlakyFileSystem.failRenames(when);
    List<Object> r = run("second", true);
    assertThat(FlakyFileSystem.injected()).as("injected rename faults").isOne();
    FlakyFileSystem.reset();

    assertThat(r.get(0)).as("exit code; stderr: " + r.get(1)).isEqualTo(LossEvalJob.EXIT_PROBLEM);
    String err = (String) r.get(1);
    assertThat(err.lines().collect(Collectors.toList())).hasSize(1);
    assertThat(err).startsWith("loss-eval: cannot write output: injected rename fault: ");
    assertThat(JobHarness.snapshot(out)).as("the old outputs after the failure").isEqualTo(before);
    assertThat(JSON.readTree(out.resolve("report.json").toFile()).get("metrics").get(0).get("name"))
        .hasToString("\"first\"");

    // Without the fault the same run replaces both.
    assertThat(run("second", true)).isEqualTo(List.of(0, ""));
    assertThat(JSON.readTree(out.resolve("report.json").toFile()).get("metrics").get(0).get("name"))
        .hasToString("\"second\"");
    assertThat(JobHarness.snapshot(out).keySet())
        .allMatch(n -> !n.contains(".tmp-") && !n.contains(".old-"));
  }
}
