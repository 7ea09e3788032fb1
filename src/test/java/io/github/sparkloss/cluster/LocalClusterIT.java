package io.github.sparkloss.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.job.JobHarness;
import io.github.sparkloss.job.LossEvalJob;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster: {@code scripts/local-cluster} starts a Master and two
 * Workers as separate JVMs, {@code scripts/submit} runs the job there, and every result is compared
 * bit for bit with the same config run in local mode. The Worker-kill test runs last, since it
 * leaves the cluster with one Worker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("").toAbsolutePath();

  /** Rows of the shared input, in 16 files: one task each in the Worker-kill test. */
  private static final long ROWS = 100_000;

  private static final int PARTITIONS = 16;

  /** Upper bound of one cluster run, far above what it takes on a loaded two-core machine. */
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

  /** The progress bar Spark prints on stderr: [Stage N:==> (done + running) / total]. */
  private static final Pattern PROGRESS =
      Pattern.compile("\\[Stage (\\d+):[=> ]*\\((\\d+) \\+ (\\d+)\\) / (\\d+)\\]");

  @TempDir static Path tmp;

  private static Path clusterDir;
  private static String masterUrl;
  private static String webUi;
  private static Path input;

  @BeforeAll
  static void startCluster() throws Exception {
    clusterDir =
        Path.of(System.getProperty("sparkloss.it.clusterDir", "target/it-local-cluster"))
            .toAbsolutePath();
    input = tmp.resolve("predictions.parquet");
    SyntheticLogs.generate(spark, ROWS, 10, 42, PARTITIONS).write().parquet(input.toString());

    Run start = script(Duration.ofMinutes(4), "scripts/local-cluster", "start");
    assertThat(start.exit()).as("local-cluster start; stderr:\n" + start.err()).isZero();
    List<String> lines = start.out().lines().collect(Collectors.toList());
    masterUrl = lines.get(lines.size() - 1);
    assertThat(masterUrl).matches("spark://127\\.0\\.0\\.1:\\d+");
    webUi =
        lines.stream()
            .filter(l -> l.startsWith("web UI: "))
            .map(l -> l.substring("web UI: ".length()))
            .findFirst()
            .orElseThrow();
    JsonNode master = masterJson();
    assertThat(master.get("aliveworkers").asInt()).isEqualTo(2);
    assertThat(master.get("status").asText()).isEqualTo("ALIVE");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (clusterDir == null) {
      return;
    }
    List<Long> pids = recordedPids();
    Run stop = script(Duration.ofMinutes(2), "scripts/local-cluster", "stop");
    assertThat(stop.exit()).as("local-cluster stop; stderr:\n" + stop.err()).isZero();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid " + pid + " after stop")
          .isFalse();
    }
    assertThat(clusterDir.resolve("cluster.pids")).doesNotExist();
  }

  @Test
  @Order(1)
  void failedJobLeavesNoReportAndNoRows() throws Exception {
    Path dir = tmp.resolve("failing");
    Path in = dir.resolve("input.json");
    StringBuilder lines = new StringBuilder();
    for (int id = 1; id <= 40; id++) {
      int label = id == 23 ? 7 : id % 3;
      lines.append(
          String.format(
              "{\"id\": %d, \"logits\": [%d.5, -1.25, 0.75], \"label\": %d}%n", id, id % 4, label));
    }
    write(in, lines.toString());
    Path out = dir.resolve("out");
    Path config =
        write(
            dir.resolve("fail.conf"),
            String.join(
                "\n",
                "input { path = " + q(in) + ", format = json }",
                "on_bad_row = fail",
                "metrics = [",
                "  { name = ce, loss = cross_entropy, input = logits, target = label }",
                "  { name = ce_row, loss = cross_entropy, input = logits, target = label,"
                    + " reduction = none }",
                "]",
                "output {",
                "  report = " + q(out.resolve("report.json")),
                "  rows { path = " + q(out.resolve("rows.parquet")) + ", keep = [id] }",
                "}"));

    Run run = submit(config);

    assertThat(run.exit()).as("exit code; stderr:\n" + run.err()).isEqualTo(2);
    assertThat(run.out()).as("stdout of a failed run").isEmpty();
    assertThat(lastLine(run.err()))
        .as("last line of stderr:\n" + run.err())
        .isEqualTo(
            "loss-eval: cross_entropy: target 7 in column label is out of range for 3 classes;"
                + " expected a class index in [0, 3) or ignore_index -100");
    assertThat(JobHarness.listing(out)).as("the output directory after a failed run").isEmpty();
  }

  /**
   * The job on the cluster refuses, before any work, an --overwrite that would delete its input,
   * its config and everything beside them, and leaves every file as it was.
   */
  @Test
  @Order(4)
  void overwriteOnTheClusterNeverTouchesTheInput() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("guarded")).toRealPath();
    write(dir.resolve("logs/a.json"), "{\"logits\": [0.5, -1.0], \"label\": 1}\n");
    write(dir.resolve("stderr.txt"), "an earlier run's output\n");
    Path config =
        write(
            dir.resolve("c.conf"),
            String.join(
                "\n",
                "input { path = " + q(dir.resolve("logs")) + ", format = json }",
                "metrics = [",
                "  { name = ce, loss = cross_entropy, input = logits, target = label }",
                "  { name = r, loss = cross_entropy, input = logits, target = label,"
                    + " reduction = none }",
                "]",
                "output { report = "
                    + q(tmp.resolve("guarded.json"))
                    + ", rows.path = "
                    + q(dir)
                    + " }"));
    Map<String, String> before = JobHarness.snapshot(dir);

    Run run = finish(submitProcess(config, List.of("--overwrite")), JOB_TIMEOUT);

    assertThat(run.exit()).as("exit code; stderr:\n" + run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(lastLine(run.err()))
        .isEqualTo(
            "loss-eval: output.rows.path "
                + dir
                + " contains the input "
                + dir.resolve("logs")
                + "; an output must lie outside every input and must not contain one");
    assertThat(JobHarness.snapshot(dir)).isEqualTo(before);
    assertThat(tmp.resolve("guarded.json")).doesNotExist();
  }

  @Test
  @Order(2)
  void exampleConfigGivesTheLocalModeResultsBitForBit() throws Exception {
    String example = Files.readString(ROOT.resolve("conf/example.conf"));
    assertThat(example).contains("data/sample/predictions.parquet", "target/example/");
    Path cluster = tmp.resolve("example-cluster");
    Path local = tmp.resolve("example-local");
    Path clusterConfig = write(cluster.resolve("example.conf"), retarget(example, cluster));
    Path localConfig = write(local.resolve("example.conf"), retarget(example, local));

    Run run = submit(clusterConfig);
    assertThat(run.exit()).as("exit code; stderr:\n" + run.err()).isZero();
    Run reference = runLocal(localConfig);
    assertThat(reference.exit()).as("local run; stderr:\n" + reference.err()).isZero();

    assertSameReport(cluster.resolve("out/report.json"), local.resolve("out/report.json"));
    assertThat(table(run.out())).as("the printed table").isEqualTo(table(reference.out()));
    assertThat(run.out())
        .endsWith("wrote HTML report to " + cluster.resolve("out/report.html").toRealPath() + "\n");
    assertSameRows(cluster.resolve("out/rows.parquet"), local.resolve("out/rows.parquet"));
    // The rows output is the whole input, one per-row loss each.
    assertThat(spark.read().parquet(cluster.resolve("out/rows.parquet").toString()).count())
        .isEqualTo(ROWS);
  }

  @Test
  @Order(3)
  void jobSurvivesAKilledWorkerWithTheSameResults() throws Exception {
    Path cluster = tmp.resolve("kill-cluster");
    Path local = tmp.resolve("kill-local");
    Path clusterConfig = write(cluster.resolve("kill.conf"), killConfig(cluster));
    Path localConfig = write(local.resolve("kill.conf"), killConfig(local));
    long worker = recordedPid("worker-2");
    assertThat(ProcessHandle.of(worker)).isPresent();

    // One task per input file: whatever its size, a file opens a partition of its own.
    Process p = submitProcess(clusterConfig, "spark.sql.files.openCostInBytes=1g");
    StreamCollector out = new StreamCollector(p.getInputStream());
    StreamCollector err = new StreamCollector(p.getErrorStream());
    // Kill once the input stage has finished a task and runs one on each executor.
    boolean both =
        waitUntil(
            JOB_TIMEOUT,
            () -> {
              MatchResult m = lastProgress(err.text());
              return !p.isAlive()
                  || m != null
                      && Integer.parseInt(m.group(4)) == PARTITIONS
                      && Integer.parseInt(m.group(2)) >= 1
                      && Integer.parseInt(m.group(3)) >= 2
                      && Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3)) < PARTITIONS;
            });
    assertThat(p.isAlive())
        .as("the job ran until a Worker could be killed mid-stage; stderr:\n" + err.text())
        .isTrue();
    assertThat(both).isTrue();
    String progressAtKill = lastProgress(err.text()).group();
    List<ProcessHandle> executors =
        ProcessHandle.of(worker).orElseThrow().children().collect(Collectors.toList());
    assertThat(executors).as("the executor of worker-2").isNotEmpty();
    ProcessHandle.of(worker).orElseThrow().destroyForcibly();
    executors.forEach(ProcessHandle::destroyForcibly);

    boolean finished = p.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    out.join();
    err.join();
    assertThat(finished).as("the job finished; stderr:\n" + err.text()).isTrue();
    assertThat(p.exitValue())
        .as("exit code after killing worker-2 at " + progressAtKill + "; stderr:\n" + err.text())
        .isZero();
    assertThat(err.text()).as("Spark saw the executor go").contains("Lost executor");

    Run reference = runLocal(localConfig);
    assertThat(reference.exit()).as("local run; stderr:\n" + reference.err()).isZero();
    assertSameReport(cluster.resolve("out/report.json"), local.resolve("out/report.json"));
    assertThat(table(out.text())).as("the printed table").isEqualTo(table(reference.out()));

    assertThat(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(
            waitUntil(Duration.ofSeconds(60), () -> masterJson().get("aliveworkers").asInt() == 1))
        .as("the master counts one live worker; master state:\n" + masterJson())
        .isTrue();
  }

  /**
   * Several losses per model version, each aggregated three times under different names: enough
   * work per task that the input stage runs for a few seconds on two executors.
   */
  private static String killConfig(Path dir) {
    StringBuilder metrics = new StringBuilder();
    for (String suffix : List.of("", "_2", "_3")) {
      metrics
          .append("  { name = ce")
          .append(suffix)
          .append(", loss = cross_entropy, input = logits, target = label,")
          .append(" label_smoothing = 0.1, sample_weight = sample_weight }\n")
          .append("  { name = ce_classes")
          .append(suffix)
          .append(", loss = cross_entropy, input = logits64, target = label,")
          .append(" per_class = true }\n")
          .append("  { name = ce_soft")
          .append(suffix)
          .append(", loss = cross_entropy, input = logits64, target = soft_target }\n")
          .append("  { name = bce")
          .append(suffix)
          .append(", loss = binary_cross_entropy, input = probs, target = multi_label }\n")
          .append("  { name = kl")
          .append(suffix)
          .append(", loss = kl_div, input = log_probs, target = soft_target,")
          .append(" reduction = batchmean }\n");
    }
    return String.join(
        "\n",
        "input { path = " + q(input) + " }",
        "group_by = [model]",
        "metrics = [",
        metrics.toString(),
        "]",
        "output { report = " + q(dir.resolve("out/report.json")) + " }");
  }

  /** The example config reading the shared input and writing under {@code dir/out}. */
  private static String retarget(String example, Path dir) {
    return example
        .replace("\"data/sample/predictions.parquet\"", q(input))
        .replace("\"target/example/report.json\"", q(dir.resolve("out/report.json")))
        .replace("\"target/example/report.html\"", q(dir.resolve("out/report.html")))
        .replace("\"target/example/rows.parquet\"", q(dir.resolve("out/rows.parquet")));
  }

  // ---- comparing results ----

  /** Same JSON shape and strings; every number bit-identical; elapsed_seconds left out. */
  private static void assertSameReport(Path actual, Path expected) throws IOException {
    assertThat(actual).exists();
    assertThat(expected).exists();
    JsonNode a = JSON.readTree(actual.toFile());
    JsonNode e = JSON.readTree(expected.toFile());
    assertThat(a.get("metrics").size()).isPositive();
    List<String> diffs = new ArrayList<>();
    compare("$", a, e, diffs);
    assertThat(diffs).as("differences between " + actual + " and " + expected).isEmpty();
    assertThat(withoutElapsed(Files.readString(actual)))
        .isEqualTo(withoutElapsed(Files.readString(expected)));
  }

  private static String withoutElapsed(String report) {
    return report.replaceAll("\"elapsed_seconds\" : [0-9.eE+-]+", "\"elapsed_seconds\"");
  }

  private static void compare(String path, JsonNode a, JsonNode e, List<String> diffs) {
    if (a.isObject() && e.isObject()) {
      List<String> an = fieldNames(a);
      if (!an.equals(fieldNames(e))) {
        diffs.add(path + ": fields " + an + " vs " + fieldNames(e));
        return;
      }
      for (String f : an) {
        if (!f.equals("elapsed_seconds")) {
          compare(path + "." + f, a.get(f), e.get(f), diffs);
        }
      }
    } else if (a.isArray() && e.isArray()) {
      if (a.size() != e.size()) {
        diffs.add(path + ": " + a.size() + " vs " + e.size() + " elements");
        return;
      }
      for (int i = 0; i < a.size(); i++) {
        compare(path + "[" + i + "]", a.get(i), e.get(i), diffs);
      }
    } else if (a.isIntegralNumber() && e.isIntegralNumber()) {
      if (a.longValue() != e.longValue()) {
        diffs.add(path + ": " + a + " vs " + e);
      }
    } else if (a.isNumber() && e.isNumber()) {
      if (Double.doubleToLongBits(a.doubleValue()) != Double.doubleToLongBits(e.doubleValue())) {
        diffs.add(path + ": " + a.doubleValue() + " vs " + e.doubleValue());
      }
    } else if (!a.equals(e)) {
      diffs.add(path + ": " + a + " vs " + e);
    }
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /** Same rows by id, each double bit-identical. */
  private static void assertSameRows(Path actual, Path expected) {
    List<Row> a = spark.read().parquet(actual.toString()).orderBy("id").collectAsList();
    List<Row> e = spark.read().parquet(expected.toString()).orderBy("id").collectAsList();
    assertThat(spark.read().parquet(actual.toString()).schema())
        .isEqualTo(spark.read().parquet(expected.toString()).schema());
    assertThat(a).hasSameSizeAs(e);
    for (int i = 0; i < a.size(); i++) {
      Row ra = a.get(i);
      Row re = e.get(i);
      for (int f = 0; f < ra.length(); f++) {
        Object va = ra.get(f);
        Object ve = re.get(f);
        if (va instanceof Double && ve instanceof Double) {
          assertThat(Double.doubleToLongBits((Double) va))
              .as("row " + ra + " field " + f)
              .isEqualTo(Double.doubleToLongBits((Double) ve));
        } else {
          assertThat(va).as("row " + ra + " field " + f).isEqualTo(ve);
        }
      }
    }
  }

  // ---- running the scripts and the job ----

  /** Exit code, stdout and stderr of one finished process. */
  record Run(int exit, String out, String err) {}

  private static Run script(Duration timeout, String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve(script).toString()));
    cmd.addAll(List.of(args));
    return finish(start(cmd), timeout);
  }

  private static Run submit(Path config) throws Exception {
    return finish(submitProcess(config), JOB_TIMEOUT);
  }

  private static Process submitProcess(Path config, String... conf) throws IOException {
    return submitProcess(config, List.of(), conf);
  }

  /** {@code scripts/submit} of {@code config} with more job arguments and Spark confs. */
  private static Process submitProcess(Path config, List<String> jobArgs, String... conf)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "bash",
                ROOT.resolve("scripts/submit").toString(),
                "--master",
                masterUrl,
                "--config",
                config.toString()));
    cmd.addAll(jobArgs);
    cmd.addAll(List.of("--", "--conf", "spark.ui.enabled=false"));
    for (String c : conf) {
      cmd.addAll(List.of("--conf", c));
    }
    return start(cmd);
  }

  private static Process start(List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARKLOSS_CLUSTER_DIR", clusterDir.toString());
    env.put("SPARKLOSS_DRIVER_MEMORY", "1g");
    // The scripts run Spark from the Maven classpath, as on a machine without a distribution.
    env.remove("SPARK_HOME");
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return pb.start();
  }

  private static Run finish(Process p, Duration timeout) throws Exception {
    StreamCollector out = new StreamCollector(p.getInputStream());
    StreamCollector err = new StreamCollector(p.getErrorStream());
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor();
    }
    out.join();
    err.join();
    return new Run(p.exitValue(), out.text(), err.text());
  }

  /** The job in local mode, in this JVM, on the test class's local[2] session. */
  private static Run runLocal(Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        LossEvalJob.run(
            new String[] {"--config", config.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Reads a stream to its end on its own thread; {@link #text} is what arrived so far. */
  private static final class StreamCollector extends Thread {
    private final InputStream in;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    StreamCollector(InputStream in) {
      this.in = in;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      byte[] b = new byte[8192];
      try {
        for (int n; (n = in.read(b)) >= 0; ) {
          synchronized (buf) {
            buf.write(b, 0, n);
          }
        }
      } catch (IOException e) {
        // the process went away; what arrived is kept
      }
    }

    String text() {
      synchronized (buf) {
        return buf.toString(StandardCharsets.UTF_8);
      }
    }
  }

  // ---- the cluster's state ----

  private static JsonNode masterJson() {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(webUi + "/json/"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<Long> recordedPids() throws IOException {
    Path pids = clusterDir.resolve("cluster.pids");
    if (!Files.exists(pids)) {
      return List.of();
    }
    return Files.readAllLines(pids).stream()
        .map(l -> Long.parseLong(l.split(" ")[1]))
        .collect(Collectors.toList());
  }

  private static long recordedPid(String role) throws IOException {
    return Files.readAllLines(clusterDir.resolve("cluster.pids")).stream()
        .filter(l -> l.startsWith(role + " "))
        .map(l -> Long.parseLong(l.split(" ")[1]))
        .findFirst()
        .orElseThrow();
  }

  // ---- small helpers ----

  /** The last progress bar state on {@code stderr}, or null before the first. */
  private static MatchResult lastProgress(String stderr) {
    Matcher m = PROGRESS.matcher(stderr);
    MatchResult last = null;
    while (m.find()) {
      last = m.toMatchResult();
    }
    return last;
  }

  private static boolean waitUntil(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }

  private static String lastLine(String s) {
    List<String> lines = s.lines().collect(Collectors.toList());
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private static String q(Object s) {
    try {
      return JSON.writeValueAsString(String.valueOf(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A run's stdout without the line that names where its HTML page went. */
  private static String table(String out) {
    return out.lines()
        .filter(l -> !l.startsWith("wrote HTML report to "))
        .collect(java.util.stream.Collectors.joining("\n"));
  }
}
