package io.github.sparkloss.bench;

import io.github.sparkloss.SparkLossExtensions;
import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.kernel.CrossEntropy;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import io.github.sparkloss.state.LossState;
import io.github.sparkloss.sum.ExactSum;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import scala.runtime.BoxedUnit;

/**
 * Measures two performance choices of sparkloss; a plain {@code main}, not a unit test.
 *
 * <h2>Part 1: connector {@code AggregateFunction} against {@code Aggregator} + {@code
 * functions.udaf}</h2>
 *
 * sparkloss evaluates a loss inside Catalyst's {@code V2Aggregator}, reading Spark's {@code
 * InternalRow} directly. The usual alternative is a typed {@link
 * org.apache.spark.sql.expressions.Aggregator} registered with {@code functions.udaf}, which is
 * simpler to write but deserializes every input row into a Java object through its encoder. Both
 * are {@code TypedImperativeAggregate}s run by {@code ObjectHashAggregateExec}, both project their
 * arguments with an {@code UnsafeProjection} first, and {@link CrossEntropyAggregator} does the
 * same arithmetic with the same {@code BoundLoss} into the same {@code LossState}; so the
 * difference is the mechanism. On a cached table of {@code rows} rows ({@code logits array<float>}
 * or {@code array<double>} of {@code classes} entries, {@code label int}) in {@code local[2]}, it
 * times:
 *
 * <ul>
 *   <li>{@code scan}: {@code SELECT sum(size(logits)) FROM t}, reading the cache, whole-stage code
 *       generated: the floor every query pays;
 *   <li>{@code v2_noop}, {@code v2_read}: connector probes ({@link ProbeAggregates}) that do
 *       nothing, or only read the row, inside the same {@code V2Aggregator}: where the sparkloss
 *       time goes;
 *   <li>{@code sparkloss}: {@code SELECT cross_entropy(logits, label) FROM t};
 *   <li>{@code udaf_bean}: the Aggregator with a bean input ({@code float[]}/{@code double[]}; note
 *       that Spark 4's bean deserializer still boxes every element on the way);
 *   <li>{@code udaf_row}: the Aggregator with a generic {@code Row} input (boxed elements).
 * </ul>
 *
 * The variants run interleaved in one JVM, in an order rotated every repetition, after two warm-up
 * runs each. Printed per variant: the median, min and max wall time; the median CPU time of all JVM
 * threads (on a shared machine far steadier than wall time, since it leaves out time the cores
 * spend on other tenants); the median over repetitions of the ratio to {@code scan} and to {@code
 * sparkloss} in the same repetition, for both; the GC time and the bytes allocated per row.
 * sparkloss and the Aggregators must agree bit for bit (same per-row doubles, exact sums), which is
 * checked.
 *
 * <h2>Part 2: exact against plain summation, in context</h2>
 *
 * Each evaluated row adds its loss and its denominator to two {@link ExactSum}s. Over
 * pre-materialized rows ({@code double[][]} logits, {@code int[]} labels; single thread, no Spark),
 * three loops are timed: {@code plain} (the kernel {@link CrossEntropy#indexLoss} into two {@code
 * double}s), {@code kernel+exact} (the same kernel into two {@code ExactSum}s: plain vs this is the
 * exact-sum overhead alone), and {@code BoundLoss.add} (the production per-row path into a {@link
 * LossState}, with its checks). Then {@code ExactSum.add} alone against {@code s += x} and Neumaier
 * summation, in ns per add. Each loop is timed {@code loopReps} times after 5 warm-up rounds,
 * interleaved and rotated; wall and thread-CPU medians and the median per-repetition ratio to
 * {@code plain} are printed.
 *
 * <p>Arguments are {@code key=value}: {@code part=all|1|2}, {@code rows=4000000}, {@code
 * classes=10}, {@code reps=5}, {@code partitions=4}, {@code types=float,double}, {@code
 * variants=scan,v2_noop,v2_read,sparkloss,udaf_bean,udaf_row}, {@code loopRows=1000000}, {@code
 * loopClasses=10,2}, {@code loopReps=15}, and for profiling {@code profile=<variant>} with {@code
 * profileType=float} and {@code profileSeconds=60} (runs only that query, repeatedly).
 */
