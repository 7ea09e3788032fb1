package io.github.sparkloss.bench;

import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.SparkLossExtensions;
import io.github.sparkloss.kernel.BinaryCrossEntropyWithLogits;
import io.github.sparkloss.kernel.CrossEntropy;
import io.github.sparkloss.kernel.KlDiv;
import io.github.sparkloss.spark.FuseLossAggregates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The benchmark suite behind {@code scripts/bench}: in one JVM, on the same data, it times side by
 * side, interleaved (A B C, B C A, ... after one warm-up run each):
 *
 * <ul>
 *   <li>{@code scan}: {@code sum(aggregate(logits, 0D, (a, x) -> a + x))}, a query that reads every
 *       element of every row (the reference for "x scan"); {@code scan_size}: {@code
 *       sum(size(logits))}, the whole-stage-codegen'd aggregate that reads only the array headers
 *       from the cache (from Parquet it still decodes every element);
 *   <li>{@code sparkloss}: sparkloss's aggregate;
 *   <li>{@code sql}: the same loss written by hand as Spark SQL higher-order functions;
 *   <li>{@code mllib} (cross_entropy, cached only): {@code MulticlassClassificationEvaluator} with
 *       {@code logLoss} on probability vectors computed beforehand and cached (not timed);
 *   <li>{@code plain} (cross_entropy): {@link PlainCrossEntropy}, the same connector aggregate
 *       summing into plain doubles: the in-query price of exact summation;
 *   <li>{@code sparkloss_stats} (cross_entropy): {@code cross_entropy_stats}, whose states also
 *       keep the exact moments behind std_error, ci_low and ci_high;
 *   <li>{@code sparkloss_x5} (cross_entropy): five sparkloss metrics in one query, fused into one
 *       aggregate; {@code sparkloss_x5_unfused}: the same query with fusion turned off;
 *   <li>{@code kernel}: the pure-Java kernel in a tight single-thread loop over (a prefix of) the
 *       same values, reported as the time the same rows would take at single-core throughput times
 *       the cores Spark uses.
 * </ul>
 *
 * <p>For each loss, element type, class count and source (cached DataFrame, Parquet), it prints a
 * table of medians and the median per-repetition ratios to {@code scan} and {@code sparkloss}, wall
 * time and CPU time of all JVM threads, and writes everything to JSON. With {@code --scaling} it
 * also times cross_entropy from Parquet at several sizes and reports the driver heap after GC. Run
 * {@code --help} for the flags.
 */
public final class Bench {
  static final String[] LOSSES = {
    "cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "mse_loss",
    "huber_loss",
    "triplet_margin_loss"
  };

  /** The losses the {@code kernel} variant times (a direct kernel call in a loop). */
  static final List<String> KERNEL_LOSSES =
      List.of("cross_entropy", "binary_cross_entropy_with_logits", "kl_div");

  /**
   * How far sparkloss and the other variants' values may differ, relative: they differ only by
   * plain against exact summation (and MLlib's own softmax), orders of magnitude below this.
   */
  static final double VALUES_REL_TOL = 1e-9;

  /** Rows of the Parquet file whose query time is taken as the scaling series' fixed cost. */
  static final long FIXED_COST_ROWS = 1000;

  private static final String USAGE =
      String.join(
          "\n",
          "scripts/bench [flags]   (defaults give the full run)",
          "  --rows N            cached/Parquet rows for C <= 10 (default 4000000)",
          "  --max-elements N    rows are capped at N / C (default 40000000: C=1000 -> 40000 rows)",
          "  --reps N            timed repetitions (default 5)",
          "  --only L[,L]        losses: cross_entropy, binary_cross_entropy_with_logits, kl_div,",
          "                      mse_loss, huber_loss, triplet_margin_loss",
          "  --types T[,T]       float,double",
          "  --classes C[,C]     2,10,1000",
          "  --sources S[,S]     cached,parquet",
          "  --variants V[,V]    subset of scan,scan_size,sparkloss,sparkloss_stats,sql,mllib,plain,"
              + "sparkloss_x5,"
              + "sparkloss_x5_unfused,"
              + "kernel",
          "                      (mllib, plain, sparkloss_stats and sparkloss_x5* are cross_entropy",
          "                      only; kernel",
          "                      times cross_entropy, binary_cross_entropy_with_logits, kl_div)",
          "  --partitions N      partitions of the generated data (default 4)",
          "  --kernel-rows N     rows of the kernel loop (default 1000000)",
          "  --quick             --rows 1000000 --only cross_entropy --classes 10",
          "  --scaling           also run the Parquet scaling series",
          "  --scaling-only      only the scaling series",
          "  --scaling-rows N[,N] default 1000000,10000000,100000000",
          "  --data DIR          data directory (default /tmp/sparkloss-bench; deleted at the end)",
          "  --keep-data         do not delete the data directory",
          "  --out DIR           JSON directory (default target/bench; scripts/bench: the build",
          "                      directory's bench/)",
          "  --groups            also run the groups series: --rows cached rows of C=10 double",
          "                      logits grouped by id % G for each G of --group-counts",
          "  --groups-only       only the groups series",
          "  --group-counts G[,G] default 1,1000,200000,2000000",
          "  --e2e               also run the end-to-end Parquet group: conf/example.conf's eight",
          "                      aggregate metrics (as _stats, fused) against scans of the same",
          "                      columns, grouped by model",
          "  --e2e-only          only the end-to-end Parquet group",
          "  --e2e-rows N        rows of its synthetic prediction log (default 5000000)",
          "  --profile-query Q   only run query Q (table t_cached: first type and C, --rows rows)",
          "                      in a loop for --profile-seconds (default 60), for JFR",
          "scripts/bench --baseline REV [--rounds N] [--same-bench] [flags]",
          "                      before/after: builds git revision REV apart, then runs these",
          "                      flags on REV and on the working tree alternately, N rounds",
          "                      (default 5) of one JVM each, and prints per variant both medians",
          "                      and the median per-round ratio (see scripts/bench); with",
          "                      --same-bench both sides run this benchmark code");

  /** Written by the kernel loops so the JIT cannot drop the work. */
  private static volatile double sink;

  private Bench() {}

  /** The outcome of a run, for the smoke test. */
  public static final class Result {
    /** Everything printed. */
    public final StringBuilder table = new StringBuilder();

    /** The JSON file written. */
    public Path json;

    /** Per configuration key ({@code loss/type/C/source}), per variant, the query's value. */
    public final Map<String, Map<String, Double>> values = new LinkedHashMap<>();

    final List<Object> groups = new ArrayList<>();
    final List<Object> targets = new ArrayList<>();
    final List<Object> scaling = new ArrayList<>();
    Map<String, Object> scalingFixedCost;
    final List<Object> groupsSeries = new ArrayList<>();
    Map<String, Object> endToEnd;
  }

  /**
   * Runs the benchmark; see {@link #USAGE}.
   *
   * @param args flags
   */
  public static void main(String[] args) throws Exception {
    run(args);
  }

