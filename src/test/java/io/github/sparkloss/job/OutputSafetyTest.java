package io.github.sparkloss.job;

import static io.github.sparkloss.job.JobHarness.q;
import static io.github.sparkloss.job.JobHarness.readJson;
import static io.github.sparkloss.job.JobHarness.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the job did not write is ever deleted or changed, whatever paths and flags it is given:
 * outputs that overlap an input, the config file or each other are refused before any work, and
 * {@code --overwrite} replaces only what an earlier run wrote. Each refusal is checked for its
 * exact message, exit code 2, and a whole temporary tree that is byte-identical before and after.
 */
class OutputSafetyTest extends SparkTestBase {
  static final String INPUT_RULE =
      "; an output must lie outside every input and must not contain one";
  static final String CONFIG_RULE = "; an output must not be or contain the config file";
  static final String OUTPUTS_RULE = "; give the outputs separate paths, neither inside the other";
  static final String NOT_DELETED =
      "; --overwrite replaces only what an earlier run of loss-eval wrote, so the job will not"
          + " delete it";

  static final String LOG =
      "{\"logits\": [0.5, -1.0, 2.0], \"label\": 2}\n"
          + "{\"logits\": [1.5, 0.25, -0.5], \"label\": 0}\n"
          + "{\"logits\": [0.0, 3.0, 1.0], \"label\": 1}\n";

  @TempDir Path tmp;

  /** The real path of the per-test temporary directory, as the job's messages show it. */
  Path d;

  @BeforeEach
  void realPath() throws IOException {
    d = tmp.toRealPath();
  }

  // ---- helpers ----