public final class MechanismBench {

  private static final java.lang.management.ThreadMXBean THREADS =
      ManagementFactory.getThreadMXBean();

  /** Written by every timed loop so the JIT cannot drop the work. */
  private static volatile double sink;

  private MechanismBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code key=value} pairs, see the class comment
   */
  public static void main(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("part", "all");
    a.put("rows", "4000000");
    a.put("classes", "10");
    a.put("reps", "5");
    a.put("partitions", "4");
    a.put("types", "float,double");
    a.put("variants", "scan,v2_noop,v2_read,sparkloss,udaf_bean,udaf_row");
    a.put("loopRows", "1000000");
    a.put("loopClasses", "10,2");
    a.put("loopReps", "15");
    a.put("profile", "");
    a.put("profileType", "float");
    a.put("profileSeconds", "60");
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0 || !a.containsKey(arg.substring(0, eq))) {
        throw new IllegalArgumentException("unknown argument " + arg + "; known: " + a.keySet());
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    System.out.printf(
        "MechanismBench %s%njava %s (%s), cores %d, max heap %d MiB%n",
        a,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    String part = a.get("part");
    if (!a.get("profile").isEmpty()) {
      profile(a);
      return;
    }
    if (part.equals("all") || part.equals("2")) {
      // Before Spark starts, so no executor or GC activity of Spark's disturbs the loops.
      for (String c : a.get("loopClasses").split(",")) {
        loops(
            Integer.parseInt(a.get("loopRows")),
            Integer.parseInt(c.trim()),
            Integer.parseInt(a.get("loopReps")));
      }
      sumAlone(Integer.parseInt(a.get("loopRows")), Integer.parseInt(a.get("loopReps")));
    }
    if (part.equals("all") || part.equals("1")) {
      SparkSession spark = session(Integer.parseInt(a.get("partitions")));
      try {
        for (String type : a.get("types").split(",")) {
          mechanisms(
              spark,
              type.trim(),
              Long.parseLong(a.get("rows")),
              Integer.parseInt(a.get("classes")),
              Integer.parseInt(a.get("partitions")),
              Integer.parseInt(a.get("reps")),
              Arrays.asList(a.get("variants").split(",")));
        }
      } finally {
        spark.stop();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Part 1: Spark mechanisms

  private static SparkSession session(int partitions) {
    return SparkSession.builder()
        .master("local[2]")
        .appName("sparkloss-mechanism-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", String.valueOf(partitions))
        .config("spark.sql.extensions", SparkLossExtensions.class.getName())
        .withExtensions(
            ext -> {
              ProbeAggregates.register(ext);
              return BoxedUnit.UNIT;
            })
        .getOrCreate();
  }

  /** Caches {@code t_<type>} with deterministic pseudo-random logits in [-4, 4] and labels. */
  private static Dataset<Row> table(
      SparkSession spark, String type, long rows, int classes, int partitions) {
    Dataset<Row> df =
        spark
            .range(0, rows, 1, partitions)
            .selectExpr(
                String.format(
                    Locale.ROOT,
                    "transform(sequence(0, %d), i -> cast((pmod(hash(id, i), 20001) - 10000)"
                        + " / 2500.0 as %s)) as logits",
                    classes - 1,
                    type),
                String.format(Locale.ROOT, "cast(pmod(hash(id, -1), %d) as int) as label", classes))
            .persist(StorageLevel.MEMORY_ONLY());
    df.createOrReplaceTempView("t_" + type);
    long n = df.count();
    spark.sql("SELECT sum(size(logits)), sum(label) FROM t_" + type).collectAsList();
    if (n != rows) {
      throw new IllegalStateException("cached " + n + " rows, expected " + rows);
    }
    return df;
  }

  private static void mechanisms(
      SparkSession spark,
      String type,
      long rows,
      int classes,
      int partitions,
      int reps,
      List<String> variants) {
    System.out.printf(
        "%n== Part 1: mechanisms, logits array<%s>, C=%d, %d rows, %d partitions, local[2]%n",
        type, classes, rows, partitions);
    long t0 = System.nanoTime();
    Dataset<Row> df = table(spark, type, rows, classes, partitions);
    System.out.printf(
        "cached in %.1f s; schema %s%n",
        (System.nanoTime() - t0) / 1e9, df.schema().simpleString());
    registerUdafs(spark, type, df);
    Map<String, String> sql = new LinkedHashMap<>();
    for (String v : variants) {
      sql.put(v.trim(), query(v.trim(), type));
    }
    List<String> names = new ArrayList<>(sql.keySet());
    Map<String, Object> values = new LinkedHashMap<>();
    for (int w = 0; w < 2; w++) {
      for (String v : names) {
        values.put(v, spark.sql(sql.get(v)).collectAsList().get(0).get(0));
      }
    }
    System.out.println("values:");
    for (String v : names) {
      System.out.printf("  %-10s %s%n", v, values.get(v));
    }
    checkSame(values, "sparkloss", "udaf_bean");
    checkSame(values, "sparkloss", "udaf_row");

    int k = names.size();
    double[][] secs = new double[k][reps];
    double[][] gcMs = new double[k][reps];
    double[][] alloc = new double[k][reps];
    double[][] cpu = new double[k][reps];
    for (int r = 0; r < reps; r++) {
      StringBuilder line = new StringBuilder("rep " + r + ":");
      for (int j = 0; j < k; j++) {
        int v = (j + r) % k; // rotate the order: A B C, B C A, ...
        long gc0 = gcMillis();
        long al0 = allocatedBytes();
        long cpu0 = cpuNanos();
        long start = System.nanoTime();
        spark.sql(sql.get(names.get(v))).collectAsList();
        secs[v][r] = (System.nanoTime() - start) / 1e9;
        cpu[v][r] = (cpuNanos() - cpu0) / 1e9;
        alloc[v][r] = (allocatedBytes() - al0) / (double) rows;
        gcMs[v][r] = gcMillis() - gc0;
        line.append(String.format(Locale.ROOT, " %s=%.3f", names.get(v), secs[v][r]));
      }
      System.out.println(line);
    }
    int iScan = names.indexOf("scan");
    int iLoss = names.indexOf("sparkloss");
    System.out.printf(
        "%n%-10s %8s %7s %7s %8s %8s %8s %8s %8s %8s %6s %7s%n",
        "variant", "wall s", "min", "max", "x scan", "x loss", "cpu s", "cpu/row", "x scan",
        "x loss", "GC ms", "B/row");
    for (int v = 0; v < k; v++) {
      System.out.printf(
          Locale.ROOT,
          "%-10s %8.3f %7.3f %7.3f %8.2f %8.2f %8.3f %8.0f %8.2f %8.2f %6.0f %7.0f%n",
          names.get(v),
          median(secs[v]),
          Arrays.stream(secs[v]).min().getAsDouble(),
          Arrays.stream(secs[v]).max().getAsDouble(),
          ratio(secs, v, iScan),
          ratio(secs, v, iLoss),
          median(cpu[v]),
          median(cpu[v]) * 1e9 / rows,
          ratio(cpu, v, iScan),
          ratio(cpu, v, iLoss),
          median(gcMs[v]),
          median(alloc[v]));
    }
    System.out.println(
        "(wall s: median wall time; cpu s: median CPU time of all JVM threads; cpu/row in ns;"
            + " x scan, x loss: median over repetitions of the ratio to scan and to sparkloss in"
            + " the same repetition; B/row: bytes allocated per row)");
    df.unpersist(true);
  }

  private static void registerUdafs(SparkSession spark, String type, Dataset<Row> df) {
    if (type.equals("float")) {
      CrossEntropyAggregator<CrossEntropyAggregator.FloatInput> agg =
          CrossEntropyAggregator.floatBeans();
      spark.udf().register("ce_udaf_bean_float", functions.udaf(agg, agg.inputEncoder()));
    } else {
      CrossEntropyAggregator<CrossEntropyAggregator.DoubleInput> agg =
          CrossEntropyAggregator.doubleBeans();
      spark.udf().register("ce_udaf_bean_double", functions.udaf(agg, agg.inputEncoder()));
    }
    CrossEntropyAggregator<Row> rowAgg = CrossEntropyAggregator.rows(df.schema());
    spark.udf().register("ce_udaf_row_" + type, functions.udaf(rowAgg, rowAgg.inputEncoder()));
  }

  private static String query(String variant, String type) {
    String t = " FROM t_" + type;
    switch (variant) {
      case "scan":
        return "SELECT sum(size(logits))" + t;
      case "v2_noop":
        return "SELECT v2_noop(logits, label)" + t;
      case "v2_read":
        return "SELECT v2_read(logits, label)" + t;
      case "sparkloss":
        return "SELECT cross_entropy(logits, label)" + t;
      case "udaf_bean":
        return "SELECT ce_udaf_bean_" + type + "(logits, label)" + t;
      case "udaf_row":
        return "SELECT ce_udaf_row_" + type + "(logits, label)" + t;
      default:
        throw new IllegalArgumentException("unknown variant " + variant);
    }
  }

  private static void checkSame(Map<String, Object> values, String a, String b) {
    if (!values.containsKey(a) || !values.containsKey(b)) {
      return;
    }
    double x = ((Number) values.get(a)).doubleValue();
    double y = ((Number) values.get(b)).doubleValue();
    System.out.printf(
        "check %s == %s: %s (%s vs %s, diff %s)%n",
        a, b, Double.compare(x, y) == 0 ? "IDENTICAL" : "DIFFERENT", x, y, x - y);
  }

  /** Runs one query in a loop, for a profiler attached from outside (JFR, jcmd Thread.print). */
  private static void profile(Map<String, String> a) {
    String variant = a.get("profile");
    String type = a.get("profileType");
    int partitions = Integer.parseInt(a.get("partitions"));
    SparkSession spark = session(partitions);
    try {
      Dataset<Row> df =
          table(
              spark,
              type,
              Long.parseLong(a.get("rows")),
              Integer.parseInt(a.get("classes")),
              partitions);
      registerUdafs(spark, type, df);
      String q = query(variant, type);
      long end = System.nanoTime() + Long.parseLong(a.get("profileSeconds")) * 1_000_000_000L;
      int runs = 0;
      System.out.println("PROFILE-START " + q);
      while (System.nanoTime() < end) {
        long s = System.nanoTime();
        Object v = spark.sql(q).collectAsList().get(0).get(0);
        runs++;
        System.out.printf("run %d: %.3f s value %s%n", runs, (System.nanoTime() - s) / 1e9, v);
      }
      System.out.println("PROFILE-END");
    } finally {
      spark.stop();
    }
  }

  /** The median over repetitions of {@code t[v][r] / t[base][r]}, or NaN without a base. */
  static double ratio(double[][] t, int v, int base) {
    if (base < 0) {
      return Double.NaN;
    }
    double[] q = new double[t[v].length];
    for (int r = 0; r < q.length; r++) {
      q[r] = t[v][r] / t[base][r];
    }
    return median(q);
  }

  /**
   * CPU time so far of all live threads. Unlike wall time it does not count time the two cores
   * spend on other tenants' work, which on a shared machine is most of the noise.
   */
  static long cpuNanos() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long id : mx.getAllThreadIds()) {
      total += Math.max(0, mx.getThreadCpuTime(id));
    }
    return total;
  }

  static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }

  /**
   * Bytes allocated so far by all live threads (HotSpot's per-thread counters). Approximate: a
   * thread that ends between two readings takes its count with it; local-mode task threads are
   * pooled, so that is rare.
   */
  static long allocatedBytes() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    if (!(mx instanceof com.sun.management.ThreadMXBean)) {
      return 0;
    }
    com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
    long total = 0;
    for (long b : hs.getThreadAllocatedBytes(hs.getAllThreadIds())) {
      total += Math.max(0, b);
    }
    return total;
  }

  // ---------------------------------------------------------------------------------------------
  // Part 2: exact vs plain summation

  /** Kernel into two plain doubles: the per-row loss without the exact sums. */
  private static double plainLoop(double[][] x, int[] y, int c) {
    double ls = 0.0;
    double ws = 0.0;
    for (int i = 0; i < x.length; i++) {
      ls += CrossEntropy.indexLoss(x[i], c, y[i], null, 0.0);
      ws += 1.0;
    }
    return ls / ws;
  }

  /** The same kernel into two exact sums: differs from {@link #plainLoop} only in the sums. */
  private static double exactKernelLoop(double[][] x, int[] y, int c) {
    ExactSum ls = new ExactSum();
    ExactSum ws = new ExactSum();
    for (int i = 0; i < x.length; i++) {
      ls.add(CrossEntropy.indexLoss(x[i], c, y[i], null, 0.0));
      ws.add(1.0);
    }
    return ls.doubleValue() / ws.doubleValue();
  }

  /** The production per-row path: checks, kernel, {@code LossState.addRow}. */
  private static double boundLoop(BoundLoss bound, RowInput r, double[][] x, int[] y, int c) {
    LossState s = bound.newState();
    r.indexIsDouble = false;
    r.sampleWeight = 1.0;
    for (int i = 0; i < x.length; i++) {
      r.x = x[i];
      r.n = c;
      r.index = y[i];
      bound.add(s, r);
    }
    return bound.value(s);
  }

  private static void loops(int m, int c, int reps) {
    System.out.printf("%n== Part 2(i): per-row loop, %d rows, C=%d, single thread%n", m, c);
    Random rnd = new Random(42 + c);
    double[][] x = new double[m][c];
    int[] y = new int[m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < c; j++) {
        x[i][j] = 2.0 * rnd.nextGaussian();
      }
      y[i] = rnd.nextInt(c);
    }
    BoundLoss bound =
        BoundLoss.bind(
            LossOptions.defaults(Loss.fromSqlName("cross_entropy")),
            TargetKind.CLASS_INDEX,
            BoundLoss.ColumnNames.of("logits", "label", null),
            false,
            false);
    RowInput r = new RowInput();
    String[] names = {"plain", "kernel+exact", "BoundLoss.add"};
    double[] value = new double[3];
    int warm = 5;
    double[][] ns = new double[3][reps];
    double[][] cpuNs = new double[3][reps];
    for (int rep = -warm; rep < reps; rep++) {
      for (int j = 0; j < 3; j++) {
        int v = (j + Math.max(rep, 0)) % 3;
        long cstart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        double res;
        if (v == 0) {
          res = plainLoop(x, y, c);
        } else if (v == 1) {
          res = exactKernelLoop(x, y, c);
        } else {
          res = boundLoop(bound, r, x, y, c);
        }
        long t = System.nanoTime() - start;
        long ct = THREADS.getCurrentThreadCpuTime() - cstart;
        sink += res;
        value[v] = res;
        if (rep >= 0) {
          ns[v][rep] = t / (double) m;
          cpuNs[v][rep] = ct / (double) m;
        }
      }
    }
    System.out.printf(
        "values: plain %s, kernel+exact %s, BoundLoss %s%n", value[0], value[1], value[2]);
    printLoopTable("loop", "ns/row", names, ns, cpuNs, true);
    System.out.printf(
        Locale.ROOT,
        "exact-sum overhead per row (kernel+exact - plain): %.2f ns wall, %.2f ns cpu;"
            + " BoundLoss extra over kernel+exact: %.2f ns wall, %.2f ns cpu%n",
        median(ns[1]) - median(ns[0]),
        median(cpuNs[1]) - median(cpuNs[0]),
        median(ns[2]) - median(ns[1]),
        median(cpuNs[2]) - median(cpuNs[1]));
  }

  /**
   * Prints, per variant, the wall-time median, min and max, the CPU-time median, and each one's
   * change against the first variant (the median of the per-repetition ratios).
   */
  private static void printLoopTable(
      String what, String unit, String[] names, double[][] ns, double[][] cpuNs, boolean percent) {
    System.out.printf(
        "%-14s %10s %8s %8s %10s %12s %10s%n",
        what,
        "wall " + unit,
        "min",
        "max",
        percent ? "vs plain" : "x plain",
        "cpu " + unit,
        percent ? "vs plain" : "x plain");
    for (int v = 0; v < names.length; v++) {
      double rw = ratio(ns, v, 0);
      double rc = ratio(cpuNs, v, 0);
      System.out.printf(
          Locale.ROOT,
          "%-14s %10.3f %8.3f %8.3f %10s %12.3f %10s%n",
          names[v],
          median(ns[v]),
          Arrays.stream(ns[v]).min().getAsDouble(),
          Arrays.stream(ns[v]).max().getAsDouble(),
          percent
              ? String.format(Locale.ROOT, "%+.1f%%", 100 * (rw - 1))
              : String.format(Locale.ROOT, "%.2f", rw),
          median(cpuNs[v]),
          percent
              ? String.format(Locale.ROOT, "%+.1f%%", 100 * (rc - 1))
              : String.format(Locale.ROOT, "%.2f", rc));
    }
  }

  private static double plainSum(double[] xs, int passes) {
    double s = 0.0;
    for (int p = 0; p < passes; p++) {
      for (double v : xs) {
        s += v;
      }
    }
    return s;
  }

  private static double neumaierSum(double[] xs, int passes) {
    double s = 0.0;
    double comp = 0.0;
    for (int p = 0; p < passes; p++) {
      for (double v : xs) {
        double t = s + v;
        comp += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
        s = t;
      }
    }
    return s + comp;
  }

  private static double exactSum(double[] xs, int passes) {
    ExactSum s = new ExactSum();
    for (int p = 0; p < passes; p++) {
      for (double v : xs) {
        s.add(v);
      }
    }
    return s.doubleValue();
  }

  /** ExactSum.add alone against {@code s += x}, over per-row-loss-like values. */
  private static void sumAlone(int m, int reps) {
    int passes = 10;
    System.out.printf(
        "%n== Part 2(ii): summation alone, %d values x %d passes per timing, single thread%n",
        m, passes);
    Random rnd = new Random(7);
    double[] xs = new double[m];
    double[] row = new double[10];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < 10; j++) {
        row[j] = 2.0 * rnd.nextGaussian();
      }
      xs[i] = CrossEntropy.indexLoss(row, 10, rnd.nextInt(10), null, 0.0);
    }
    String[] names = {"s += x", "Neumaier", "ExactSum.add"};
    double[] value = new double[3];
    int warm = 5;
    double[][] ns = new double[3][reps];
    double[][] cpuNs = new double[3][reps];
    for (int rep = -warm; rep < reps; rep++) {
      for (int j = 0; j < 3; j++) {
        int v = (j + Math.max(rep, 0)) % 3;
        long cstart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        double res =
            v == 0 ? plainSum(xs, passes) : v == 1 ? neumaierSum(xs, passes) : exactSum(xs, passes);
        long t = System.nanoTime() - start;
        long ct = THREADS.getCurrentThreadCpuTime() - cstart;
        sink += res;
        value[v] = res;
        if (rep >= 0) {
          ns[v][rep] = t / (double) m / passes;
          cpuNs[v][rep] = ct / (double) m / passes;
        }
      }
    }
    System.out.printf("sums: plain %s, Neumaier %s, exact %s%n", value[0], value[1], value[2]);
    printLoopTable("sum", "ns/add", names, ns, cpuNs, false);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