  /** Runs the benchmark and returns what it printed and measured. */
  public static Result run(String[] args) throws IOException {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("rows", "4000000");
    o.put("max-elements", "40000000");
    o.put("reps", "5");
    o.put("only", String.join(",", LOSSES));
    o.put("types", "float,double");
    o.put("classes", "2,10,1000");
    o.put("sources", "cached,parquet");
    o.put(
        "variants",
        "scan,scan_size,sparkloss,sparkloss_stats,sql,mllib,plain,sparkloss_x5,sparkloss_x5_unfused,"
            + "kernel");
    o.put("partitions", "4");
    o.put("kernel-rows", "1000000");
    o.put("scaling", "false");
    o.put("scaling-only", "false");
    o.put("scaling-rows", "1000000,10000000,100000000");
    o.put("groups", "false");
    o.put("groups-only", "false");
    o.put("group-counts", "1,1000,200000,2000000");
    o.put("e2e", "false");
    o.put("e2e-only", "false");
    o.put("e2e-rows", "5000000");
    o.put("data", "/tmp/sparkloss-bench");
    o.put("keep-data", "false");
    o.put("out", "target/bench");
    o.put("profile-query", "");
    o.put("profile-seconds", "60");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(USAGE);
        return new Result();
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a + "\n" + USAGE);
      }
      String k = a.substring(2);
      String v = null;
      int eq = k.indexOf('=');
      if (eq >= 0) {
        v = k.substring(eq + 1);
        k = k.substring(0, eq);
      }
      if (k.equals("quick")) {
        o.put("rows", "1000000");
        o.put("only", "cross_entropy");
        o.put("classes", "10");
        continue;
      }
      if (!o.containsKey(k)) {
        throw new IllegalArgumentException("unknown flag --" + k + "\n" + USAGE);
      }
      if (v == null) {
        boolean flag = o.get(k).equals("false");
        v = flag ? "true" : args[++i];
      }
      o.put(k, v);
    }
    if (o.get("scaling-only").equals("true")) {
      o.put("scaling", "true");
    }
    if (o.get("groups-only").equals("true")) {
      o.put("groups", "true");
    }
    if (o.get("e2e-only").equals("true")) {
      o.put("e2e", "true");
    }
    return new Bench.Runner(o).run();
  }

  /** One run's state. */
  private static final class Runner {
    final Map<String, String> o;
    final Result res = new Result();
    final int reps;
    final int partitions;
    final List<String> variants;
    final Path data;
    SparkSession spark;
    int cores;
    int printedTargets;

    Runner(Map<String, String> o) {
      this.o = o;
      this.reps = Integer.parseInt(o.get("reps"));
      this.partitions = Integer.parseInt(o.get("partitions"));
      this.variants = list(o.get("variants"));
      this.data = Paths.get(o.get("data"));
    }

    void out(String fmt, Object... args) {
      String s = String.format(Locale.ROOT, fmt, args);
      System.out.print(s);
      System.out.flush();
      res.table.append(s);
    }

    Result run() throws IOException {
      boolean existing = SparkSession.getActiveSession().isDefined();
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("sparkloss-bench")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.sql.extensions", SparkLossExtensions.class.getName())
              .getOrCreate();
      SparkLoss.register(spark);
      PlainCrossEntropy.register(spark);
      cores = spark.sparkContext().defaultParallelism();
      Map<String, Object> machine = machine();
      out("sparkloss bench %s%n%s%n", o, machine);
      long t0 = System.nanoTime();
      try {
        Files.createDirectories(data);
        if (!o.get("profile-query").isEmpty()) {
          profile();
          return res;
        }
        boolean only =
            o.get("scaling-only").equals("true")
                || o.get("groups-only").equals("true")
                || o.get("e2e-only").equals("true");
        if (!only) {
          matrix();
        }
        if (o.get("groups").equals("true")) {
          groupsSeries();
        }
        if (o.get("e2e").equals("true")) {
          endToEnd();
        }
        if (o.get("scaling").equals("true")) {
          scaling();
        }
      } finally {
        if (!o.get("keep-data").equals("true")) {
          deleteTree(data);
        }
        if (!existing) {
          spark.stop();
        }
      }
      out("total %.1f s%n", (System.nanoTime() - t0) / 1e9);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("options", o);
      json.put("machine", machine);
      json.put("groups", res.groups);
      json.put("targets", res.targets);
      json.put("groupsSeries", res.groupsSeries);
      json.put("endToEnd", res.endToEnd);
      json.put("scaling", res.scaling);
      json.put("scalingFixedCost", res.scalingFixedCost);
      Path dir = Paths.get(o.get("out"));
      Files.createDirectories(dir);
      res.json =
          dir.resolve(
              "bench-"
                  + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                  + ".json");
      Files.write(res.json, toJson(json).getBytes(StandardCharsets.UTF_8));
      out("JSON written to %s%n", res.json);
      return res;
    }

    /** Runs one query in a loop, for a profiler attached from outside (jcmd JFR.start). */
    void profile() {
      String type = list(o.get("types")).get(0);
      int c = Integer.parseInt(list(o.get("classes")).get(0));
      Dataset<Row> df =
          generate(Long.parseLong(o.get("rows")), c, type, true, true)
              .persist(StorageLevel.MEMORY_ONLY());
      df.count();
      df.createOrReplaceTempView("t_cached");
      String q = o.get("profile-query");
      long end = System.nanoTime() + Long.parseLong(o.get("profile-seconds")) * 1_000_000_000L;
      out("PROFILE-START pid %d: %s%n", ProcessHandle.current().pid(), q);
      for (int run = 1; System.nanoTime() < end; run++) {
        long s0 = System.nanoTime();
        Object v = spark.sql(q).collectAsList().get(0).get(0);
        out("run %d: %.3f s value %s%n", run, (System.nanoTime() - s0) / 1e9, v);
      }
      out("PROFILE-END%n");
      df.unpersist(true);
    }

    Map<String, Object> machine() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("nproc", Runtime.getRuntime().availableProcessors());
      m.put("cpu", cpuModel());
      m.put("java", System.getProperty("java.version") + " " + System.getProperty("java.vm.name"));
      m.put("spark", spark.version());
      m.put("master", spark.sparkContext().master());
      m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
      return m;
    }

    // -------------------------------------------------------------------------------------------
    // The matrix

    void matrix() throws IOException {
      long maxElements = Long.parseLong(o.get("max-elements"));
      for (String type : list(o.get("types"))) {
        for (String cs : list(o.get("classes"))) {
          int c = Integer.parseInt(cs);
          long rows = Math.min(Long.parseLong(o.get("rows")), Math.max(1, maxElements / c));
          long g0 = System.nanoTime();
          Dataset<Row> df = generate(rows, c, type, true).persist(StorageLevel.MEMORY_ONLY());
          long n = df.count();
          df.createOrReplaceTempView("t_cached");
          out(
              "%n#### logits array<%s>, C=%d, %d rows: generated and cached in %.1f s%n",
              type, c, n, (System.nanoTime() - g0) / 1e9);
          KernelRows kr = variants.contains("kernel") ? collect(df, rows) : null;
          Dataset<Row> probs = null;
          for (String source : list(o.get("sources"))) {
            String view = "t_cached";
            if (source.equals("parquet")) {
              Path p = data.resolve("matrix-" + type + "-" + c + ".parquet");
              long w0 = System.nanoTime();
              df.write().mode(SaveMode.Overwrite).parquet(p.toString());
              out(
                  "wrote %s in %.1f s (%d MiB)%n",
                  p, (System.nanoTime() - w0) / 1e9, sizeOf(p) >> 20);
              spark.read().parquet(p.toString()).createOrReplaceTempView("t_parquet");
              view = "t_parquet";
            } else if (!source.equals("cached")) {
              throw new IllegalArgumentException("unknown source " + source);
            }
            for (String loss : list(o.get("only"))) {
              if (loss.equals("cross_entropy")
                  && source.equals("cached")
                  && variants.contains("mllib")
                  && probs == null) {
                probs = probabilities(df);
              }
              group(
                  loss,
                  type,
                  c,
                  rows,
                  source,
                  view,
                  kr,
                  loss.equals("cross_entropy") ? probs : null);
            }
          }
          if (probs != null) {
            probs.unpersist(true);
          }
          df.unpersist(true);
        }
      }
      printTargets();
    }

    /** Prints the targets measured so far and forgets them (they stay in the JSON). */
    void printTargets() {
      if (res.targets.size() > printedTargets) {
        out("%n#### Targets%n");
        out("%-46s %-10s %10s %10s  %s%n", "target", "config", "measured", "limit", "met");
        for (Object t : res.targets.subList(printedTargets, res.targets.size())) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = (Map<String, Object>) t;
          out(
              "%-46s %-10s %10.3f %10.3f  %s%n",
              m.get("target"),
              m.get("config"),
              (Double) m.get("measured"),
              (Double) m.get("limit"),
              (Boolean) m.get("met") ? "yes" : "NO");
        }
        out(
            "(ratios are medians of per-repetition wall-time ratios; 'kernel' compares rows/s"
                + " with single-core kernel rows/s x %d cores)%n",
            cores);
        printedTargets = res.targets.size();
      }
    }

    /** Whether the tables need the third array column, {@code negative}. */
    boolean withNegative() {
      return list(o.get("only")).contains("triplet_margin_loss")
          || o.get("profile-query").contains("negative");
    }

    /**
     * Generates the bench table: {@code logits}, {@code label} (5% ignore_index), {@code target},
     * and with {@code withNegative} (only then, so that the other losses' tables stay as they were)
     * {@code negative}, C values in [-2, 2]: triplet_margin_loss's third argument.
     */
    Dataset<Row> generate(long rows, int c, String type, boolean withTarget) {
      return generate(rows, c, type, withTarget, false);
    }

    /** As above; with {@code withId} the table also keeps the row's {@code id} (bigint). */
    Dataset<Row> generate(long rows, int c, String type, boolean withTarget, boolean withId) {
      List<String> cols = new ArrayList<>();
      if (withId) {
        cols.add("id");
      }
      cols.add(
          elements(c, "cast((pmod(hash(id, %s), 20001) - 10000) / 2500.0 as " + type + ")")
              + " as logits");
      cols.add(
          String.format(
              Locale.ROOT,
              "cast(if(pmod(hash(id, -2), 20) = 0, -100, pmod(hash(id, -1), %d)) as int) as label",
              c));
      if (withTarget) {
        cols.add(
            elements(c, "cast(pmod(hash(id, %s, 7), 10001) / 10000.0 as " + type + ")")
                + " as target");
        if (withNegative()) {
          cols.add(
              elements(c, "cast((pmod(hash(id, %s, 13), 20001) - 10000) / 5000.0 as " + type + ")")
                  + " as negative");
        }
      }
      return spark.range(0, rows, 1, partitions).selectExpr(cols.toArray(new String[0]));
    }

    /**
     * An array of {@code c} elements, element {@code i} being {@code fmt} with {@code i} for {@code
     * %s}: an explicit {@code array(...)} (whole-stage code generated) for small {@code c}, else
     * {@code transform(sequence(...))} (interpreted lambda). Both give the same values.
     */
    static String elements(int c, String fmt) {
      if (c > 16) {
        return String.format(
            Locale.ROOT, "transform(sequence(0, %d), i -> %s)", c - 1, String.format(fmt, "i"));
      }
      List<String> e = new ArrayList<>();
      for (int i = 0; i < c; i++) {
        e.add(String.format(fmt, String.valueOf(i)));
      }
      return "array(" + String.join(", ", e) + ")";
    }

    /** Probability vectors for MLlib (rows with ignore_index dropped), computed and cached. */
    Dataset<Row> probabilities(Dataset<Row> df) {
      long p0 = System.nanoTime();
      StructType schema =
          new StructType()
              .add("label", DataTypes.DoubleType, false)
              .add("prediction", DataTypes.DoubleType, false)
              .add("probability", SQLDataTypes.VectorType(), false);
      MapPartitionsFunction<Row, Row> softmax = softmaxRows();
      Dataset<Row> probs =
          df.where("label <> -100")
              .select("logits", "label")
              .mapPartitions(softmax, Encoders.row(schema))
              .persist(StorageLevel.MEMORY_ONLY());
      long n = probs.count();
      out(
          "mllib input: %d probability vectors computed and cached in %.1f s (not timed)%n",
          n, (System.nanoTime() - p0) / 1e9);
      return probs;
    }

    // -------------------------------------------------------------------------------------------
    // One group: one loss on one table

    static final class Variant {
      final String name;
      final DoubleSupplier run;

      Variant(String name, DoubleSupplier run) {
        this.name = name;
        this.run = run;
      }
    }

    Variant sql(String name, String q) {
      return new Variant(
          name,
          () -> {
            Row r = spark.sql(q).collectAsList().get(0);
            return r.isNullAt(0) ? Double.NaN : ((Number) r.get(0)).doubleValue();
          });
    }

    static String handWritten(String loss, String t) {
      switch (loss) {
        case "cross_entropy":
          return "SELECT avg(log(aggregate(logits, 0D, (a, x) -> a + exp(x - m))) + m -"
              + " logits[label]) FILTER (WHERE label <> -100) FROM (SELECT logits, label,"
              + " cast(array_max(logits) AS double) AS m FROM "
              + t
              + ")";
        case "binary_cross_entropy_with_logits":
          return "SELECT sum(aggregate(zip_with(logits, target, (x, t) -> (1D - t) * x -"
              + " (least(cast(x AS double), 0D) - log1p(exp(-abs(cast(x AS double)))))), 0D,"
              + " (a, v) -> a + v)) / sum(size(logits)) FROM "
              + t;
        case "kl_div":
          return "SELECT sum(aggregate(zip_with(logits, target, (x, t) -> if(t = 0, 0D,"
              + " cast(t AS double) * ln(t)) - cast(t AS double) * x), 0D, (a, v) -> a + v)) /"
              + " sum(size(logits)) FROM "
              + t;
        case "mse_loss":
          return "SELECT sum(aggregate(zip_with(logits, target, (x, t) -> cast(x AS double) - t),"
              + " 0D, (a, d) -> a + d * d)) / sum(size(logits)) FROM "
              + t;
        case "huber_loss":
          // delta = 1: 0.5 z^2 below delta, else delta (z - 0.5 delta).
          return "SELECT sum(aggregate(zip_with(logits, target, (x, t) -> abs(cast(x AS double) -"
              + " t)), 0D, (a, z) -> a + if(z < 1D, 0.5D * z * z, 1D * (z - 0.5D * 1D)))) /"
              + " sum(size(logits)) FROM "
              + t;
        case "triplet_margin_loss":
          // margin = 1, p = 2, eps = 1e-6: d(u, v) = sqrt(sum((u - v + eps)^2)).
          return "SELECT avg(greatest(1D + sqrt(aggregate(zip_with(logits, target, (a, p) ->"
              + " cast(a AS double) - p + 1e-6D), 0D, (s, d) -> s + d * d)) -"
              + " sqrt(aggregate(zip_with(logits, negative, (a, n) -> cast(a AS double) - n +"
              + " 1e-6D), 0D, (s, d) -> s + d * d)), 0D)) FROM "
              + t;
        default:
          throw new IllegalArgumentException("unknown loss " + loss);
      }
    }

    static String sparklossCall(String loss) {
      switch (loss) {
        case "cross_entropy":
          return "cross_entropy(logits, label)";
        case "triplet_margin_loss":
          return "triplet_margin_loss(logits, target, negative)";
        default:
          return loss + "(logits, target)";
      }
    }

    void group(
        String loss,
        String type,
        int c,
        long rows,
        String source,
        String t,
        KernelRows kr,
        Dataset<Row> probs) {
      String key = loss + "/" + type + "/C=" + c + "/" + source;
      boolean ce = loss.equals("cross_entropy");
      List<Variant> vs = new ArrayList<>();
      if (variants.contains("scan")) {
        vs.add(sql("scan", "SELECT sum(aggregate(logits, 0D, (a, x) -> a + x)) FROM " + t));
      }
      if (variants.contains("scan_size")) {
        vs.add(sql("scan_size", "SELECT sum(size(logits)) FROM " + t));
      }
      if (variants.contains("sparkloss")) {
        vs.add(sql("sparkloss", "SELECT " + sparklossCall(loss) + " FROM " + t));
      }
      if (ce && variants.contains("sparkloss_stats")) {
        vs.add(
            sql(
                "sparkloss_stats",
                "SELECT s.value, s.std_error FROM (SELECT cross_entropy_stats(logits, label) AS s"
                    + " FROM "
                    + t
                    + ")"));
      }
      if (variants.contains("sql")) {
        vs.add(sql("sql", handWritten(loss, t)));
      }
      if (ce && variants.contains("plain")) {
        vs.add(sql("plain", "SELECT " + PlainCrossEntropy.NAME + "(logits, label) FROM " + t));
      }
      String x5 =
          "SELECT cross_entropy(logits, label), cross_entropy(logits, label, label_smoothing =>"
              + " 0.1), nll_loss(logits, label), binary_cross_entropy_with_logits(logits, target),"
              + " kl_div(logits, target) FROM "
              + t;
      if (ce && variants.contains("sparkloss_x5")) {
        vs.add(sql("sparkloss_x5", x5));
      }
      if (ce && variants.contains("sparkloss_x5_unfused")) {
        Variant fused = sql("sparkloss_x5_unfused", x5);
        vs.add(
            new Variant(
                "sparkloss_x5_unfused",
                () -> {
                  spark.conf().set(FuseLossAggregates.ENABLED, "false");
                  try {
                    return fused.run.getAsDouble();
                  } finally {
                    spark.conf().unset(FuseLossAggregates.ENABLED);
                  }
                }));
      }
      if (probs != null) {
        MulticlassClassificationEvaluator ev =
            new MulticlassClassificationEvaluator()
                .setMetricName("logLoss")
                .setLabelCol("label")
                .setPredictionCol("prediction")
                .setProbabilityCol("probability");
        vs.add(new Variant("mllib", () -> ev.evaluate(probs)));
      }
      out("%n== %s, %d rows%n", key, rows);
      int k = vs.size();
      Map<String, Double> values = new LinkedHashMap<>();
      for (Variant v : vs) {
        values.put(v.name, v.run.getAsDouble()); // warm-up
      }
      Timings timings = time(vs, "");
      double[][] wall = timings.wall;
      double[][] cpu = timings.cpu;
      double[][] gcMs = timings.gcMs;
      List<String> names = new ArrayList<>();
      for (Variant v : vs) {
        names.add(v.name);
      }
      int iScan = names.indexOf("scan");
      int iLoss = names.indexOf("sparkloss");

      // The kernel: single-thread loop over the same values, scaled to the cores used.
      Map<String, Object> kernel = null;
      double kernelSecs = Double.NaN;
      if (kr != null && !KERNEL_LOSSES.contains(loss)) {
        out("(kernel: not timed for %s)%n", loss);
        kr = null;
      }
      if (kr != null) {
        double nsRow = kernelNsPerRow(loss, kr);
        long evaluated = ce ? Math.round(rows * 0.95) : rows;
        kernelSecs = evaluated * nsRow / 1e9 / cores;
        kernel = new LinkedHashMap<>();
        kernel.put("nsPerRowSingleCore", nsRow);
        kernel.put("rowsPerSecSingleCore", 1e9 / nsRow);
        kernel.put("cores", cores);
        kernel.put("rowsPerSecTimesCores", 1e9 / nsRow * cores);
        kernel.put("secondsForRowsAtCores", kernelSecs);
        kernel.put("kernelRows", kr.n);
      }

      out(
          "%-13s %8s %7s %7s %7s %7s %8s %7s %7s %8s %6s%n",
          "variant", "wall s", "min", "max", "x scan", "x loss", "cpu s", "x scan", "x loss",
          "ns/row", "GC ms");
      List<Object> vj = new ArrayList<>();
      for (int v = 0; v < k; v++) {
        double xs = MechanismBench.ratio(wall, v, iScan);
        double xl = MechanismBench.ratio(wall, v, iLoss);
        double cxs = MechanismBench.ratio(cpu, v, iScan);
        double cxl = MechanismBench.ratio(cpu, v, iLoss);
        out(
            "%-13s %8.3f %7.3f %7.3f %7.2f %7.2f %8.3f %7.2f %7.2f %8.1f %6.0f%n",
            names.get(v),
            MechanismBench.median(wall[v]),
            Arrays.stream(wall[v]).min().getAsDouble(),
            Arrays.stream(wall[v]).max().getAsDouble(),
            xs,
            xl,
            MechanismBench.median(cpu[v]),
            cxs,
            cxl,
            MechanismBench.median(wall[v]) * 1e9 / rows,
            MechanismBench.median(gcMs[v]));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", names.get(v));
        m.put("value", values.get(names.get(v)));
        m.put("wallSeconds", wall[v]);
        m.put("cpuSeconds", cpu[v]);
        m.put("medianWall", MechanismBench.median(wall[v]));
        m.put("medianCpu", MechanismBench.median(cpu[v]));
        m.put("xScan", xs);
        m.put("xSparkloss", xl);
        m.put("cpuXScan", cxs);
        m.put("cpuXSparkloss", cxl);
        m.put("nsPerRow", MechanismBench.median(wall[v]) * 1e9 / rows);
        vj.add(m);
      }
      double scanMed = iScan >= 0 ? MechanismBench.median(wall[iScan]) : Double.NaN;
      double lossMed = iLoss >= 0 ? MechanismBench.median(wall[iLoss]) : Double.NaN;
      if (kr != null) {
        out(
            "%-13s %8.3f %7s %7s %7.2f %7.2f %8s %7s %7s %8.1f %6s%n",
            "kernel*",
            kernelSecs,
            "",
            "",
            kernelSecs / scanMed,
            kernelSecs / lossMed,
            "",
            "",
            "",
            kernelSecs * 1e9 / rows,
            "");
        out(
            "  * kernel: %.1f ns/row single-core over %d rows (%.2f M rows/s), shown as the time"
                + " for these rows at that throughput x %d cores; ratios of medians%n",
            (Double) kernel.get("nsPerRowSingleCore"),
            kr.n,
            (Double) kernel.get("rowsPerSecSingleCore") / 1e6,
            cores);
      }
      out("values:");
      for (Map.Entry<String, Double> e : values.entrySet()) {
        out(" %s=%.15g", e.getKey(), e.getValue());
      }
      out("%n");
      double ref = values.getOrDefault("sparkloss", Double.NaN);
      for (String other :
          new String[] {
            "sql", "plain", "mllib", "sparkloss_stats", "sparkloss_x5", "sparkloss_x5_unfused"
          }) {
        if (values.containsKey(other) && !Double.isNaN(ref)) {
          double d = relDiff(ref, values.get(other));
          out(
              "  check sparkloss vs %-12s rel diff %.2e %s%n",
              other, d, d < VALUES_REL_TOL ? "ok" : "DIFFERS (limit " + VALUES_REL_TOL + ")");
        }
      }
      res.values.put(key, values);
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("key", key);
      g.put("loss", loss);
      g.put("type", type);
      g.put("classes", c);
      g.put("rows", rows);
      g.put("source", source);
      g.put("reps", reps);
      g.put("variants", vj);
      g.put("kernel", kernel);
      res.groups.add(g);

      if (ce && c == 10 && iLoss >= 0) {
        String cfg = type + "/" + source;
        if (source.equals("cached")) {
          target(cfg, "sql / sparkloss >= 4", wall, names, "sql", "sparkloss", 4, true, rows);
          target(
              cfg, "sparkloss / mllib <= 0.5", wall, names, "sparkloss", "mllib", 0.5, false, rows);
          target(
              cfg, "sparkloss / scan <= 1.5", wall, names, "sparkloss", "scan", 1.5, false, rows);
          if (kr != null) {
            addTarget(
                cfg,
                "sparkloss rows/s / (kernel x cores) >= 0.6",
                kernelSecs / lossMed,
                0.6,
                true,
                rows);
          }
        } else {
          target(
              cfg,
              "parquet: sparkloss / scan <= 1.3",
              wall,
              names,
              "sparkloss",
              "scan",
              1.3,
              false,
              rows);
        }
        target(
            cfg, "x5 / sparkloss <= 2", wall, names, "sparkloss_x5", "sparkloss", 2, false, rows);
        target(
            cfg, "sparkloss / plain <= 1.10", wall, names, "sparkloss", "plain", 1.10, false, rows);
      }
    }

    void target(
        String cfg,
        String what,
        double[][] wall,
        List<String> names,
        String a,
        String b,
        double limit,
        boolean atLeast,
        long rows) {
      int ia = names.indexOf(a);
      int ib = names.indexOf(b);
      if (ia < 0 || ib < 0) {
        return;
      }
      addTarget(cfg, what, MechanismBench.ratio(wall, ia, ib), limit, atLeast, rows);
    }

    void addTarget(
        String cfg, String what, double measured, double limit, boolean atLeast, long rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", what);
      m.put("config", cfg);
      m.put("rows", rows);
      m.put("measured", measured);
      m.put("limit", limit);
      m.put("met", atLeast ? measured >= limit : measured <= limit);
      res.targets.add(m);
    }

    // -------------------------------------------------------------------------------------------
    // The kernel

    /** A prefix of the table's rows, widened to double, for the kernel loop. */
    static final class KernelRows {
      double[][] x;
      double[][] t;
      int[] y;
      int n;
    }

    KernelRows collect(Dataset<Row> df, long rows) {
      int n = (int) Math.min(rows, Long.parseLong(o.get("kernel-rows")));
      long c0 = System.nanoTime();
      List<Row> list = df.limit(n).collectAsList();
      KernelRows kr = new KernelRows();
      kr.n = list.size();
      kr.x = new double[kr.n][];
      kr.t = new double[kr.n][];
      kr.y = new int[kr.n];
      for (int i = 0; i < kr.n; i++) {
        Row r = list.get(i);
        kr.x[i] = widen(r.getList(0));
        kr.t[i] = widen(r.getList(2));
        kr.y[i] = r.getInt(1);
      }
      out("kernel input: %d rows collected in %.1f s%n", kr.n, (System.nanoTime() - c0) / 1e9);
      return kr;
    }

    static double[] widen(List<Object> l) {
      double[] d = new double[l.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = ((Number) l.get(i)).doubleValue();
      }
      return d;
    }

    /** Median single-thread ns per evaluated row over 2 warm-up and {@code reps} timed passes. */
    double kernelNsPerRow(String loss, KernelRows kr) {
      int c = kr.x.length == 0 ? 1 : kr.x[0].length;
      int passes = (int) Math.max(1, 20_000_000L / ((long) kr.n * c));
      double[] ns = new double[Math.max(reps, 1)];
      for (int r = -2; r < ns.length; r++) {
        long s0 = System.nanoTime();
        long evaluated = 0;
        double acc = 0;
        for (int p = 0; p < passes; p++) {
          double ls = 0;
          double ws = 0;
          if (loss.equals("cross_entropy")) {
            for (int i = 0; i < kr.n; i++) {
              int y = kr.y[i];
              if (y != -100) {
                ls += CrossEntropy.indexLoss(kr.x[i], c, y, null, 0.0);
                ws += 1.0;
              }
            }
          } else if (loss.equals("binary_cross_entropy_with_logits")) {
            for (int i = 0; i < kr.n; i++) {
              ls += BinaryCrossEntropyWithLogits.row(kr.x[i], kr.t[i], c, null, null, null);
              ws += c;
            }
          } else {
            for (int i = 0; i < kr.n; i++) {
              ls += KlDiv.row(kr.x[i], kr.t[i], c, false, null, null);
              ws += c;
            }
          }
          evaluated += loss.equals("cross_entropy") ? (long) ws : kr.n;
          acc += ls / ws;
        }
        long dt = System.nanoTime() - s0;
        sink += acc;
        if (r >= 0) {
          ns[r] = dt / (double) evaluated;
        }
      }
      return MechanismBench.median(ns);
    }

    // -------------------------------------------------------------------------------------------
    // The groups series

    /** A variant whose query returns {@code (count, sum)}; its value is the sum. */
    Variant grouped(String name, String q) {
      return new Variant(
          name,
          () -> {
            Row r = spark.sql(q).collectAsList().get(0);
            return r.isNullAt(1) ? Double.NaN : ((Number) r.get(1)).doubleValue();
          });
    }

    /**
     * The same cached rows ({@code --rows} of C = 10 double logits) grouped by {@code id % G} for
     * each G of {@code --group-counts}, every query wrapped as {@code SELECT count(*), sum(v) FROM
     * (SELECT ... AS v FROM t GROUP BY g)} so that no aggregate is pruned: the cost per group of
     * sparkloss against Spark's own aggregates.
     */
    void groupsSeries() {
      long rows = Long.parseLong(o.get("rows"));
      long g0 = System.nanoTime();
      Dataset<Row> df =
          generate(rows, 10, "double", false, true).persist(StorageLevel.MEMORY_ONLY());
      long n = df.count();
      df.createOrReplaceTempView("t_groups");
      out(
          "%n#### Groups series: logits array<double>, C=10, %d cached rows, generated in %.1f s%n",
          n, (System.nanoTime() - g0) / 1e9);
      String[][] queries = {
        {"scan_size", "sum(size(logits))"},
        {"sql", "avg(aggregate(logits, 0D, (a, x) -> a + exp(x)))"},
        {"sparkloss", "cross_entropy(logits, label)"},
        {"sparkloss_stats", "cross_entropy_stats(logits, label).value"},
        {"sparkloss_per_class", "cross_entropy_stats(logits, label, per_class => true).value"}
      };
      List<Map<String, Object>> points = new ArrayList<>();
      for (String gs : list(o.get("group-counts"))) {
        long groups = Long.parseLong(gs);
        List<Variant> vs = new ArrayList<>();
        for (String[] q : queries) {
          vs.add(
              grouped(
                  q[0],
                  "SELECT count(*), sum(v) FROM (SELECT id % "
                      + groups
                      + " AS g, "
                      + q[1]
                      + " AS v FROM t_groups GROUP BY id % "
                      + groups
                      + ")"));
        }
        out("%n== groups=%d (%s rows per group)%n", groups, rows / (double) groups);
        Map<String, Double> values = new LinkedHashMap<>();
        for (Variant v : vs) {
          values.put(v.name, v.run.getAsDouble()); // warm-up
        }
        Timings t = time(vs, "");
        int iSql = 1;
        out(
            "%-20s %8s %7s %7s %7s %8s %7s%n",
            "variant", "wall s", "min", "max", "x sql", "cpu s", "x sql");
        List<Object> vj = new ArrayList<>();
        for (int v = 0; v < vs.size(); v++) {
          out(
              "%-20s %8.3f %7.3f %7.3f %7.2f %8.3f %7.2f%n",
              vs.get(v).name,
              MechanismBench.median(t.wall[v]),
              Arrays.stream(t.wall[v]).min().getAsDouble(),
              Arrays.stream(t.wall[v]).max().getAsDouble(),
              MechanismBench.ratio(t.wall, v, iSql),
              MechanismBench.median(t.cpu[v]),
              MechanismBench.ratio(t.cpu, v, iSql));
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", vs.get(v).name);
          m.put("value", values.get(vs.get(v).name));
          m.put("wallSeconds", t.wall[v]);
          m.put("cpuSeconds", t.cpu[v]);
          m.put("medianWall", MechanismBench.median(t.wall[v]));
          m.put("medianCpu", MechanismBench.median(t.cpu[v]));
          m.put("xSql", MechanismBench.ratio(t.wall, v, iSql));
          m.put("cpuXSql", MechanismBench.ratio(t.cpu, v, iSql));
          vj.add(m);
        }
        double ce = values.get("sparkloss");
        for (String other : new String[] {"sparkloss_stats", "sparkloss_per_class"}) {
          boolean same = Double.doubleToLongBits(ce) == Double.doubleToLongBits(values.get(other));
          out("  check sparkloss vs %-20s %s%n", other, same ? "bit-identical" : "DIFFERS");
        }
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("groups", groups);
        point.put("rows", rows);
        point.put("variants", vj);
        points.add(point);
        res.groupsSeries.add(point);
        String cfg = "groups=" + groups;
        long perGroup = rows / Math.max(groups, 1);
        if (perGroup == 1) {
          target(
              cfg,
              "sparkloss / sql <= 1.5",
              t.wall,
              names(vs),
              "sparkloss",
              "sql",
              1.5,
              false,
              rows);
          target(
              cfg,
              "sparkloss_per_class / sql <= 3",
              t.wall,
              names(vs),
              "sparkloss_per_class",
              "sql",
              3,
              false,
              rows);
        } else if (perGroup == 10) {
          target(
              cfg,
              "sparkloss / sql <= 1.2",
              t.wall,
              names(vs),
              "sparkloss",
              "sql",
              1.2,
              false,
              rows);
        }
      }
      df.unpersist(true);
      printTargets();
    }

    static List<String> names(List<Variant> vs) {
      List<String> names = new ArrayList<>();
      for (Variant v : vs) {
        names.add(v.name);
      }
      return names;
    }

    // -------------------------------------------------------------------------------------------
    // End to end from Parquet

    /** conf/example.conf's aggregate metrics as the job computes them: _stats, in one query. */
    static final String E2E_METRICS =
        "cross_entropy_stats(logits, label), cross_entropy_stats(logits, label, label_smoothing =>"
            + " 0.1, sample_weight => sample_weight), cross_entropy_stats(logits64, label, weight"
            + " => array(1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0), per_class => true),"
            + " cross_entropy_stats(logits64, soft_target), nll_loss_stats(log_probs, label,"
            + " reduction => 'sum'), binary_cross_entropy_stats(probs, multi_label),"
            + " binary_cross_entropy_with_logits_stats(binary_logit, binary_label, pos_weight =>"
            + " array(2.0)), kl_div_stats(log_probs, soft_target, reduction => 'batchmean')";

    /** The columns those metrics read. */
    static final String[] E2E_ARRAYS = {
      "logits", "logits64", "probs", "log_probs", "soft_target", "multi_label"
    };

    /**
     * conf/example.conf's eight aggregate metrics over a synthetic prediction log ({@code
     * --e2e-rows} rows, C = 10, the sample data's generator) read from Parquet, grouped by model,
     * against two scans of the same columns grouped the same way: {@code scan} touches every
     * element (the reference of "x scan"), {@code scan_size} only decodes them.
     */
    void endToEnd() {
      long n = Long.parseLong(o.get("e2e-rows"));
      Path p = data.resolve("e2e-" + n + ".parquet");
      long w0 = System.nanoTime();
      io.github.sparkloss.tools.SyntheticLogs.generate(spark, n, 10, 1, partitions)
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(p.toString());
      out(
          "%n#### End to end from Parquet: %,d rows, conf/example.conf's eight aggregate metrics;"
              + " wrote %s in %.1f s (%d MiB)%n",
          n, p, (System.nanoTime() - w0) / 1e9, sizeOf(p) >> 20);
      spark.read().parquet(p.toString()).createOrReplaceTempView("t_e2e");
      StringBuilder elements = new StringBuilder();
      StringBuilder sizes = new StringBuilder();
      for (String a : E2E_ARRAYS) {
        elements
            .append(elements.length() == 0 ? "" : " + ")
            .append("aggregate(")
            .append(a)
            .append(", 0D, (a, x) -> a + x)");
        sizes.append(sizes.length() == 0 ? "" : " + ").append("size(").append(a).append(")");
      }
      String scalars = "sum(label + sample_weight + binary_logit + binary_label)";
      List<Variant> vs = new ArrayList<>();
      vs.add(
          e2e(
              "scan",
              "SELECT model, count(*), sum("
                  + elements
                  + "), "
                  + scalars
                  + " FROM t_e2e GROUP BY model"));
      vs.add(
          e2e(
              "scan_size",
              "SELECT model, count(*), sum("
                  + sizes
                  + "), "
                  + scalars
                  + " FROM t_e2e GROUP BY model"));
      vs.add(
          e2e(
              "sparkloss",
              "SELECT model, count(*), " + E2E_METRICS + " FROM t_e2e GROUP BY model"));
      vs.add(
          e2e(
              "cross_entropy",
              "SELECT model, count(*), cross_entropy_stats(logits, label)"
                  + " FROM t_e2e GROUP BY model"));
      for (Variant v : vs) {
        v.run.getAsDouble(); // warm-up
      }
      Timings t = time(vs, "");
      List<String> names = names(vs);
      out(
          "%-14s %8s %7s %7s %7s %7s %8s %7s%n",
          "variant", "wall s", "min", "max", "x scan", "x size", "cpu s", "x scan");
      List<Object> vj = new ArrayList<>();
      for (int v = 0; v < vs.size(); v++) {
        out(
            "%-14s %8.3f %7.3f %7.3f %7.2f %7.2f %8.3f %7.2f%n",
            names.get(v),
            MechanismBench.median(t.wall[v]),
            Arrays.stream(t.wall[v]).min().getAsDouble(),
            Arrays.stream(t.wall[v]).max().getAsDouble(),
            MechanismBench.ratio(t.wall, v, 0),
            MechanismBench.ratio(t.wall, v, 1),
            MechanismBench.median(t.cpu[v]),
            MechanismBench.ratio(t.cpu, v, 0));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", names.get(v));
        m.put("wallSeconds", t.wall[v]);
        m.put("cpuSeconds", t.cpu[v]);
        m.put("medianWall", MechanismBench.median(t.wall[v]));
        m.put("medianCpu", MechanismBench.median(t.cpu[v]));
        m.put("xScan", MechanismBench.ratio(t.wall, v, 0));
        m.put("xScanSize", MechanismBench.ratio(t.wall, v, 1));
        vj.add(m);
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("rows", n);
      e.put("parquetBytes", sizeOf(p));
      e.put("variants", vj);
      res.endToEnd = e;
      target(
          "e2e",
          "example metrics / scan <= 1.3",
          t.wall,
          names,
          "sparkloss",
          "scan",
          1.3,
          false,
          n);
      target(
          "e2e",
          "example metrics / scan_size <= 1.3",
          t.wall,
          names,
          "sparkloss",
          "scan_size",
          1.3,
          false,
          n);
      spark.catalog().dropTempView("t_e2e");
      if (!o.get("keep-data").equals("true")) {
        deleteTree(p);
      }
      printTargets();
    }

    /** A grouped query timed to its last row; its value is the number of groups. */
    Variant e2e(String name, String q) {
      return new Variant(name, () -> spark.sql(q).collectAsList().size());
    }

    // -------------------------------------------------------------------------------------------
    // Scaling

    void scaling() {
      out("%n#### Scaling: cross_entropy from Parquet, logits array<float>, C=10, local[2]%n");
      // The series' first size, run once before it, warms the JVM up (JIT-compiled reader and
      // kernel); without it the first point measures compilation too.
      List<String> sizes = list(o.get("scaling-rows"));
      if (!sizes.isEmpty()) {
        out("warm-up:%n");
        scalingPoint(Long.parseLong(sizes.get(0)));
      }
      List<Map<String, Object>> rowsOut = new ArrayList<>();
      for (String s : sizes) {
        Map<String, Object> m = scalingPoint(Long.parseLong(s));
        rowsOut.add(m);
        res.scaling.add(m);
      }
      // The per-query cost that does not depend on the number of rows (planning, two stages, task
      // launch, file footers), measured warm on a Parquet file of FIXED_COST_ROWS rows.
      Map<String, Object> fixed = scalingPoint(FIXED_COST_ROWS);
      res.scalingFixedCost = fixed;
      double fixedScan = (Double) fixed.get("scanMedianWall");
      double fixedLoss = (Double) fixed.get("sparklossMedianWall");
      out(
          "  fixed per-query cost (%,d rows): scan %.3f s, sparkloss %.3f s%n",
          FIXED_COST_ROWS, fixedScan, fixedLoss);
      for (Map<String, Object> m : rowsOut) {
        long n = (Long) m.get("rows");
        m.put(
            "sparklossMarginalNsPerRow",
            ((Double) m.get("sparklossMedianWall") - fixedLoss) * 1e9 / n);
        m.put("scanMarginalNsPerRow", ((Double) m.get("scanMedianWall") - fixedScan) * 1e9 / n);
      }
      double base =
          rowsOut.isEmpty() ? Double.NaN : (Double) rowsOut.get(0).get("sparklossNsPerRow");
      double marginalBase =
          rowsOut.isEmpty() ? Double.NaN : (Double) rowsOut.get(0).get("sparklossMarginalNsPerRow");
      out(
          "%14s %10s %10s %11s %9s %13s %9s %11s %8s %12s%n",
          "rows",
          "scan s",
          "loss s",
          "loss ns/row",
          "vs first",
          "minus fixed",
          "vs first",
          "cpu ns/row",
          "x scan",
          "heap MiB");
      for (Map<String, Object> m : rowsOut) {
        out(
            "%,14d %10.3f %10.3f %11.1f %+8.1f%% %13.1f %+8.1f%% %11.1f %8.2f %12.1f%n",
            (Long) m.get("rows"),
            (Double) m.get("scanMedianWall"),
            (Double) m.get("sparklossMedianWall"),
            (Double) m.get("sparklossNsPerRow"),
            100 * ((Double) m.get("sparklossNsPerRow") / base - 1),
            (Double) m.get("sparklossMarginalNsPerRow"),
            100 * ((Double) m.get("sparklossMarginalNsPerRow") / marginalBase - 1),
            (Double) m.get("sparklossCpuNsPerRow"),
            (Double) m.get("sparklossXScan"),
            (Double) m.get("driverHeapAfterGcMiB"));
      }
    }

    /** Wall seconds, CPU seconds of all JVM threads and GC milliseconds, per variant and rep. */
    static final class Timings {
      final double[][] wall;
      final double[][] cpu;
      final double[][] gcMs;

      Timings(int variants, int reps) {
        wall = new double[variants][reps];
        cpu = new double[variants][reps];
        gcMs = new double[variants][reps];
      }
    }

    /**
     * Runs every variant once per repetition, in an order rotated each repetition (A B C, B C A,
     * ...), and prints each repetition's wall times on a line starting with {@code indent}.
     */
    Timings time(List<Variant> vs, String indent) {
      int k = vs.size();
      Timings t = new Timings(k, reps);
      for (int r = 0; r < reps; r++) {
        StringBuilder line = new StringBuilder(indent + "rep " + r + ":");
        for (int j = 0; j < k; j++) {
          int v = (j + r) % k;
          long gc0 = MechanismBench.gcMillis();
          long cpu0 = MechanismBench.cpuNanos();
          long s0 = System.nanoTime();
          vs.get(v).run.getAsDouble();
          t.wall[v][r] = (System.nanoTime() - s0) / 1e9;
          t.cpu[v][r] = (MechanismBench.cpuNanos() - cpu0) / 1e9;
          t.gcMs[v][r] = MechanismBench.gcMillis() - gc0;
          line.append(String.format(Locale.ROOT, " %s=%.3f", vs.get(v).name, t.wall[v][r]));
        }
        out("%s%n", line);
      }
      return t;
    }

    /** Writes {@code n} rows to Parquet and times the scan and sparkloss over them, interleaved. */
    Map<String, Object> scalingPoint(long n) {
      Path p = data.resolve("scale-" + n + ".parquet");
      long w0 = System.nanoTime();
      generate(n, 10, "float", false).write().mode(SaveMode.Overwrite).parquet(p.toString());
      double genSecs = (System.nanoTime() - w0) / 1e9;
      long bytes = sizeOf(p);
      out("%,d rows: wrote %s in %.1f s (%d MiB)%n", n, p, genSecs, bytes >> 20);
      spark.read().parquet(p.toString()).createOrReplaceTempView("t_scale");
      List<Variant> vs = new ArrayList<>();
      vs.add(sql("scan", "SELECT sum(aggregate(logits, 0D, (a, x) -> a + x)) FROM t_scale"));
      vs.add(sql("sparkloss", "SELECT cross_entropy(logits, label) FROM t_scale"));
      for (Variant v : vs) {
        v.run.getAsDouble();
      }
      Timings t = time(vs, "  ");
      double[][] wall = t.wall;
      double[][] cpu = t.cpu;
      System.gc();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", n);
      m.put("parquetBytes", bytes);
      m.put("generateSeconds", genSecs);
      m.put("scanMedianWall", MechanismBench.median(wall[0]));
      m.put("sparklossMedianWall", MechanismBench.median(wall[1]));
      m.put("sparklossNsPerRow", MechanismBench.median(wall[1]) * 1e9 / n);
      m.put("scanNsPerRow", MechanismBench.median(wall[0]) * 1e9 / n);
      m.put("sparklossCpuNsPerRow", MechanismBench.median(cpu[1]) * 1e9 / n);
      m.put("sparklossXScan", MechanismBench.ratio(wall, 1, 0));
      m.put("driverHeapAfterGcMiB", heap / (double) (1 << 20));
      m.put("wallScan", wall[0]);
      m.put("wallSparkloss", wall[1]);
      out(
          "  %,d rows: sparkloss %.1f ns/row (median %.3f s), scan %.1f ns/row, driver heap"
              + " after GC %.1f MiB%n",
          n,
          (Double) m.get("sparklossNsPerRow"),
          (Double) m.get("sparklossMedianWall"),
          (Double) m.get("scanNsPerRow"),
          (Double) m.get("driverHeapAfterGcMiB"));
      spark.catalog().dropTempView("t_scale");
      if (!o.get("keep-data").equals("true")) {
        deleteTree(p);
      }
      return m;
    }
  }

  /** Softmax of {@code (logits, label)} rows into {@code (label, prediction, probability)}. */
  static MapPartitionsFunction<Row, Row> softmaxRows() {
    return it -> {
      Iterator<Row> in = it;
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return in.hasNext();
        }

        @Override
        public Row next() {
          Row r = in.next();
          List<Object> l = r.getList(0);
          int n = l.size();
          double[] p = new double[n];
          double m = Double.NEGATIVE_INFINITY;
          int arg = 0;
          for (int i = 0; i < n; i++) {
            p[i] = ((Number) l.get(i)).doubleValue();
            if (p[i] > m) {
              m = p[i];
              arg = i;
            }
          }
          double s = 0;
          for (int i = 0; i < n; i++) {
            p[i] = Math.exp(p[i] - m);
            s += p[i];
          }
          for (int i = 0; i < n; i++) {
            p[i] /= s;
          }
          return RowFactory.create((double) r.getInt(1), (double) arg, Vectors.dense(p));
        }
      };
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  static List<String> list(String s) {
    List<String> l = new ArrayList<>();
    for (String x : s.split(",")) {
      if (!x.trim().isEmpty()) {
        l.add(x.trim());
      }
    }
    return l;
  }

  static double relDiff(double a, double b) {
    return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  static long sizeOf(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.delete(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A minimal JSON writer for maps, lists, arrays of doubles, numbers, booleans and strings. */
  static String toJson(Object v) {
    StringBuilder b = new StringBuilder();
    json(b, v, "");
    return b.append('\n').toString();
  }

  private static void json(StringBuilder b, Object v, String indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Map) {
      b.append("{");
      String in = indent + "  ";
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        b.append(first ? "\n" : ",\n").append(in);
        first = false;
        json(b, String.valueOf(e.getKey()), in);
        b.append(": ");
        json(b, e.getValue(), in);
      }
      b.append(first ? "}" : "\n" + indent + "}");
    } else if (v instanceof List) {
      b.append("[");
      String in = indent + "  ";
      boolean first = true;
      for (Object x : (List<?>) v) {
        b.append(first ? "\n" : ",\n").append(in);
        first = false;
        json(b, x, in);
      }
      b.append(first ? "]" : "\n" + indent + "]");
    } else if (v instanceof double[]) {
      b.append("[");
      double[] d = (double[]) v;
      for (int i = 0; i < d.length; i++) {
        b.append(i == 0 ? "" : ", ");
        json(b, d[i], indent);
      }
      b.append("]");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      b.append(Double.isFinite(d) ? Double.toString(d) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else {
      String s = v.toString();
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '"' || ch == '\\') {
          b.append('\\').append(ch);
        } else if (ch < 0x20) {
          b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
        } else {
          b.append(ch);
        }
      }
      b.append('"');
    }
  }
}
