package io.github.sparkloss.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparkloss.SparkLossExtensions;
import io.github.sparkloss.job.LossEvalJob;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The batch job's incremental runs against full runs, in one JVM on the same data: a log of {@code
 * --rows} rows in {@code --files} Parquet files, the eight aggregate metrics of {@code
 * conf/example.conf} per model. The checkpoint after the whole log is kept; each round copies it,
 * adds one more file (1% of the log by default) and times the incremental run that reads it and a
 * full run over every file, in alternating order, checking that both reports are the same bit for
 * bit. Also measures what the checkpoint keeps per group and metric.
 *
 * <pre>
 * scripts/bench --incremental [--rows 10000000] [--files 100] [--rounds 5]
 * </pre>
 */
public final class IncrementalBench {
  private IncrementalBench() {}

  static final String METRICS =
      "metrics = [\n"
          + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
          + "  { name = ce_smoothed_weighted, loss = cross_entropy, input = logits, target = label,"
          + " label_smoothing = 0.1, sample_weight = sample_weight }\n"
          + "  { name = ce_class_weighted, loss = cross_entropy, input = logits64, target = label,"
          + " weight = [1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0], per_class = true }\n"
          + "  { name = ce_soft_targets, loss = cross_entropy, input = logits64,"
          + " target = soft_target }\n"
          + "  { name = nll, loss = nll_loss, input = log_probs, target = label, reduction = sum }\n"
          + "  { name = bce_multi_label, loss = binary_cross_entropy, input = probs,"
          + " target = multi_label }\n"
          + "  { name = bce_logits, loss = binary_cross_entropy_with_logits, input = binary_logit,"
          + " target = binary_label, pos_weight = [2.0] }\n"
          + "  { name = kl, loss = kl_div, input = log_probs, target = soft_target,"
          + " reduction = batchmean }\n"
          + "]\n";

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    opt.put("--rows", "10000000");
    opt.put("--files", "100");
    opt.put("--rounds", "5");
    opt.put("--out", "target/bench");
    opt.put("--data", "/tmp/sparkloss-bench-incremental");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--incremental")) {
        continue;
      }
      if (!opt.containsKey(args[i]) || i + 1 >= args.length) {
        System.err.println(
            "bench --incremental: unknown or incomplete flag "
                + args[i]
                + "; expected "
                + String.join(", ", opt.keySet()));
        System.exit(2);
      }
      opt.put(args[i], args[++i]);
    }
    long rows = Long.parseLong(opt.get("--rows"));
    int files = Integer.parseInt(opt.get("--files"));
    int rounds = Integer.parseInt(opt.get("--rounds"));
    Path out = Path.of(opt.get("--out")).toAbsolutePath();
    Path data = Path.of(opt.get("--data")).toAbsolutePath();

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("sparkloss-bench-incremental")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.extensions", SparkLossExtensions.class.getName())
            .getOrCreate();
    try {
      run(spark, rows, files, rounds, out, data);
    } finally {
      spark.stop();
    }
  }

  static void run(SparkSession spark, long rows, int files, int rounds, Path out, Path data)
      throws IOException {
    deleteTree(data);
    Path in = data.resolve("in");
    Path extra = data.resolve("extra");
    Files.createDirectories(in);
    Files.createDirectories(extra);
    // files + 1 files of rows / files rows each; the last is the one every round adds.
    long perFile = rows / files;
    Dataset<Row> log =
        SyntheticLogs.generate(spark, perFile * (files + 1), 10, 42L, files + 1)
            .withColumn(
                "ts",
                functions.timestamp_seconds(
                    functions.col("id").plus(functions.lit(1_793_491_200L))));
    Path all = data.resolve("all");
    System.out.printf(
        Locale.ROOT, "writing %d rows in %d files to %s%n", perFile * (files + 1), files + 1, all);
    log.write().parquet(all.toString());
    List<Path> parts;
    try (Stream<Path> s = Files.list(all)) {
      parts = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
    for (int i = 0; i < parts.size(); i++) {
      Files.move(
          parts.get(i),
          (i < files ? in : extra).resolve(String.format(Locale.ROOT, "part-%05d.parquet", i)));
    }
    Path added;
    try (Stream<Path> s = Files.list(extra)) {
      added = s.findFirst().orElseThrow();
    }

    Path base = data.resolve("checkpoint-base");
    Path work = data.resolve("work");
    Files.createDirectories(work);
    String body =
        "input { path = " + q(in) + ", format = parquet }\ngroup_by = [model]\n" + METRICS;

    // The checkpoint after the whole log (timed: it is a full run that also keeps its states).
    long t0 = System.nanoTime();
    job(
        work,
        body
            + "output.report = "
            + q(work.resolve("base.json"))
            + "\n"
            + "incremental.checkpoint = "
            + q(base)
            + "\n");
    double firstIncremental = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> state = stateSize(spark, base);
    System.out.println("kept states: " + state);

    List<Double> incremental = new ArrayList<>();
    List<Double> full = new ArrayList<>();
    Path target = in.resolve(added.getFileName());

    // One unmeasured incremental run first: the streaming path's first use warms the JIT.
    Path warm = work.resolve("checkpoint-warm-up");
    copyTree(base, warm);
    Files.copy(added, target);
    job(
        work,
        body
            + "output.report = "
            + q(work.resolve("warm-up.json"))
            + "\nincremental.checkpoint = "
            + q(warm)
            + "\n");
    Files.delete(target);
    deleteTree(warm);
    for (int r = 0; r < rounds; r++) {
      Path cp = work.resolve("checkpoint-" + r);
      copyTree(base, cp);
      Files.copy(added, target);
      String incConfig =
          body
              + "output.report = "
              + q(work.resolve("inc-" + r + ".json"))
              + "\nincremental.checkpoint = "
              + q(cp)
              + "\n";
      String fullConfig = body + "output.report = " + q(work.resolve("full-" + r + ".json")) + "\n";
      for (int side = 0; side < 2; side++) {
        boolean incFirst = r % 2 == 0;
        boolean inc = (side == 0) == incFirst;
        long t = System.nanoTime();
        job(work, inc ? incConfig : fullConfig);
        double s = (System.nanoTime() - t) / 1e9;
        (inc ? incremental : full).add(s);
        System.out.printf(Locale.ROOT, "round %d: %s %.3f s%n", r, inc ? "incremental" : "full", s);
      }
      if (!comparable(work.resolve("inc-" + r + ".json"))
          .equals(comparable(work.resolve("full-" + r + ".json")))) {
        throw new AssertionError(
            "round " + r + ": the incremental report differs from the full one");
      }
      Files.delete(target);
      deleteTree(cp);
    }
    double inc = median(incremental);
    double fl = median(full);
    System.out.printf(
        Locale.ROOT,
        "%nincremental run adding %d rows (1 file) to %d rows: median %.3f s%n"
            + "full run over %d rows: median %.3f s%nincremental / full: %.3f%n"
            + "first incremental run (the whole log, keeping its states): %.3f s%n",
        perFile,
        perFile * files,
        inc,
        perFile * (files + 1),
        fl,
        inc / fl,
        firstIncremental);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("rows", perFile * files);
    summary.put("files", files);
    summary.put("added_rows", perFile);
    summary.put("rounds", rounds);
    summary.put("incremental_seconds", incremental);
    summary.put("full_seconds", full);
    summary.put("incremental_median", inc);
    summary.put("full_median", fl);
    summary.put("ratio", inc / fl);
    summary.put("first_incremental_seconds", firstIncremental);
    summary.put("kept_states", state);
    Files.createDirectories(out);
    Path json = out.resolve("incremental.json");
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(json.toFile(), summary);
    System.out.println("wrote " + json);
    deleteTree(data);
  }

  /** Bytes of the kept partial states per group and metric, and of the whole state directory. */
  static Map<String, Object> stateSize(SparkSession spark, Path checkpoint) throws IOException {
    Path latest;
    try (Stream<Path> s = Files.list(checkpoint.resolve("state"))) {
      latest =
          s.filter(p -> p.getFileName().toString().matches("\\d+"))
              .max(
                  (a, b) ->
                      Long.compare(
                          Long.parseLong(a.getFileName().toString()),
                          Long.parseLong(b.getFileName().toString())))
              .orElseThrow();
    }
    Dataset<Row> kept = spark.read().parquet(latest.toString());
    String[] names = {
      "ce",
      "ce_smoothed_weighted",
      "ce_class_weighted",
      "ce_soft_targets",
      "nll",
      "bce_multi_label",
      "bce_logits",
      "kl"
    };
    Map<String, Object> perMetric = new LinkedHashMap<>();
    long groups = kept.count();
    for (int i = 0; i < names.length; i++) {
      Row r =
          kept.agg(
                  functions.avg(functions.length(functions.col("__s" + i))),
                  functions.max(functions.length(functions.col("__s" + i))))
              .first();
      perMetric.put(
          names[i] + (i == 2 ? " (per_class, 10 classes)" : ""),
          Map.of("mean_bytes", r.getDouble(0), "max_bytes", r.getInt(1)));
    }
    long dirBytes;
    try (Stream<Path> s = Files.walk(latest)) {
      dirBytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("groups", groups);
    m.put("per_group_and_metric", perMetric);
    m.put("state_directory_bytes", dirBytes);
    return m;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static String q(Object s) throws IOException {
    return JSON.writeValueAsString(String.valueOf(s));
  }

  /** Runs the job on {@code config}; its table goes nowhere, a failure is thrown. */
  static void job(Path work, String config) throws IOException {
    Path file = Files.writeString(work.resolve("bench-" + System.nanoTime() + ".conf"), config);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        LossEvalJob.run(
            new String[] {"--config", file.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IllegalStateException("the job failed: " + err.toString(StandardCharsets.UTF_8));
    }
  }

  static ObjectNode comparable(Path report) throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(report.toFile());
    n.remove("elapsed_seconds");
    n.remove("incremental");
    return n;
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
