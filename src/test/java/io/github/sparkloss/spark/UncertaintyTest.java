package io.github.sparkloss.spark;

import static io.github.sparkloss.Failures.lossFailure;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.ml.LossEvaluator;
import io.github.sparkloss.options.LossException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * std_error, ci_low and ci_high of the {@code name_stats} aggregates through SQL: no catastrophic
 * cancellation (checked against the contract's formula in exact decimal arithmetic), the same bits
 * for any partitioning, the confidence option and its errors, the Column API, {@link
 * LossEvaluator#getLastStdError} and the edge cases (one row, every row ignored, sample weight 0, a
 * class of one row).
 */
class UncertaintyTest extends SparkTestBase {
  private static final MathContext MC = new MathContext(60);
  private static final double Z90 = 1.6448536269514722;
  private static final double Z95 = 1.959963984540054;

  /** Class weights of the class-weighted cases. */
  private static final double[] W = {0.5, 1.0, 2.0};

  private static final String W_SQL = "array(0.5D, 1.0D, 2.0D)";

  private static final int ROWS = 600;

  /** (id, logits[3], label, dlabel, sw, p[3], y[3]): ROWS random rows. */
  private static Dataset<Row> data;

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("label", DataTypes.LongType, false)
          .add("dlabel", DataTypes.DoubleType, false)
          .add("sw", DataTypes.DoubleType, false)
          .add("p", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("y", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  @BeforeAll
  static void createData() {
    Random rnd = new Random(20261130L);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(randomRow(rnd, i, rnd.nextInt(3), 0.05 + 3 * rnd.nextDouble()));
    }
    data = spark.createDataFrame(rows, SCHEMA);
    data.createOrReplaceTempView("u");
  }

  private static Row randomRow(Random rnd, int id, int label, double sw) {
    Double[] logits = new Double[3];
    Double[] p = new Double[3];
    Double[] y = new Double[3];
    for (int k = 0; k < 3; k++) {
      // Magnitudes spread over decades, so that a plain double sum would depend on the order.
      logits[k] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(3) - 1);
      p[k] = rnd.nextGaussian();
      y[k] = p[k] + rnd.nextGaussian() * Math.pow(10, rnd.nextInt(4) - 2);
    }
    return RowFactory.create(id, logits, (long) label, (double) label, sw, p, y);
  }

  private static Row stats(String call, String view) {
    return spark.sql("SELECT " + call + " FROM " + view).first().getStruct(0);
  }

  private static double field(Row r, String name) {
    return r.getDouble(r.fieldIndex(name));
  }

  private static List<Row> perClass(Row r) {
    return r.getList(r.fieldIndex("per_class"));
  }

  // ---- No catastrophic cancellation ---------------------------------------------------------

  /**
   * The contract's standard error in exact decimal arithmetic: rows (a, b, s) with R = A / B,
   * Var(R) = N / (N - 1) * sum s (a - R b)^2 / B^2.
   */
  private static double exactRatioStdError(double[] a, double[] b, double[] s) {
    BigDecimal n = BigDecimal.ZERO;
    BigDecimal sa = BigDecimal.ZERO;
    BigDecimal sb = BigDecimal.ZERO;
    for (int i = 0; i < a.length; i++) {
      BigDecimal si = new BigDecimal(s[i]);
      n = n.add(si);
      sa = sa.add(si.multiply(new BigDecimal(a[i])));
      sb = sb.add(si.multiply(new BigDecimal(b[i])));
    }
    BigDecimal r = sa.divide(sb, MC);
    BigDecimal residual = BigDecimal.ZERO;
    for (int i = 0; i < a.length; i++) {
      BigDecimal e = new BigDecimal(a[i]).subtract(r.multiply(new BigDecimal(b[i])));
      residual = residual.add(new BigDecimal(s[i]).multiply(e).multiply(e));
    }
    BigDecimal var =
        n.divide(n.subtract(BigDecimal.ONE), MC).multiply(residual).divide(sb.multiply(sb), MC);
    return var.sqrt(MC).doubleValue();
  }

  private static double[] filled(int n, double v) {
    double[] out = new double[n];
    java.util.Arrays.fill(out, v);
    return out;
  }

  @Test
  void negativeLossesKeepTheirStandardError() {
    // poisson_nll_loss(x, y) = exp(x) - y x is negative here: every sum of the moments is < 0.
    spark
        .sql("SELECT id, 1 + 0.3 * p[0] AS x, 3 + abs(y[0]) AS t, sw FROM u")
        .createOrReplaceTempView("neg");
    List<Row> perRow =
        spark
            .sql("SELECT poisson_nll_loss(x, t, reduction => 'none'), sw FROM neg ORDER BY id")
            .collectAsList();
    double[] a = new double[perRow.size()];
    double[] sw = new double[perRow.size()];
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      a[i] = perRow.get(i).getDouble(0);
      sw[i] = perRow.get(i).getDouble(1);
      sum += a[i];
    }
    assertThat(sum).as("the losses are mostly negative").isNegative();
    assertThat(a).hasSize(ROWS);
    double[] ones = filled(a.length, 1.0);
    Row mean = stats("poisson_nll_loss_stats(x, t)", "neg");
    assertThat(field(mean, "std_error"))
        .isCloseTo(exactRatioStdError(a, ones, ones), within(1e-13 * field(mean, "std_error")));
    // The per-row losses above are unweighted; the weighted group weighs each by its sw.
    Row w = stats("poisson_nll_loss_stats(x, t, sample_weight => sw)", "neg");
    assertThat(field(w, "std_error"))
        .isCloseTo(exactRatioStdError(a, ones, sw), within(1e-12 * field(w, "std_error")));
  }

  @Test
  void multiMarginClassesCountRowsNotWeights() {
    // multi_margin_loss's weight scales each row's loss but never enters a denominator: a class's
    // value is the mean of its rows' losses, and so is its standard error's scale.
    Row r =
        stats(
            "multi_margin_loss_stats(logits, label, weight => " + W_SQL + ", per_class => true)",
            "u");
    List<Row> perRowLoss =
        spark
            .sql(
                "SELECT multi_margin_loss(logits, label, weight => "
                    + W_SQL
                    + ", reduction => 'none'), label FROM u ORDER BY id")
            .collectAsList();
    for (int c = 0; c < 3; c++) {
      List<Double> losses = new ArrayList<>();
      for (Row row : perRowLoss) {
        if (row.getLong(1) == c) {
          losses.add(row.getDouble(0));
        }
      }
      double[] a = losses.stream().mapToDouble(Double::doubleValue).toArray();
      double[] ones = filled(a.length, 1.0);
      Row cls = perClass(r).get(c);
      double expected = exactRatioStdError(a, ones, ones);
      assertThat(field(cls, "std_error"))
          .as("class " + c)
          .isCloseTo(expected, within(1e-12 * expected));
    }
  }

  @Test
  void aConstantLossPlusTinyNoiseKeepsItsStandardError() {
    int n = 5000;
    double c = 2.302585092994046;
    Random rnd = new Random(11);
    double[] label = new double[n];
    double[] sw = new double[n];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      label[i] = c + 1e-9 * rnd.nextGaussian();
      sw[i] = 0.1 + 2 * rnd.nextDouble();
      rows.add(RowFactory.create(i, 0.0, label[i], sw[i]));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("pred", DataTypes.DoubleType, false)
            .add("label", DataTypes.DoubleType, false)
            .add("sw", DataTypes.DoubleType, false);
    spark.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("tiny");

    // l1_loss(0, label) = |label| = label exactly: a_n = label, b_n = 1.
    double unweighted = field(stats("l1_loss_stats(pred, label)", "tiny"), "std_error");
    double expected = exactRatioStdError(label, filled(n, 1.0), filled(n, 1.0));
    assertThat(expected).isBetween(1e-12, 1e-10);
    assertThat(unweighted).isCloseTo(expected, within(1e-9 * expected));

    double weighted =
        field(stats("l1_loss_stats(pred, label, sample_weight => sw)", "tiny"), "std_error");
    double expectedWeighted = exactRatioStdError(label, filled(n, 1.0), sw);
    assertThat(weighted).isCloseTo(expectedWeighted, within(1e-9 * expectedWeighted));

    // 'sum': Var(A) = N / (N - 1) * sum s (a - A / N)^2, the ratio formula with b = 1 times N.
    double sum =
        field(
            stats("l1_loss_stats(pred, label, sample_weight => sw, reduction => 'sum')", "tiny"),
            "std_error");
    BigDecimal total = BigDecimal.ZERO;
    for (double s : sw) {
      total = total.add(new BigDecimal(s));
    }
    double expectedSum = total.multiply(new BigDecimal(expectedWeighted)).doubleValue();
    assertThat(sum).isCloseTo(expectedSum, within(1e-9 * expectedSum));
  }

  @Test
  void aClassWeightedRatioOfNearlyConstantLossesKeepsItsStandardError() {
    // Every class's logits are 2 on the class and 0 elsewhere, plus 1e-9 noise: each row's loss is
    // ln(e^2 + 2) - 2 up to 1e-9, whatever its class, so a - R b is about 1e-9 * w[y].
    int n = 4000;
    Random rnd = new Random(12);
    List<Row> rows = new ArrayList<>();
    double[] sw = new double[n];
    int[] label = new int[n];
    for (int i = 0; i < n; i++) {
      label[i] = rnd.nextInt(3);
      Double[] logits = new Double[3];
      for (int k = 0; k < 3; k++) {
        logits[k] = (k == label[i] ? 2.0 : 0.0) + 1e-9 * rnd.nextGaussian();
      }
      sw[i] = 0.1 + 2 * rnd.nextDouble();
      rows.add(RowFactory.create(i, logits, (long) label[i], sw[i]));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("label", DataTypes.LongType, false)
            .add("sw", DataTypes.DoubleType, false);
    spark.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("flat");

    // a_n is the row's weighted loss w[y] l_n, as reduction 'none' gives it without sample weights.
    double[] a = new double[n];
    for (Row r :
        spark
            .sql(
                "SELECT id, cross_entropy(logits, label, weight => "
                    + W_SQL
                    + ", reduction => 'none') FROM flat")
            .collectAsList()) {
      a[r.getInt(0)] = r.getDouble(1);
    }
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = W[label[i]];
    }
    double se =
        field(
            stats("cross_entropy_stats(logits, label, weight => " + W_SQL + ")", "flat"),
            "std_error");
    double expected = exactRatioStdError(a, b, filled(n, 1.0));
    assertThat(expected).isBetween(1e-13, 1e-10);
    assertThat(se).isCloseTo(expected, within(1e-9 * expected));

    double weighted =
        field(
            stats(
                "cross_entropy_stats(logits, label, weight => " + W_SQL + ", sample_weight => sw)",
                "flat"),
            "std_error");
    double expectedWeighted = exactRatioStdError(a, b, sw);
    assertThat(weighted).isCloseTo(expectedWeighted, within(1e-9 * expectedWeighted));
  }

  // ---- Any partitioning, the same bits -------------------------------------------------------

  private static final String CE_CALL =
      "cross_entropy_stats(logits, label, weight => "
          + W_SQL
          + ", sample_weight => sw, per_class => true)";

  private static final String MSE_CALL =
      "mse_loss_stats(p, y, sample_weight => sw, per_class => true)";

  /** The value, std_error, ci_low and ci_high bits of a stats struct and of its classes. */
  private static Map<String, Long> bits(Row stats) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<String> fields = List.of("value", "std_error", "ci_low", "ci_high");
    for (String f : fields) {
      double v = field(stats, f);
      assertThat(v).as(f).isFinite();
      out.put(f, Double.doubleToRawLongBits(v));
    }
    List<Row> classes = perClass(stats);
    assertThat(classes).hasSize(3);
    for (int c = 0; c < classes.size(); c++) {
      for (String f : fields) {
        double v = field(classes.get(c), f);
        assertThat(v).as("class %d %s", c, f).isFinite();
        out.put("class " + c + " " + f, Double.doubleToRawLongBits(v));
      }
    }
    return out;
  }

  @Test
  void everyPartitioningGivesTheSameBits() {
    Map<String, Dataset<Row>> layouts = new LinkedHashMap<>();
    layouts.put("1 partition", data.repartition(1));
    layouts.put("3 partitions", data.repartition(3));
    layouts.put("7 partitions by id", data.repartition(7, col("id")));
    layouts.put("7 coalesced to 2", data.repartition(7).coalesce(2));
    layouts.put("shuffled order, 5 partitions", data.orderBy(rand(5)).repartition(5));
    layouts.put("reversed order, 1 partition", data.orderBy(col("id").desc()).coalesce(1));
    for (String call : List.of(CE_CALL, MSE_CALL)) {
      Map<String, Long> reference = null;
      for (Map.Entry<String, Dataset<Row>> layout : layouts.entrySet()) {
        layout.getValue().createOrReplaceTempView("layout");
        Map<String, Long> b = bits(stats(call, "layout"));
        if (reference == null) {
          reference = b;
        } else {
          assertThat(b).as("%s over %s", call, layout.getKey()).isEqualTo(reference);
        }
      }
    }
  }

  // ---- confidence ----------------------------------------------------------------------------

  @Test
  void confidenceSetsTheNormalQuantile() {
    Row def = stats("cross_entropy_stats(logits, label)", "u");
    Row c90 = stats("cross_entropy_stats(logits, label, confidence => 0.9)", "u");
    Row c95 = stats("cross_entropy_stats(logits, label, confidence => 0.95)", "u");
    assertThat(c95).isEqualTo(def);
    for (Row r : List.of(def, c90)) {
      assertThat(field(r, "std_error")).isPositive();
    }
    assertThat(field(c90, "value")).isEqualTo(field(def, "value"));
    assertThat(field(c90, "std_error")).isEqualTo(field(def, "std_error"));
    checkQuantile(def, Z95);
    checkQuantile(c90, Z90);

    // Per class too, with class weights.
    Row pc =
        stats(
            "cross_entropy_stats(logits, label, weight => "
                + W_SQL
                + ", per_class => true, confidence => 0.9)",
            "u");
    checkQuantile(pc, Z90);
    for (Row c : perClass(pc)) {
      checkQuantile(c, Z90);
    }
  }

  private static void checkQuantile(Row r, double z) {
    double v = field(r, "value");
    double se = field(r, "std_error");
    assertThat(se).isPositive().isFinite();
    assertThat((field(r, "ci_high") - v) / se).isCloseTo(z, within(1e-12 * z));
    assertThat((v - field(r, "ci_low")) / se).isCloseTo(z, within(1e-12 * z));
  }

  @Test
  void confidenceErrorsNameTheProblem() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        "cross_entropy_stats(logits, label, confidence => 1.5)",
        "cross_entropy: confidence must be in (0, 1), exclusive: 1.5");
    cases.put(
        "cross_entropy_stats(logits, label, confidence => 0)",
        "cross_entropy: confidence must be in (0, 1), exclusive: 0");
    cases.put(
        "cross_entropy_stats(logits, label, confidence => 'x')",
        "cross_entropy: confidence is 'x'; expected a number");
    cases.put(
        "cross_entropy(logits, label, confidence => 0.9)",
        "cross_entropy: confidence applies to cross_entropy_stats only,"
            + " whose std_error, ci_low and ci_high it sets");
    cases.put(
        "cross_entropy_per_class(logits, label, confidence => 0.9)",
        "cross_entropy_per_class: confidence applies to cross_entropy_stats only,"
            + " whose std_error, ci_low and ci_high it sets");
    cases.put(
        "cross_entropy(logits, label, reduction => 'none', confidence => 0.9)",
        "cross_entropy: confidence applies to cross_entropy_stats only,"
            + " whose std_error, ci_low and ci_high it sets");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      assertThatThrownBy(() -> spark.sql("SELECT " + c.getKey() + " FROM u"))
          .as(c.getKey())
          .isInstanceOf(LossException.class)
          .hasMessage(c.getValue());
    }
  }

  @Test
  void theColumnApiMatchesSql() {
    Row viaColumn =
        data.agg(SparkLoss.crossEntropy(col("logits"), col("label")).confidence(0.9).stats())
            .first()
            .getStruct(0);
    Row viaSql = stats("cross_entropy_stats(logits, label, confidence => 0.9)", "u");
    assertThat(viaColumn).isEqualTo(viaSql);
    checkQuantile(viaColumn, Z90);

    String sqlMessage =
        lossFailure(
                () -> spark.sql("SELECT cross_entropy(logits, label, confidence => 0.9) FROM u"))
            .getMessage();
    String columnMessage =
        lossFailure(
                () ->
                    data.agg(
                            SparkLoss.crossEntropy(col("logits"), col("label"))
                                .confidence(0.9)
                                .value())
                        .first())
            .getMessage();
    assertThat(columnMessage).isEqualTo(sqlMessage);
  }

  // ---- LossEvaluator -------------------------------------------------------------------------

  @Test
  void theEvaluatorReportsTheStandardErrorOfItsLastEvaluation() {
    LossEvaluator e =
        new LossEvaluator().setInputKind("logits").setPredictionCol("logits").setLabelCol("dlabel");
    assertThat(e.getLastStdError()).isNaN();
    double value = e.evaluate(data);
    Row expected = stats("cross_entropy_stats(logits, dlabel)", "u");
    assertThat(value).isEqualTo(field(expected, "value"));
    assertThat(Double.doubleToRawLongBits(e.getLastStdError()))
        .isEqualTo(Double.doubleToRawLongBits(field(expected, "std_error")));
    assertThat(e.getLastStdError()).isPositive();
    // Not a parameter: a copy starts without one.
    assertThat(e.copy(new ParamMap()).getLastStdError()).isNaN();

    LossEvaluator weighted =
        new LossEvaluator()
            .setInputKind("logits")
            .setPredictionCol("logits")
            .setLabelCol("dlabel")
            .setWeightCol("sw")
            .setWeight(W);
    weighted.evaluate(data);
    Row expectedWeighted =
        stats(
            "cross_entropy_stats(logits, dlabel, weight => " + W_SQL + ", sample_weight => sw)",
            "u");
    assertThat(Double.doubleToRawLongBits(weighted.getLastStdError()))
        .isEqualTo(Double.doubleToRawLongBits(field(expectedWeighted, "std_error")));
    assertThat(weighted.getLastStdError()).isNotEqualTo(e.getLastStdError());

    // The next evaluation replaces it: one row has no standard error.
    e.evaluate(data.where("id = 0"));
    assertThat(e.getLastStdError()).isNaN();
  }

  // ---- Edge cases ----------------------------------------------------------------------------

  @Test
  void oneRowHasNoStandardError() {
    data.where("id = 0").createOrReplaceTempView("one");
    for (String call :
        List.of(
            "cross_entropy_stats(logits, label)",
            "cross_entropy_stats(logits, label, weight => " + W_SQL + ")",
            "mse_loss_stats(p, y)",
            "mse_loss_stats(p, y, reduction => 'sum')")) {
      Row r = stats(call, "one");
      assertThat(field(r, "value")).as(call).isFinite();
      assertThat(field(r, "std_error")).as(call).isNaN();
      assertThat(field(r, "ci_low")).as(call).isNaN();
      assertThat(field(r, "ci_high")).as(call).isNaN();
    }
  }

  @Test
  void everyRowIgnoredHasNoStandardError() {
    data.where("label = 1").createOrReplaceTempView("ones");
    Row r = stats("cross_entropy_stats(logits, label, ignore_index => 1)", "ones");
    assertThat(r.getLong(r.fieldIndex("rows"))).isZero();
    assertThat(r.getLong(r.fieldIndex("ignored_rows"))).isPositive();
    assertThat(field(r, "value")).isNaN();
    assertThat(field(r, "std_error")).isNaN();
    assertThat(field(r, "ci_low")).isNaN();
    assertThat(field(r, "ci_high")).isNaN();
  }

  @Test
  void aRowOfSampleWeightZeroChangesNothing() {
    List<Row> rows = new ArrayList<>(data.collectAsList());
    List<Row> withZero = new ArrayList<>(rows);
    Random rnd = new Random(3);
    // Rows of every class with weight 0, one of them with a huge loss.
    withZero.add(randomRow(rnd, ROWS, 0, 0.0));
    withZero.add(randomRow(rnd, ROWS + 1, 1, 0.0));
    withZero.add(
        RowFactory.create(
            ROWS + 2,
            new Double[] {1e6, -1e6, 0.0},
            2L,
            2.0,
            0.0,
            new Double[] {1e6, 0.0, 0.0},
            new Double[] {-1e6, 0.0, 0.0}));
    spark.createDataFrame(withZero, SCHEMA).repartition(3).createOrReplaceTempView("zero");
    for (String call :
        List.of(
            CE_CALL,
            MSE_CALL,
            "cross_entropy_stats(logits, label, sample_weight => sw, per_class => true)",
            "mse_loss_stats(p, y, sample_weight => sw, reduction => 'sum', per_class => true)")) {
      Map<String, Long> without = bits(stats(call, "u"));
      Map<String, Long> with = bits(stats(call, "zero"));
      assertThat(with).as(call).isEqualTo(without);
    }
  }

  @Test
  void aClassOfOneRowHasNoStandardError() {
    // Class 2 appears once; classes 0 and 1 many times.
    data.where("label < 2 OR id = (SELECT min(id) FROM u WHERE label = 2)")
        .createOrReplaceTempView("rare");
    assertThat(spark.sql("SELECT count(*) FROM rare WHERE label = 2").first().getLong(0))
        .isEqualTo(1);
    for (String call :
        List.of(
            "cross_entropy_stats(logits, label, per_class => true)",
            "cross_entropy_stats(logits, label, weight => " + W_SQL + ", per_class => true)")) {
      Row r = stats(call, "rare");
      assertThat(field(r, "std_error")).as(call).isPositive().isFinite();
      List<Row> classes = perClass(r);
      for (int c = 0; c < 2; c++) {
        assertThat(field(classes.get(c), "std_error")).as("%s class %d", call, c).isPositive();
      }
      Row one = classes.get(2);
      assertThat(one.getLong(one.fieldIndex("rows"))).isEqualTo(1);
      assertThat(field(one, "value")).isFinite();
      assertThat(field(one, "std_error")).as(call).isNaN();
      assertThat(field(one, "ci_low")).as(call).isNaN();
      assertThat(field(one, "ci_high")).as(call).isNaN();
    }
  }

  @Test
  void sampleWeightsCountAsFrequencies() {
    // N is the sum of the sample weights: one row of weight 3 is three equal rows (spread 0), and
    // rows whose weights add up to 1 are one row's worth (N <= 1: NaN).
    Row heavy = data.where("id = 0").first();
    List<Row> one = List.of(withWeight(heavy, 3.0));
    List<Row> three =
        List.of(withWeight(heavy, 1.0), withWeight(heavy, 1.0), withWeight(heavy, 1.0));
    Map<String, Double> se = new HashMap<>();
    for (Map.Entry<String, List<Row>> c : Map.of("one", one, "three", three).entrySet()) {
      spark.createDataFrame(c.getValue(), SCHEMA).createOrReplaceTempView("freq");
      Row r = stats("cross_entropy_stats(logits, label, sample_weight => sw)", "freq");
      se.put(c.getKey(), field(r, "std_error"));
    }
    assertThat(se.get("one")).isEqualTo(0.0);
    assertThat(se.get("three")).isEqualTo(0.0);

    List<Row> quarters = new ArrayList<>();
    for (Row r : data.where("id < 4").collectAsList()) {
      quarters.add(withWeight(r, 0.25));
    }
    spark.createDataFrame(quarters, SCHEMA).createOrReplaceTempView("quarters");
    Row r = stats("cross_entropy_stats(logits, label, sample_weight => sw)", "quarters");
    assertThat(r.getLong(r.fieldIndex("rows"))).isEqualTo(4);
    assertThat(field(r, "value")).isFinite();
    assertThat(field(r, "std_error")).isNaN();
  }

  private static Row withWeight(Row r, double sw) {
    Object[] values = new Object[r.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.get(i);
    }
    values[SCHEMA.fieldIndex("sw")] = sw;
    // Arrays come back as Scala sequences; the schema wants Java arrays or lists.
    for (String f : List.of("logits", "p", "y")) {
      int i = SCHEMA.fieldIndex(f);
      values[i] = r.getList(i).toArray(new Double[0]);
    }
    return RowFactory.create(values);
  }
}