  /** Writes a three-row JSON-lines log at {@code file}. */
  static Path log(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, LOG);
  }

  /**
   * A config reading {@code input} (a HOCON value: a quoted path or a list) as JSON, with one
   * aggregate metric, and a per-row metric when {@code rows} is given.
   */
  static String config(String input, String report, String rows) {
    return "input { path = "
        + input
        + ", format = json }\n"
        + "metrics = [\n"
        + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
        + (rows == null
            ? ""
            : "  { name = r, loss = cross_entropy, input = logits, target = label,"
                + " reduction = none }\n")
        + "]\n"
        + "output { report = "
        + q(report)
        + (rows == null ? "" : ", rows { path = " + q(rows) + ", keep = [label] }")
        + " }\n";
  }

  /**
   * Writes {@code config} to {@code configFile}, runs the job on it, and checks the refusal: exit
   * 2, nothing on stdout, the one line {@code "loss-eval: " + message}, and every file under the
   * temporary directory (config included) byte-identical to what it was before the run.
   */
  void assertRefused(Path configFile, String config, String message, String... flags) {
    JobHarness.write(configFile, config);
    Map<String, String> before = snapshot(d);
    String[] args = new String[2 + flags.length];
    args[0] = "--config";
    args[1] = configFile.toString();
    System.arraycopy(flags, 0, args, 2, flags.length);
    JobHarness.Result r = JobHarness.run(args);
    assertThat(r.failedWithOneLine()).isEqualTo("loss-eval: " + message);
    assertThat(snapshot(d)).as("the tree after the refused run").isEqualTo(before);
  }

  /** {@code p} relative to the working directory, as a user in that directory might write it. */
  static String relative(Path p) {
    return Path.of("").toAbsolutePath().relativize(p).toString();
  }

  // ---- the three cases of the report ----

  @Test
  void rowsOutputThatContainsTheInputFileIsRefused() throws IOException {
    Path input = log(d.resolve("data/weird.jsonl"));
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), d.resolve("out/report.json").toString(), d.resolve("data").toString()),
        "output.rows.path " + d.resolve("data") + " contains the input " + input + INPUT_RULE,
        "--overwrite");
  }

  @Test
  void reportOverTheInputIsRefused() throws IOException {
    Path input = log(d.resolve("weird.jsonl"));
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), input.toString(), null),
        "output.report " + input + " is the input " + input + INPUT_RULE,
        "--overwrite");
    // Without --overwrite too: the overlap is refused before existence is even looked at.
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), input.toString(), null),
        "output.report " + input + " is the input " + input + INPUT_RULE);
  }

  @Test
  void rowsOutputThatContainsTheInputDirectoryTheConfigAndStderrIsRefused() throws IOException {
    log(d.resolve("logs/part-1.jsonl"));
    log(d.resolve("logs/part-2.jsonl"));
    Files.writeString(d.resolve("stderr.txt"), "what an earlier command printed\n");
    assertRefused(
        d.resolve("c.conf"),
        config(q(d.resolve("logs")), d.resolve("report.json").toString(), d.toString()),
        "output.rows.path " + d + " contains the input " + d.resolve("logs") + INPUT_RULE,
        "--overwrite");
  }

  // ---- more ways to name the same files ----

  @Test
  void outputInsideAnInputDirectoryIsRefusedEvenWhenNew() throws IOException {
    Path logs = d.resolve("logs");
    log(logs.resolve("a.jsonl"));
    assertRefused(
        d.resolve("c.conf"),
        config(q(logs), logs.resolve("report.json").toString(), null),
        "output.report "
            + logs.resolve("report.json")
            + " is inside the input "
            + logs
            + INPUT_RULE);
  }

  @Test
  void anInputMatchedByAGlobIsProtected() throws IOException {
    Path a = log(d.resolve("logs/a.jsonl"));
    log(d.resolve("logs/b.jsonl"));
    String glob = d.resolve("logs") + "/*.jsonl";
    assertRefused(
        d.resolve("c.conf"),
        config(q(glob), a.toString(), null),
        "output.report "
            + a
            + " is the input "
            + a
            + " (matched by input.path "
            + glob
            + ")"
            + INPUT_RULE,
        "--overwrite");
    // A path beside the matched files that the glob does not match is an ordinary output.
    JobHarness.Result ok =
        JobHarness.runConfig(
            d, "ok.conf", config(q(glob), d.resolve("logs/report.json").toString(), null));
    ok.succeeded();
    assertThat(readJson(d.resolve("logs/report.json")).get("input").get("rows").asLong())
        .isEqualTo(6);
  }

  @Test
  void everyPathOfAnInputListIsProtected() throws IOException {
    Path first = log(d.resolve("a.jsonl"));
    Path logs = d.resolve("logs");
    log(logs.resolve("b.jsonl"));
    String list = "[" + q(first) + ", " + q(logs) + "]";
    assertRefused(
        d.resolve("c.conf"),
        config(list, d.resolve("report.json").toString(), logs.resolve("rows").toString()),
        "output.rows.path " + logs.resolve("rows") + " is inside the input " + logs + INPUT_RULE);
    // Both inputs are read, and the report lists them.
    JobHarness.runConfig(d, "ok.conf", config(list, d.resolve("report.json").toString(), null))
        .succeeded();
    assertThat(readJson(d.resolve("report.json")).get("input").get("rows").asLong()).isEqualTo(6);
    assertThat(readJson(d.resolve("report.json")).get("input").get("path").toString())
        .isEqualTo("[" + q(first) + "," + q(logs) + "]");
  }

  @Test
  void relativePathsAndDotDotResolveBeforeTheyAreCompared() throws IOException {
    Path logs = d.resolve("logs");
    log(logs.resolve("a.jsonl"));
    String input = relative(logs);
    String rows = relative(d) + "/other/../logs/rows";
    assertThat(input).startsWith("..");
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), d.resolve("report.json").toString(), rows),
        "output.rows.path "
            + rows
            + " (resolves to "
            + logs.resolve("rows")
            + ") is inside the input "
            + input
            + " (resolves to "
            + logs
            + ")"
            + INPUT_RULE);
  }

  @Test
  void aFileSchemePrefixNamesTheSameFile() throws IOException {
    Path input = log(d.resolve("weird.jsonl"));
    String report = "file:" + input;
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), report, null),
        "output.report "
            + report
            + " (resolves to "
            + input
            + ") is the input "
            + input
            + INPUT_RULE,
        "--overwrite");
  }

  @Test
  void aSymbolicLinkToTheInputDirectoryIsFollowed() throws IOException {
    Path logs = d.resolve("logs");
    log(logs.resolve("a.jsonl"));
    Path link = Files.createSymbolicLink(d.resolve("link"), logs);
    // The input named through the link, the output through the real directory...
    assertRefused(
        d.resolve("c.conf"),
        config(q(link), d.resolve("report.json").toString(), logs.resolve("rows").toString()),
        "output.rows.path "
            + logs.resolve("rows")
            + " is inside the input "
            + link
            + " (resolves to "
            + logs
            + ")"
            + INPUT_RULE);
    // ... and the other way round.
    assertRefused(
        d.resolve("c.conf"),
        config(q(logs), d.resolve("report.json").toString(), link.resolve("rows").toString()),
        "output.rows.path "
            + link.resolve("rows")
            + " (resolves to "
            + logs.resolve("rows")
            + ") is inside the input "
            + logs
            + INPUT_RULE);
  }

  @Test
  void anotherNameOfTheSameInputFileIsRecognised() throws IOException {
    // A hard link stands for what paths cannot tell apart: a bind mount, a case-insensitive file
    // system. The job compares the files' identities too.
    Path input = log(d.resolve("in/weird.jsonl"));
    Path alias = Files.createLink(d.resolve("alias.jsonl"), input);
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), alias.toString(), null),
        "output.report " + alias + " is the input " + input + INPUT_RULE,
        "--overwrite");
  }

  @Test
  void anOutputThatIsASymbolicLinkIsRefused() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path dangling = Files.createSymbolicLink(d.resolve("report.json"), d.resolve("gone/r.json"));
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), dangling.toString(), null),
        "output.report "
            + dangling
            + " is a symbolic link to "
            + d.resolve("gone/r.json")
            + "; the job does not write through or replace a link: give the path it points to");
    Path rows = Files.createDirectories(d.resolve("out/rows"));
    Path link = Files.createSymbolicLink(d.resolve("rows"), rows);
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), d.resolve("out/r.json").toString(), link.toString()),
        "output.rows.path "
            + link
            + " (resolves to "
            + rows
            + ") is a symbolic link to "
            + rows
            + "; the job does not write through or replace a link: give the path it points to",
        "--overwrite");
  }

  // ---- the config file and the outputs themselves ----

  @Test
  void theConfigFileIsProtected() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path conf = d.resolve("conf/c.conf");
    assertRefused(
        conf,
        config(q(input), conf.toString(), null),
        "output.report " + conf + " is the config file " + conf + CONFIG_RULE,
        "--overwrite");
    assertRefused(
        conf,
        config(q(input), d.resolve("report.json").toString(), d.resolve("conf").toString()),
        "output.rows.path " + d.resolve("conf") + " contains the config file " + conf + CONFIG_RULE,
        "--overwrite");
  }

  @Test
  void aRowsOutputAboveTheReportIsRefused() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path rows = d.resolve("out");
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), rows.resolve("report.json").toString(), rows.toString()),
        "output.report "
            + rows.resolve("report.json")
            + " is inside output.rows.path "
            + rows
            + OUTPUTS_RULE);
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), rows.toString(), rows.toString()),
        "output.report " + rows + " is output.rows.path " + rows + OUTPUTS_RULE);
  }

  // ---- what --overwrite replaces ----

  @Test
  void overwriteRefusesADirectoryWithAnUnrelatedFile() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path rows = d.resolve("out/rows");
    Files.createDirectories(rows.resolve("nested"));
    Files.writeString(rows.resolve("notes.txt"), "keep me\n");
    Files.writeString(rows.resolve("part-00000-x.json"), "{}\n");
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), d.resolve("out/report.json").toString(), rows.toString()),
        "output.rows.path "
            + rows
            + " holds nested/, notes.txt, which a Spark write of loss-eval does not leave"
            + NOT_DELETED,
        "--overwrite");
  }

  @Test
  void overwriteRefusesAFileThatIsNotAReport() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path report = d.resolve("out/report.json");
    Files.createDirectories(report.getParent());
    Files.writeString(report, "{\"old\": true}");
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), report.toString(), null),
        "output.report "
            + report
            + " is a file of 13 bytes that is not a sparkloss report (no 'metrics' field)"
            + NOT_DELETED,
        "--overwrite");
    Files.writeString(report, "name,value\nce,1.5\n");
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), report.toString(), null),
        "output.report "
            + report
            + " is a file of 18 bytes that is not a sparkloss report (not JSON)"
            + NOT_DELETED,
        "--overwrite");
  }

  @Test
  void overwriteRefusesADirectoryAsReportAndAFileAsRows() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path report = Files.createDirectories(d.resolve("out/report.json"));
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), report.toString(), null),
        "output.report "
            + report
            + " is a directory, not a report an earlier run wrote"
            + NOT_DELETED,
        "--overwrite");
    Path rows = d.resolve("out/rows.parquet");
    Files.writeString(rows, "12345");
    assertRefused(
        d.resolve("c.conf"),
        config(q(input), d.resolve("out/r.json").toString(), rows.toString()),
        "output.rows.path "
            + rows
            + " is a file of 5 bytes, not a rows output an earlier run wrote"
            + NOT_DELETED,
        "--overwrite");
  }

  @Test
  void anEmptyOutputDirectoryIsReplacedOnlyWithOverwrite() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path rows = Files.createDirectories(d.resolve("out/rows"));
    Files.writeString(d.resolve("out/keep.txt"), "beside the outputs\n");
    String config = config(q(input), d.resolve("out/report.json").toString(), rows.toString());
    assertRefused(
        d.resolve("c.conf"),
        config,
        "output.rows.path " + rows + " already exists; pass --overwrite to replace it");
    JobHarness.runConfig(d, "c.conf", config, "--overwrite").succeeded();
    assertThat(spark.read().parquet(rows.toString()).count()).isEqualTo(3);
    assertThat(Files.readString(d.resolve("out/keep.txt"))).isEqualTo("beside the outputs\n");
  }

  @Test
  void overwriteReplacesWhatAnEarlierRunWroteAndNothingBeside() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path out = d.resolve("out");
    String config = config(q(input), out.resolve("report.json").toString(), out + "/rows");
    JobHarness.runConfig(d, "c.conf", config).succeeded();
    Files.writeString(out.resolve("notes.txt"), "beside the outputs\n");
    Map<String, String> before = snapshot(d);

    JobHarness.runConfig(d, "c.conf", config.replace("name = ce", "name = ce2"), "--overwrite")
        .succeeded();
    Map<String, String> after = snapshot(d);
    assertThat(readJson(out.resolve("report.json")).get("metrics").get(0).get("name").asText())
        .isEqualTo("ce2");
    // Only the report, the rows output and the config changed; nothing is left aside.
    for (Map.Entry<String, String> e : before.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("out/rows")
          && !name.equals("out/report.json")
          && !name.equals("c.conf")) {
        assertThat(after.get(name)).as(name).isEqualTo(e.getValue());
      }
    }
    assertThat(after.keySet()).allMatch(n -> !n.contains(".tmp-") && !n.contains(".old-"));
  }

  @Test
  void genDataOverwritesOnlyALogItWrote() throws IOException {
    Path logs = d.resolve("logs");
    String[] args = {"--rows", "50", "--classes", "3", "--out", logs.toString(), "--overwrite"};
    assertThat(new picocli.CommandLine(new SyntheticLogs()).execute(args)).isZero();
    assertThat(new picocli.CommandLine(new SyntheticLogs()).execute(args)).isZero();
    assertThat(spark.read().parquet(logs.toString()).count()).isEqualTo(50);

    Files.writeString(logs.resolve("notes.txt"), "keep me\n");
    Map<String, String> before = snapshot(d);
    assertThat(new picocli.CommandLine(new SyntheticLogs()).execute(args))
        .isEqualTo(LossEvalJob.EXIT_PROBLEM);
    assertThat(snapshot(d)).isEqualTo(before);
  }

  // ---- the HTML page ----

  /** {@link #config} with output.html set to {@code html}. */
  static String withHtml(String input, String report, String html, String rows) {
    return config(input, report, rows)
        .replace(
            "output { report = " + q(report),
            "output { report = " + q(report) + ", html = " + q(html));
  }

  @Test
  void htmlOverTheInputOrTheConfigIsRefused() throws IOException {
    Path input = log(d.resolve("weird.jsonl"));
    String report = d.resolve("out/report.json").toString();
    assertRefused(
        d.resolve("c.conf"),
        withHtml(q(input), report, input.toString(), null),
        "output.html " + input + " is the input " + input + INPUT_RULE,
        "--overwrite");
    Path conf = d.resolve("c.conf");
    assertRefused(
        conf,
        withHtml(q(input), report, conf.toString(), null),
        "output.html " + conf + " is the config file " + conf + CONFIG_RULE,
        "--overwrite");
  }

  @Test
  void htmlThatIsTheReportOrInsideTheRowsOutputIsRefused() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path report = d.resolve("out/report.json");
    assertRefused(
        d.resolve("c.conf"),
        withHtml(q(input), report.toString(), report.toString(), null),
        "output.report " + report + " is output.html " + report + OUTPUTS_RULE);
    Path rows = d.resolve("out/rows");
    assertRefused(
        d.resolve("c.conf"),
        withHtml(
            q(input), report.toString(), rows.resolve("page.html").toString(), rows.toString()),
        "output.html "
            + rows.resolve("page.html")
            + " is inside output.rows.path "
            + rows
            + OUTPUTS_RULE,
        "--overwrite");
  }

  @Test
  void htmlThatIsASymbolicLinkIsRefused() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path target = log(d.resolve("elsewhere/page.html"));
    Path link = Files.createSymbolicLink(d.resolve("page.html"), target);
    assertRefused(
        d.resolve("c.conf"),
        withHtml(q(input), d.resolve("r.json").toString(), link.toString(), null),
        "output.html "
            + link
            + " (resolves to "
            + target
            + ") is a symbolic link to "
            + target
            + "; the job does not write through or replace a link: give the path it points to",
        "--overwrite");
  }

  @Test
  void anExistingPageIsReplacedOnlyWhenTheJobWroteIt() throws IOException {
    Path input = log(d.resolve("in/a.jsonl"));
    Path report = d.resolve("out/report.json");
    Path page = d.resolve("out/report.html");
    Files.createDirectories(page.getParent());
    Files.writeString(page, "<html>mine</html>\n");
    String config = withHtml(q(input), report.toString(), page.toString(), null);
    assertRefused(
        d.resolve("c.conf"),
        config,
        "output.html " + page + " already exists; pass --overwrite to replace it");
    assertRefused(
        d.resolve("c.conf"),
        config,
        "output.html "
            + page
            + " is a file of 18 bytes that is not a sparkloss HTML report (no generator marker in"
            + " its head)"
            + NOT_DELETED,
        "--overwrite");

    // A page the job wrote is replaced, and the run says where it is.
    Files.delete(page);
    JobHarness.Result first = JobHarness.runConfig(d, "c.conf", config).succeeded();
    assertThat(first.outLines()).last().isEqualTo("wrote HTML report to " + page);
    assertThat(Files.readString(page)).contains(HtmlReport.GENERATOR, "data-metric=\"ce\"");
    JobHarness.runConfig(d, "c.conf", config.replace("name = ce", "name = ce2"), "--overwrite")
        .succeeded();
    assertThat(Files.readString(page)).contains("data-metric=\"ce2\"").doesNotContain("\"ce\"");
    assertThat(snapshot(d).keySet()).allMatch(n -> !n.contains(".tmp-") && !n.contains(".old-"));
  }

  // ---- other file systems ----

  /**
   * A file system that is not the local disk's, as HDFS or an object store is to the job: its paths
   * are compared by their qualified URI. Only naming is implemented.
   */
  public static final class RemoteNames extends FilterFileSystem {
    private URI uri;

    public RemoteNames() {
      super(new RawLocalFileSystem());
    }

    @Override
    public void initialize(URI name, Configuration conf) {
      uri = URI.create(name.getScheme() + "://" + name.getAuthority());
      setConf(conf);
    }

    @Override
    public URI getUri() {
      return uri;
    }

    @Override
    public org.apache.hadoop.fs.Path makeQualified(org.apache.hadoop.fs.Path path) {
      return path.makeQualified(uri, new org.apache.hadoop.fs.Path("/user/loss"));
    }

    @Override
    public String getCanonicalServiceName() {
      // As HDFS gives host:port whether or not the port was written.
      String authority = uri.getAuthority();
      return authority.contains(":") ? authority : authority + ":8020";
    }
  }

  @Test
  void otherFileSystemsCompareQualifiedUris() {
    Configuration conf = new Configuration(false);
    conf.set("fs.hdfs.impl", RemoteNames.class.getName());
    conf.setBoolean("fs.hdfs.impl.disable.cache", true);
    conf.set("fs.remote.impl", RemoteNames.class.getName());
    conf.setBoolean("fs.remote.impl.disable.cache", true);
    PathGuard guard = new PathGuard(conf, "loss-eval");
    // HDFS: one name node, named with and without its port.
    PathGuard.Resolved in = guard.resolve("the input", "hdfs://nn/logs/day=1");
    PathGuard.Resolved rows = guard.resolve("output.rows.path", "hdfs://nn:8020/logs");
    PathGuard.Resolved report = guard.resolve("output.report", "hdfs://nn/out/../report.json");
    assertThat(report.shown()).isEqualTo("hdfs://nn/report.json");
    assertThat(rows.containsOrIs(in)).isTrue();
    assertThat(report.containsOrIs(in)).isFalse();
    assertThat(guard.resolve("output.report", "hdfs://nn/user/loss/logs").key())
        .isEqualTo("hdfs://nn:8020/user/loss/logs");
    assertThat(guard.resolve("the input", "hdfs://other/logs/day=1").key()).isNotEqualTo(in.key());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PathGuard.checkSeparate(List.of(in), null, List.of(report, rows)))
        .hasMessage(
            "output.rows.path hdfs://nn:8020/logs contains the input hdfs://nn/logs/day=1"
                + INPUT_RULE);
    // Another connector keeps its authority: two buckets are two file systems.
    assertThat(guard.resolve("the input", "remote://bucket-a/logs").key())
        .isEqualTo("remote://bucket-a/logs");
    assertThat(
            guard
                .resolve("output.rows.path", "remote://bucket-b/logs")
                .containsOrIs(guard.resolve("the input", "remote://bucket-a/logs")))
        .isFalse();
    // A local path never equals a remote one, whatever its text.
    PathGuard.Resolved local =
        new PathGuard(new Configuration(), "loss-eval").resolve("output.report", "/logs");
    assertThat(local.containsOrIs(in)).isFalse();
  }
}
