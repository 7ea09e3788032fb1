package io.github.sparkloss.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.SparkLossExtensions;
import io.github.sparkloss.TestMath;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Runs the Zeppelin note in {@code notebooks/} as Zeppelin would: the {@code %spark.conf} paragraph
 * configures a fresh session (so the functions exist only through {@code spark.sql.extensions}),
 * then every {@code %sql} paragraph runs in order over a synthetic log ({@code %md} paragraphs are
 * text). Each result is checked against losses, standard errors and intervals computed here in
 * plain Java from the collected log rows, with the formulas of docs/LOSS-SEMANTICS.md, {@link
 * TestMath#logSoftmax} and exact (BigDecimal) sums; nothing of sparkloss computes an expected
 * value.
 *
 * <p>The note's {@code spark.jars} names the jar where users install it. The test checks that it
 * names the Spark 4.0 jar of this version ({@code sparkloss-spark-4.0_2.13-<pom version>.jar}),
 * then points it at a jar packed from the classes under test, named as this build's line names its
 * jar, because the build's jar is made only after the tests run; Spark must then list that jar.
 */
class ZeppelinNoteTest {
  /** The note's path for the jar and for the log: the two places a user edits. */
  static final String NOTE_JAR_DIR = "/opt/sparkloss/";

  static final String NOTE_DATA_PATH = "/opt/sparkloss/data/predictions.parquet";

  private static final Path NOTEBOOKS = Path.of("notebooks");
  private static final long ROWS = 2400;
  private static final int CLASSES = 10;
  private static final long SEED = 7;

  /**
   * Per-row log/exp in the library and here may differ in the last bits (different operation order
   * inside a row); both sum exactly, so group values agree far inside this.
   */
  private static final double REL_TOL = 1e-12;

  /** The standard normal quantile at 0.975, the z of a 95% interval. */
  private static final double Z_95 = 1.959963984540054;

  /** The paragraph that charts each model's value and interval. */
  private static final String INTERVALS = "Comparing models with confidence intervals";

  /** The paragraph that evaluates a classifier's probability column. */
  private static final String PROBABILITIES = "A classifier's probability column";

  /** What that paragraph returns; its chart names these columns by name and position. */
  private static final List<String> INTERVAL_COLUMNS =
      List.of("model", "rows", "cross_entropy", "std_error", "ci_low", "ci_high");

  private static final Pattern DATA_PATH = Pattern.compile("OPTIONS \\(path '([^']*)'\\)");
  private static final Pattern INTERPRETER = Pattern.compile("^(\\s*)%(\\w+(?:\\.\\w+)*)");

  private static SparkSession spark;
  private static JsonNode note;
  private static Properties conf;
  private static Path jar;
  private static Path data;
  private static List<LogRow> log;

  /** One paragraph as Zeppelin splits its text: interpreter name and script. */
  record Paragraph(String title, String interpreter, String script) {}

  /** What one paragraph returned. */
  record Result(List<String> columns, List<Row> rows) {}

  /** The columns of one synthetic log row that the note reads. */
  record LogRow(
      long id,
      String model,
      double[] logits,
      double[] logits64,
      int label,
      double[] probs,
      double[] logProbs,
      double[] softTarget,
      double[] multiLabel,
      double sampleWeight,
      double binaryLogit,
      int binaryLabel) {}

  @BeforeAll
  static void startFromTheNote(@TempDir Path tmp) throws IOException {
    note = new ObjectMapper().readTree(noteFile().toFile());
    Paragraph first = paragraphs().get(0);
    assertThat(first.interpreter()).isEqualTo("spark.conf");
    conf = new Properties();
    // Zeppelin's ConfInterpreter reads the paragraph with Properties.load: "key value" lines.
    conf.load(new StringReader(first.script()));

    jar = packClassesUnderTest(tmp.resolve("lib").resolve(jarName()));
    // A session built with other settings may still be active: stop it, so that this one is
    // built from the note's settings alone.
    if (SparkSession.getActiveSession().isDefined()) {
      SparkSession.getActiveSession().get().stop();
    }
    if (SparkSession.getDefaultSession().isDefined()) {
      SparkSession.getDefaultSession().get().stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("sparkloss-zeppelin-note-test")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4");
    for (String key : conf.stringPropertyNames()) {
      builder.config(key, key.equals("spark.jars") ? jar.toString() : conf.getProperty(key));
    }
    spark = builder.getOrCreate();

    data = tmp.resolve("predictions.parquet");
    SyntheticLogs.generate(spark, ROWS, CLASSES, SEED, 3).write().parquet(data.toString());
    log =
        spark.read().parquet(data.toString()).collectAsList().stream()
            .map(ZeppelinNoteTest::logRow)
            .toList();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
    log = null;
  }

  @Test
  void theNoteIsAZeppelinNoteOfOneConfParagraphThenSqlAndMarkdownParagraphs() throws IOException {
    assertThat(note.path("version").asText()).isEqualTo("0.12.0");
    assertThat(note.path("defaultInterpreterGroup").asText()).isEqualTo("spark");
    assertThat(noteFile().getFileName().toString())
        .as("Zeppelin names note files <name>_<id>.zpln")
        .isEqualTo(note.path("name").asText() + "_" + note.path("id").asText() + ".zpln");
    for (String field : List.of("noteParams", "noteForms", "angularObjects", "config", "info")) {
      assertThat(note.path(field).isObject()).as(field).isTrue();
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode p : note.path("paragraphs")) {
      ids.add(p.path("id").asText());
      assertThat(p.path("status").asText()).isEqualTo("READY");
      assertThat(p.path("config").path("enabled").asBoolean()).isTrue();
      assertThat(p.path("settings").path("params").isObject()).isTrue();
      assertThat(p.has("results")).as("a note is shipped without results").isFalse();
    }
    assertThat(ids).doesNotHaveDuplicates().allMatch(id -> !id.isBlank());

    List<Paragraph> paragraphs = paragraphs();
    assertThat(paragraphs.get(0).interpreter()).isEqualTo("spark.conf");
    assertThat(conf.stringPropertyNames())
        .containsExactlyInAnyOrder("spark.jars", "spark.sql.extensions");
    assertThat(conf.getProperty("spark.sql.extensions"))
        .isEqualTo(SparkLossExtensions.class.getName());
    assertThat(conf.getProperty("spark.jars")).isEqualTo(NOTE_JAR_DIR + noteJarName());

    assertThat(paragraphs.subList(1, paragraphs.size()))
        .extracting(Paragraph::interpreter)
        .containsOnly("sql", "md");
    for (Paragraph p : sqlParagraphs()) {
      // One statement per paragraph: Zeppelin splits at ';' and Spark runs each part alone.
      assertThat(p.script()).as(p.title()).doesNotContain(";");
    }
    assertThat(sqlParagraphs())
        .extracting(Paragraph::title)
        .containsExactly(
            "The prediction log",
            "Losses per model",
            INTERVALS,
            "Cross entropy per class",
            "Weighted losses",
            "Label smoothing and soft targets",
            PROBABILITIES,
            "Regression losses",
            "The hardest rows");

    // The intervals paragraph is explained by the markdown paragraph right before it.
    int at = paragraphs.stream().map(Paragraph::title).toList().indexOf(INTERVALS);
    Paragraph about = paragraphs.get(at - 1);
    assertThat(about.interpreter()).isEqualTo("md");
    assertThat(about.script()).contains("std_error", "ci_low", "ci_high", "confidence");

    // The last paragraph shows the streaming form: windows, a watermark, update and append modes.
    Paragraph streaming = paragraphs.get(paragraphs.size() - 1);
    assertThat(streaming.interpreter()).isEqualTo("md");
    assertThat(streaming.script())
        .contains(
            "readStream",
            ".withWatermark(\"ts\", \"2 hours\")",
            ".groupBy(window($\"ts\", \"10 minutes\"), $\"model\")",
            "cross_entropy_stats(logits, label, per_class => true)",
            "outputMode(\"update\")",
            "outputMode(\"append\")",
            "incremental { checkpoint = ... }");
  }

  @Test
  void theIntervalsParagraphIsAChartOfValueAndIntervalPerModel() {
    JsonNode graph = null;
    for (JsonNode p : note.path("paragraphs")) {
      if (p.path("title").asText().equals(INTERVALS)) {
        graph = p.path("config").path("results").path("0").path("graph");
      }
    }
    assertThat(graph).as(INTERVALS).isNotNull();
    assertThat(graph.path("mode").asText()).isEqualTo("lineChart");
    // The chart names result columns by name and position: both must match what the query returns.
    Map<String, Integer> keys = chartColumns(graph.path("keys"));
    Map<String, Integer> values = chartColumns(graph.path("values"));
    assertThat(keys).containsExactly(Map.entry("model", 0));
    assertThat(values.keySet()).containsExactlyInAnyOrder("ci_low", "cross_entropy", "ci_high");
    values.forEach((name, index) -> assertThat(INTERVAL_COLUMNS.get(index)).isEqualTo(name));
    assertThat(graph.path("groups").size()).isZero();
  }

  @Test
  void theSessionKnowsSparklossThroughTheConfParagraphAlone() throws IOException {
    assertThat(spark.sparkContext().getConf().get("spark.sql.extensions"))
        .isEqualTo(SparkLossExtensions.class.getName());
    assertThat(SparkLoss.isRegistered(spark)).isTrue();
    assertThat(SparkLoss.isRegistered(spark.newSession())).isTrue();
    List<String> jars = io.github.sparkloss.shim.ScalaShim.asJava(spark.sparkContext().listJars());
    assertThat(jars).singleElement().asString().endsWith("/" + jarName());
    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getEntry("io/github/sparkloss/SparkLossExtensions.class")).isNotNull();
    }
  }

  @Test
  void everySqlParagraphRunsInOrderAndGivesTheLossesComputedHere() {
    List<Paragraph> sql = sqlParagraphs();
    Map<String, Result> results = new LinkedHashMap<>();
    for (Paragraph p : sql) {
      String script = p.script();
      if (p.title().equals("The prediction log")) {
        Matcher m = DATA_PATH.matcher(script);
        assertThat(m.find()).as("the log path in " + p.title()).isTrue();
        assertThat(m.group(1)).isEqualTo(NOTE_DATA_PATH);
        script = script.replace("'" + NOTE_DATA_PATH + "'", "'" + data + "'");
      }
      Dataset<Row> df = spark.sql(script);
      results.put(p.title(), new Result(List.of(df.columns()), df.collectAsList()));
    }
    assertThat(results).hasSize(sql.size());

    assertThat(results.get("The prediction log").rows()).isEmpty();
    assertThat(spark.table("predictions").count()).isEqualTo(ROWS);
    checkLossesPerModel(results.get("Losses per model"));
    checkIntervals(results.get(INTERVALS));
    checkPerClass(results.get("Cross entropy per class"));
    checkWeighted(results.get("Weighted losses"));
    checkSmoothed(results.get("Label smoothing and soft targets"));
    checkProbabilities(results.get(PROBABILITIES));
    checkRegression(results.get("Regression losses"));
    checkHardest(results.get("The hardest rows"));
  }

  // ---- expected values, one paragraph at a time ----

  private static void checkLossesPerModel(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns())
        .containsExactly(
            "model",
            "log_rows",
            "ignored_rows",
            "cross_entropy",
            "nll_loss",
            "bce_multi_label",
            "bce_with_logits",
            "kl_div");
    forEachModel(
        rows,
        (r, g, labelled) -> {
          assertThat(r.getLong(1)).isEqualTo(g.size());
          assertThat(r.getLong(2)).isEqualTo(g.size() - labelled.size()).isPositive();
          assertClose(r, 3, mean(labelled, x -> ceIndex(x.logits(), x.label(), 0.0)));
          assertClose(r, 4, mean(labelled, x -> -x.logProbs()[x.label()]));
          assertClose(
              r, 5, sum(g, x -> bce(x.probs(), x.multiLabel())) / ((double) CLASSES * g.size()));
          assertClose(r, 6, mean(g, x -> bceWithLogits(x.binaryLogit(), x.binaryLabel(), 1.0)));
          assertClose(r, 7, mean(g, x -> klDiv(x.logProbs(), x.softTarget())));
        });
  }

  /**
   * cross_entropy_stats' interval per model: over the labelled rows (b_n = 1, no weights) the
   * standard error is sqrt(N / (N - 1) * sum (l_n - R)^2 / N^2), the standard error of the mean,
   * and the 95% interval is R -+ z * std_error.
   */
  private static void checkIntervals(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns()).containsExactlyElementsOf(INTERVAL_COLUMNS);
    assertThat(rows).as("models compared").hasSizeGreaterThanOrEqualTo(2);
    forEachModel(
        rows,
        (r, g, labelled) -> {
          double n = labelled.size();
          double mean = mean(labelled, x -> ceIndex(x.logits(), x.label(), 0.0));
          double se =
              Math.sqrt(
                  n
                      / (n - 1)
                      * sum(labelled, x -> square(ceIndex(x.logits(), x.label(), 0.0) - mean))
                      / (n * n));
          assertThat(r.getLong(1)).isEqualTo(labelled.size());
          assertClose(r, 2, mean);
          assertClose(r, 3, se);
          assertClose(r, 4, mean - Z_95 * se);
          assertClose(r, 5, mean + Z_95 * se);
          assertThat(r.getDouble(3)).isPositive();
          assertThat(r.getDouble(4)).isLessThan(r.getDouble(2));
          assertThat(r.getDouble(5)).isGreaterThan(r.getDouble(2));
        });
  }

  private static void checkPerClass(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns()).containsExactly("model", "class", "cross_entropy", "rows");
    Map<String, List<LogRow>> byModel = byModel();
    assertThat(rows).hasSize(byModel.size() * CLASSES);
    int i = 0;
    for (Map.Entry<String, List<LogRow>> e : byModel.entrySet()) {
      for (int c = 0; c < CLASSES; c++, i++) {
        int k = c;
        List<LogRow> ofClass = e.getValue().stream().filter(x -> x.label() == k).toList();
        Row r = rows.get(i);
        assertThat(r.getString(0)).isEqualTo(e.getKey());
        assertThat(r.getInt(1)).isEqualTo(c);
        assertThat(r.getLong(3)).isEqualTo(ofClass.size()).isPositive();
        assertClose(r, 2, mean(ofClass, x -> ceIndex(x.logits(), k, 0.0)));
      }
    }
  }

  private static final double[] CLASS_WEIGHT = {1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0};

  private static void checkWeighted(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns())
        .containsExactly("model", "ce_class_weighted", "ce_sample_weighted", "bce_pos_weighted");
    forEachModel(
        rows,
        (r, g, labelled) -> {
          // PyTorch's weighted mean divides by the weights of the rows' targets.
          assertClose(
              r,
              1,
              sum(labelled, x -> CLASS_WEIGHT[x.label()] * -logSoftmax(x.logits64())[x.label()])
                  / sum(labelled, x -> CLASS_WEIGHT[x.label()]));
          assertClose(
              r,
              2,
              sum(labelled, x -> x.sampleWeight() * ceIndex(x.logits(), x.label(), 0.0))
                  / sum(labelled, LogRow::sampleWeight));
          assertClose(r, 3, mean(g, x -> bceWithLogits(x.binaryLogit(), x.binaryLabel(), 2.0)));
        });
  }

  private static void checkSmoothed(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns())
        .containsExactly(
            "model",
            "ce_smoothed",
            "ce_smoothed_sample_weighted",
            "ce_soft_targets",
            "ce_soft_targets_smoothed");
    forEachModel(
        rows,
        (r, g, labelled) -> {
          assertClose(r, 1, mean(labelled, x -> ceIndex(x.logits(), x.label(), 0.1)));
          assertClose(
              r,
              2,
              sum(labelled, x -> x.sampleWeight() * ceIndex(x.logits(), x.label(), 0.1))
                  / sum(labelled, LogRow::sampleWeight));
          // Probability targets: every row counts, ignore_index does not apply.
          assertClose(r, 3, mean(g, x -> ceProbabilities(x.logits64(), x.softTarget(), 0.0)));
          assertClose(r, 4, mean(g, x -> ceProbabilities(x.logits64(), x.softTarget(), 0.1)));
        });
  }

  /**
   * input_kind => 'probability': the log loss -ln(probs[label]) over the labelled rows, kl_div of
   * ln(probs) per row, and no bad row (every probability is in [0, 1]).
   */
  private static void checkProbabilities(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns())
        .containsExactly("model", "log_loss", "log_loss_sample_weighted", "kl_div", "bad_rows");
    forEachModel(
        rows,
        (r, g, labelled) -> {
          assertClose(r, 1, mean(labelled, x -> -Math.log(x.probs()[x.label()])));
          assertClose(
              r,
              2,
              sum(labelled, x -> x.sampleWeight() * -Math.log(x.probs()[x.label()]))
                  / sum(labelled, LogRow::sampleWeight));
          assertClose(
              r,
              3,
              mean(
                  g,
                  x -> klDiv(Arrays.stream(x.probs()).map(Math::log).toArray(), x.softTarget())));
          assertThat(r.getLong(4)).isZero();
        });
  }

  private static void checkRegression(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns())
        .containsExactly("model", "mse", "mae", "huber", "poisson_nll", "gaussian_nll");
    forEachModel(
        rows,
        (r, g, labelled) -> {
          // A number per row: C = 1, so 'mean' divides by the labelled rows.
          assertClose(r, 1, mean(labelled, x -> square(score(x) - x.label())));
          assertClose(r, 2, mean(labelled, x -> Math.abs(score(x) - x.label())));
          assertClose(r, 3, mean(labelled, x -> huber(score(x), x.label(), 0.5)));
          assertClose(r, 4, mean(labelled, x -> poissonNllOfRate(score(x), x.label(), 1e-8)));
          assertClose(
              r, 5, mean(labelled, x -> gaussianNll(score(x), x.label(), scoreVariance(x), 1e-6)));
        });
  }

  private static void checkHardest(Result result) {
    List<Row> rows = result.rows();
    assertThat(result.columns()).containsExactly("id", "model", "label", "loss");
    List<LogRow> expected =
        log.stream()
            .filter(x -> x.label() != SyntheticLogs.IGNORE_INDEX)
            .sorted(
                Comparator.comparingDouble((LogRow x) -> -ceIndex(x.logits(), x.label(), 0.0))
                    .thenComparingLong(LogRow::id))
            .limit(10)
            .toList();
    assertThat(rows).extracting(r -> r.getLong(0)).containsExactlyElementsOf(ids(expected));
    for (int i = 0; i < rows.size(); i++) {
      LogRow x = expected.get(i);
      assertThat(rows.get(i).getString(1)).isEqualTo(x.model());
      assertThat(rows.get(i).getInt(2)).isEqualTo(x.label());
      assertClose(rows.get(i), 3, ceIndex(x.logits(), x.label(), 0.0));
    }
  }

  // ---- per-row losses from docs/LOSS-SEMANTICS.md, in plain Java ----

  private static double[] logSoftmax(double[] x) {
    return TestMath.logSoftmax(x);
  }

  /** cross_entropy with a class-index target, unit weights, label smoothing {@code e}. */
  private static double ceIndex(double[] logits, int y, double e) {
    double[] p = logSoftmax(logits);
    double nll = -p[y];
    if (e == 0.0) {
      return nll;
    }
    double all = 0;
    for (double v : p) {
      all += -v;
    }
    return (1 - e) * nll + (e / p.length) * all;
  }

  /** cross_entropy with probability targets q, smoothed to q (1 - e) + e / C. */
  private static double ceProbabilities(double[] logits, double[] q, double e) {
    double[] p = logSoftmax(logits);
    double l = 0;
    for (int c = 0; c < p.length; c++) {
      double t = e == 0.0 ? q[c] : q[c] * (1 - e) + e / p.length;
      l += -t * p[c];
    }
    return l;
  }

  /** binary_cross_entropy summed over the row's elements. */
  private static double bce(double[] x, double[] t) {
    double l = 0;
    for (int k = 0; k < x.length; k++) {
      double logX = Math.max(Math.log(x[k]), -100);
      double log1mX = Math.max(Math.log1p(-x[k]), -100);
      l += -(t[k] * logX + (1 - t[k]) * log1mX);
    }
    return l;
  }

  private static double bceWithLogits(double x, double t, double posWeight) {
    double softplusMinusX = Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
    return (1 - t) * x + (1 + (posWeight - 1) * t) * softplusMinusX;
  }

  /** kl_div with probability targets, summed over the row's elements. */
  private static double klDiv(double[] x, double[] t) {
    double l = 0;
    for (int k = 0; k < x.length; k++) {
      double xlogy = t[k] == 0.0 ? 0.0 : t[k] * Math.log(t[k]);
      l += xlogy - t[k] * x[k];
    }
    return l;
  }

  /**
   * The expected class under the row's probabilities, {@code sum_k k * probs[k]}, added in index
   * order as the note's {@code aggregate(transform(...))} adds it.
   */
  private static double score(LogRow x) {
    double s = 0.0;
    double[] p = x.probs();
    for (int k = 0; k < p.length; k++) {
      s = s + k * p[k];
    }
    return s;
  }

  /** {@code sum_k k^2 probs[k] - score^2}, floored at 0 as the note floors it. */
  private static double scoreVariance(LogRow x) {
    double s = 0.0;
    double[] p = x.probs();
    for (int k = 0; k < p.length; k++) {
      s = s + k * k * p[k];
    }
    double score = score(x);
    return Math.max(s - score * score, 0.0);
  }

  private static double square(double d) {
    return d * d;
  }

  /**
   * huber_loss: {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - 0.5 delta)}.
   */
  private static double huber(double x, double y, double delta) {
    double z = Math.abs(x - y);
    return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
  }

  /** poisson_nll_loss with {@code log_input => false}: {@code x - y ln(x + eps)}. */
  private static double poissonNllOfRate(double x, double y, double eps) {
    return x - y * Math.log(x + eps);
  }

  /** gaussian_nll_loss: {@code 0.5 (ln v + d^2 / v)} with {@code v = max(var, eps)}. */
  private static double gaussianNll(double x, double y, double var, double eps) {
    double v = Math.max(var, eps);
    double d = x - y;
    return 0.5 * (Math.log(v) + d * d / v);
  }

  // ---- exact sums and comparisons ----

  private static double sum(List<LogRow> rows, ToDoubleFunction<LogRow> f) {
    BigDecimal s = BigDecimal.ZERO;
    for (LogRow r : rows) {
      s = s.add(new BigDecimal(f.applyAsDouble(r)));
    }
    return s.doubleValue();
  }

  private static double mean(List<LogRow> rows, ToDoubleFunction<LogRow> f) {
    assertThat(rows).isNotEmpty();
    return sum(rows, f) / rows.size();
  }

  private static void assertClose(Row r, int i, double expected) {
    assertThat(Double.isFinite(expected)).as("expected value is finite").isTrue();
    assertThat(r.getDouble(i))
        .as("%s of %s", r.schema().fieldNames()[i], r)
        .isCloseTo(expected, within(Math.abs(expected) * REL_TOL));
  }

  // ---- the note, the log and the jar ----

  private static Path noteFile() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      List<Path> notes = files.filter(f -> f.toString().endsWith(".zpln")).toList();
      assertThat(notes).as("notes in " + NOTEBOOKS).hasSize(1);
      return notes.get(0);
    }
  }

  private static List<Paragraph> paragraphs() {
    List<Paragraph> out = new ArrayList<>();
    for (JsonNode p : note.path("paragraphs")) {
      String text = p.path("text").asText();
      // Zeppelin's ParagraphTextParser: "%name" up front, the rest trimmed is the script.
      Matcher m = INTERPRETER.matcher(text);
      assertThat(m.find()).as("paragraph without an interpreter: " + text).isTrue();
      String script = text.substring(m.group(1).length() + m.group(2).length() + 1).trim();
      out.add(new Paragraph(p.path("title").asText(), m.group(2), script));
    }
    assertThat(out).hasSizeGreaterThan(1);
    return out;
  }

  /** The paragraphs Spark runs, in order: every {@code %sql} one. */
  private static List<Paragraph> sqlParagraphs() {
    return paragraphs().stream().filter(p -> p.interpreter().equals("sql")).toList();
  }

  /** A chart's keys or values: column name to its position in the result. */
  private static Map<String, Integer> chartColumns(JsonNode list) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (JsonNode c : list) {
      assertThat(c.path("index").asDouble() % 1.0).isZero();
      out.put(c.path("name").asText(), c.path("index").asInt());
    }
    return out;
  }

  /**
   * Checks that {@code rows} hold one row per model, in model order, and calls {@code check} with
   * each row, its model's log rows, and those of them that have a label.
   */
  private static void forEachModel(List<Row> rows, ModelCheck check) {
    Map<String, List<LogRow>> byModel = byModel();
    assertThat(rows).extracting(r -> r.getString(0)).containsExactlyElementsOf(byModel.keySet());
    for (Row r : rows) {
      List<LogRow> g = byModel.get(r.getString(0));
      check.accept(r, g, g.stream().filter(x -> x.label() != SyntheticLogs.IGNORE_INDEX).toList());
    }
  }

  /** The checks of one model's result row. */
  private interface ModelCheck {
    void accept(Row row, List<LogRow> all, List<LogRow> labelled);
  }

  private static Map<String, List<LogRow>> byModel() {
    return log.stream()
        .collect(Collectors.groupingBy(LogRow::model, TreeMap::new, Collectors.toList()));
  }

  private static List<Long> ids(List<LogRow> rows) {
    return rows.stream().map(LogRow::id).toList();
  }

  private static LogRow logRow(Row r) {
    return new LogRow(
        r.getLong(r.fieldIndex("id")),
        r.getString(r.fieldIndex("model")),
        doubles(r, "logits"),
        doubles(r, "logits64"),
        r.getInt(r.fieldIndex("label")),
        doubles(r, "probs"),
        doubles(r, "log_probs"),
        doubles(r, "soft_target"),
        doubles(r, "multi_label"),
        r.getDouble(r.fieldIndex("sample_weight")),
        r.getDouble(r.fieldIndex("binary_logit")),
        r.getInt(r.fieldIndex("binary_label")));
  }

  /** An array column as doubles; float elements widen exactly, as sparkloss reads them. */
  private static double[] doubles(Row r, String column) {
    List<Number> values = r.getList(r.fieldIndex(column));
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).doubleValue();
    }
    return out;
  }

  /** This build's jar: {@code sparkloss-spark-<line>_<scala>-<version>.jar}. */
  private static String jarName() {
    return "sparkloss-spark-" + System.getProperty("sparkloss.jar.line") + "-" + version() + ".jar";
  }

  /** The jar the note names: the default line's, which Zeppelin 0.12's own Spark runs. */
  private static String noteJarName() {
    return "sparkloss-spark-4.0_2.13-" + version() + ".jar";
  }

  /** The project version, read from pom.xml. */
  private static String version() {
    try {
      Element project =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(Path.of("pom.xml").toFile())
              .getDocumentElement();
      String artifact = null;
      String version = null;
      for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
        if ("artifactId".equals(n.getNodeName())) {
          artifact = n.getTextContent().trim();
        } else if ("version".equals(n.getNodeName())) {
          version = n.getTextContent().trim();
        }
      }
      assertThat(artifact).isEqualTo("sparkloss");
      assertThat(version).isNotBlank();
      return version;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the project version from pom.xml", e);
    }
  }

  /** Packs the compiled classes under test into {@code target}, as the build's jar holds them. */
  private static Path packClassesUnderTest(Path target) throws IOException {
    Path classes;
    try {
      classes =
          Path.of(
              SparkLossExtensions.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Files.createDirectories(target.getParent());
    if (Files.isRegularFile(classes)) {
      return Files.copy(classes, target);
    }
    try (OutputStream out = Files.newOutputStream(target);
        JarOutputStream jarOut = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        jarOut.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace('\\', '/')));
        try {
          Files.copy(f, jarOut);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        jarOut.closeEntry();
      }
    }
    return target;
  }
}
