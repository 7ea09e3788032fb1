package io.github.sparkloss.job;

import static io.github.sparkloss.job.JobHarness.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental runs as separate processes through {@code scripts/loss-eval}: killed with SIGKILL
 * part-way and run again, the report is that of a full run and no row counts twice; with {@code
 * --follow}, a file written while the job runs is evaluated, and SIGINT (Ctrl-C) stops it between
 * batches with the report complete.
 */
class IncrementalProcessIT extends SparkTestBase {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final int FILES = 8;
  private static final int FILE_ROWS = 2_000;
  private static final Duration TIMEOUT = Duration.ofMinutes(4);

  @TempDir static Path data;
  static Path[] files;

  @TempDir Path work;

  @BeforeAll
  static void writeFiles() throws IOException {
    files = new Path[FILES];
    for (int i = 0; i < FILES; i++) {
      Path dir = data.resolve("chunk-" + i);
      SyntheticLogs.generate(spark, (long) FILES * FILE_ROWS, 10, 3L, 2)
          .filter(
              functions
                  .col("id")
                  .geq((long) i * FILE_ROWS)
                  .and(functions.col("id").lt((long) (i + 1) * FILE_ROWS)))
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

  static void arrive(Path dir, int i) throws IOException {
    Files.createDirectories(dir);
    Path temp = dir.getParent().resolve(".arriving-" + i);
    Files.copy(files[i], temp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(temp, dir.resolve("part-" + i + ".parquet"), StandardCopyOption.ATOMIC_MOVE);
  }

  String config(Path in, Path checkpoint, String extra) {
    return "input { path = "
        + q(in)
        + ", format = parquet, options { maxFilesPerTrigger = 1 } }\n"
        + "group_by = [model]\n"
        + "metrics = [\n"
        + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
        + "  { name = ce_classes, loss = cross_entropy, input = logits64, target = label,"
        + " per_class = true }\n"
        + "  { name = kl, loss = kl_div, input = log_probs, target = soft_target,"
        + " reduction = batchmean }\n"
        + "]\n"
        + "output.report = "
        + q(work.resolve("report.json"))
        + "\n"
        + (checkpoint == null ? "" : "incremental.checkpoint = " + q(checkpoint) + "\n")
        + extra;
  }

  @Test
  void killedWithSigkillAndRunAgainGivesTheFullRunsReport() throws Exception {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    for (int i = 0; i < FILES; i++) {
      arrive(in, i);
    }
    Path config = JobHarness.write(work.resolve("inc.conf"), config(in, cp, ""));
    // Killed twice part-way (one file per batch), each time once a batch has been kept.
    for (String after : List.of("batch 1: ", "batch 4: ")) {
      Job job = Job.start(List.of("--config", config.toString()));
      job.await(() -> job.out().contains(after), "'" + after + "' on stdout");
      job.process.destroyForcibly();
      assertThat(job.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(job.out()).doesNotContain("batch " + (FILES - 1) + ": ");
    }
    Job last = Job.start(List.of("--config", config.toString()));
    assertThat(last.finish()).as("exit code; stderr: " + last.err()).isZero();

    JsonNode report = JobHarness.readJson(work.resolve("report.json"));
    assertThat(report.at("/incremental/files_total").asLong()).isEqualTo(FILES);
    assertThat(report.at("/incremental/rows_total").asLong()).isEqualTo((long) FILES * FILE_ROWS);
    assertThat(report.at("/input/rows").asLong()).isEqualTo((long) FILES * FILE_ROWS);
    assertThat(comparable(work.resolve("report.json"))).isEqualTo(fullRun(in));
  }

  @Test
  void followPicksUpANewFileAndCtrlCStopsBetweenBatches() throws Exception {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    arrive(in, 0);
    Path config =
        JobHarness.write(
            work.resolve("follow.conf"), config(in, cp, "incremental.trigger = \"1 second\"\n"));
    Job job = Job.start(List.of("--config", config.toString(), "--follow"));
    Path report = work.resolve("report.json");
    job.await(() -> filesTotal(report) == 1, "the report of the first file");
    arrive(in, 1);
    arrive(in, 2);
    job.await(() -> filesTotal(report) == 3, "the report of three files");
    new ProcessBuilder("kill", "-INT", Long.toString(job.process.pid())).start().waitFor();
    int exit = job.finish();
    // The JVM exits as a process stopped by SIGINT does, after the stop is complete.
    assertThat(exit).as("exit code; stderr: " + job.err()).isEqualTo(130);
    assertThat(job.out())
        .contains("following " + in)
        .contains("stopped; the report " + report + " is complete");
    assertThat(comparable(report)).isEqualTo(fullRun(in));
  }

  static long filesTotal(Path report) {
    try {
      return Files.exists(report)
          ? JobHarness.readJson(report).at("/incremental/files_total").asLong()
          : 0;
    } catch (UncheckedIOException e) {
      return 0;
    }
  }

  JsonNode fullRun(Path in) {
    Path report = work.resolve("full.json");
    String text = config(in, null, "").replace(q(work.resolve("report.json")), q(report));
    JobHarness.runConfig(work, "full.conf", text).succeeded();
    return comparable(report);
  }

  static JsonNode comparable(Path report) {
    ObjectNode n = (ObjectNode) JobHarness.readJson(report);
    n.remove("elapsed_seconds");
    n.remove("incremental");
    return n;
  }

  /** {@code scripts/loss-eval} as a separate process, its output collected as it arrives. */
  private static final class Job {
    final Process process;
    final Collector out;
    final Collector err;

    private Job(Process process) {
      this.process = process;
      this.out = new Collector(process.getInputStream());
      this.err = new Collector(process.getErrorStream());
    }

    static Job start(List<String> args) throws IOException {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  // SIGINT as a terminal's Ctrl-C delivers it: a process started in the
                  // background inherits SIGINT ignored, and the JVM then keeps ignoring it.
                  "env",
                  "--default-signal=INT",
                  "bash",
                  ROOT.resolve("scripts/loss-eval").toString()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
      Map<String, String> env = pb.environment();
      env.put("SPARKLOSS_DRIVER_MEMORY", "1g");
      env.put("SPARK_MASTER", "local[2]");
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      return new Job(pb.start());
    }

    String out() {
      return out.text();
    }

    String err() {
      return err.text();
    }

    void await(BooleanSupplier done, String what) throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!done.getAsBoolean()) {
        if (!process.isAlive()) {
          throw new AssertionError(
              "the job ended (exit "
                  + process.exitValue()
                  + ") before "
                  + what
                  + "; stdout:\n"
                  + out()
                  + "\nstderr:\n"
                  + err());
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new AssertionError("no " + what + " within " + TIMEOUT + "; stdout:\n" + out());
        }
        Thread.sleep(50);
      }
    }

    int finish() throws InterruptedException {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      out.join();
      err.join();
      return process.exitValue();
    }
  }

  /** Reads a stream to its end on its own thread. */
  private static final class Collector extends Thread {
    private final InputStream in;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    Collector(InputStream in) {
      this.in = in;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      byte[] b = new byte[8192];
      try {
        for (int n; (n = in.read(b)) > 0; ) {
          synchronized (buf) {
            buf.write(b, 0, n);
          }
        }
      } catch (IOException e) {
        // The process ended.
      }
    }

    String text() {
      synchronized (buf) {
        return buf.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
