package io.github.sparkloss.spark;

import static io.github.sparkloss.Failures.lossFailure;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.sparkloss.LossColumn;
import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.ml.LossEvaluator;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.shim.ScalaShim;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code input_kind} option of cross_entropy, nll_loss and kl_div through SQL and the Column
 * API: the four {@code log_loss} cases of Spark's {@code MulticlassMetricsSuite} (with arrays and
 * MLlib vectors), {@code ln(0) = -Infinity}, probabilities outside [0, 1] as bad rows, the accepted
 * kinds, label smoothing and kl_div against the logarithm computed here, a fused query sharing the
 * probability column, the stats with per_class, and reduction none.
 */
class InputKindTest extends SparkTestBase {
  private static final double REL = 1e-12;

  private static final double[] LABELS_BIN = {1, 0, 0, 1};
  private static final double[][] P_BIN = {{.1, .9}, {.9, .1}, {.8, .2}, {.35, .65}};
  private static final double[] LABELS_TRI = {1, 2, 0, 1};
  private static final double[][] P_TRI = {
    {.1, .8, .1}, {.9, .05, .05}, {.8, .2, .0}, {.3, .65, .05}
  };
  private static final double[] W = {1.5, 2.0, 1.0, 0.5};

  /** MulticlassMetricsSuite's expected log losses: weighted, then unweighted. */
  private static final double BIN_WEIGHTED = 0.16145936283256573;

  private static final double BIN_UNWEIGHTED = 0.21616187468057912;
  private static final double TRI_WEIGHTED = 1.3529429766879466;
  private static final double TRI_UNWEIGHTED = 0.9682005730687164;

  /** Columns of the views: y, p (array), pv (vector), w, lp (ln p, computed here). */
  private static final StructType SCHEMA =
      new StructType()
          .add("y", DataTypes.DoubleType, false)
          .add("p", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("pv", new VectorUDT(), false)
          .add("w", DataTypes.DoubleType, false)
          .add("lp", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  /** (p, q, t, multi, y): rows of probabilities without zeros, soft targets and binary targets. */
  private static final StructType SOFT_SCHEMA =
      new StructType()
          .add("p", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("q", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("multi", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("y", DataTypes.IntegerType, false);

  private static final double[][] SOFT_P = {
    {0.2, 0.5, 0.3}, {0.7, 0.1, 0.2}, {0.05, 0.15, 0.8}, {0.4, 0.4, 0.2}, {0.25, 0.25, 0.5}
  };
  private static final double[][] SOFT_Q = {
    {0.1, 0.6, 0.3}, {0.5, 0.25, 0.25}, {0.2, 0.2, 0.6}, {1.0, 0.0, 0.0}, {0.3, 0.3, 0.4}
  };
  private static final double[][] MULTI = {{0, 1, 0}, {1, 0, 1}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}};
  private static final int[] SOFT_Y = {1, 0, 2, 0, 2};

  @BeforeAll
  static void createViews() {
    view("bin", LABELS_BIN, P_BIN);
    view("tri", LABELS_TRI, P_TRI);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < SOFT_P.length; i++) {
      rows.add(
          RowFactory.create(
              boxed(SOFT_P[i]), boxed(SOFT_Q[i]), boxed(MULTI[i]), Integer.valueOf(SOFT_Y[i])));
    }
    spark.createDataFrame(rows, SOFT_SCHEMA).repartition(2).createOrReplaceTempView("soft");
  }

  private static void view(String name, double[] labels, double[][] p) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      double[] lp = Arrays.stream(p[i]).map(Math::log).toArray();
      rows.add(RowFactory.create(labels[i], boxed(p[i]), Vectors.dense(p[i]), W[i], boxed(lp)));
    }
    spark.createDataFrame(rows, SCHEMA).repartition(2).createOrReplaceTempView(name);
  }

  private static List<Double> boxed(double[] v) {
    return Arrays.stream(v).boxed().toList();
  }

  private static double sql(String expr, String view) {
    return spark.sql("SELECT " + expr + " FROM " + view).first().getDouble(0);
  }

  private static void assertRel(double actual, double expected, String what) {
    assertThat(actual).as(what).isCloseTo(expected, within(Math.abs(expected) * REL));
  }

  // ---- MulticlassMetricsSuite's log_loss ----

  @Test
  void mllibLogLossCasesThroughSql() {
    for (String input : List.of("p", "pv")) {
      for (String fn : List.of("cross_entropy", "nll_loss")) {
        String call = fn + "(" + input + ", y, input_kind => 'probability'";
        String weighted = call + ", sample_weight => w)";
        assertRel(sql(call + ")", "bin"), BIN_UNWEIGHTED, call + ") bin");
        assertRel(sql(weighted, "bin"), BIN_WEIGHTED, weighted + " bin");
        assertRel(sql(call + ")", "tri"), TRI_UNWEIGHTED, call + ") tri");
        assertRel(sql(weighted, "tri"), TRI_WEIGHTED, weighted + " tri");
      }
    }
    // Case and the stats form take the option as the value form does.
    assertRel(
        sql(
            "cross_entropy_stats(pv, y, input_kind => 'PROBABILITY', sample_weight => w).value",
            "tri"),
        TRI_WEIGHTED,
        "stats");
  }

  @Test
  void mllibLogLossCasesThroughTheColumnApi() {
    for (String input : List.of("p", "pv")) {
      for (String view : List.of("bin", "tri")) {
        Dataset<Row> df = spark.table(view);
        double unweighted = view.equals("bin") ? BIN_UNWEIGHTED : TRI_UNWEIGHTED;
        double weighted = view.equals("bin") ? BIN_WEIGHTED : TRI_WEIGHTED;
        LossColumn ce =
            SparkLoss.crossEntropy(col(input), col("y")).inputKind(Loss.InputKind.PROBABILITY);
        LossColumn nll =
            SparkLoss.nllLoss(col(input), col("y")).option("input_kind", "probability");
        LossColumn nllTyped = SparkLoss.nllLoss(col(input), col("y")).inputKind("probability");
        Row r =
            df.agg(
                    ce.value(),
                    ce.sampleWeight(col("w")).value(),
                    nll.value(),
                    nll.sampleWeight(col("w")).value(),
                    nllTyped.sampleWeight(col("w")).stats().getField("value"))
                .first();
        String what = input + " " + view;
        assertRel(r.getDouble(0), unweighted, "ce " + what);
        assertRel(r.getDouble(1), weighted, "weighted ce " + what);
        assertRel(r.getDouble(2), unweighted, "nll " + what);
        assertRel(r.getDouble(3), weighted, "weighted nll " + what);
        assertRel(r.getDouble(4), weighted, "weighted nll stats " + what);
      }
    }
  }

  @Test
  void theEvaluatorGivesWhatSqlGives() {
    Dataset<Row> tri = spark.table("tri");
    for (String loss : List.of("cross_entropy", "nll_loss")) {
      LossEvaluator e =
          new LossEvaluator()
              .setLoss(loss)
              .setPredictionCol("pv")
              .setLabelCol("y")
              .setWeightCol("w");
      assertThat(e.evaluate(tri))
          .isEqualTo(sql(loss + "(pv, y, input_kind => 'probability', sample_weight => w)", "tri"));
      assertRel(e.evaluate(tri), TRI_WEIGHTED, loss + " evaluator");
    }
  }

  // ---- the logarithm and the checks ----

  @Test
  void aZeroProbabilityOnTheTargetClassGivesInfinity() {
    String rows = "(SELECT array(0.0D, 1.0D) AS p, 0 AS y) AS z";
    assertThat(sql("cross_entropy(p, y, input_kind => 'probability')", rows))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(sql("nll_loss(p, y, input_kind => 'probability')", rows))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(sql("cross_entropy(p, y, input_kind => 'probability', reduction => 'none')", rows))
        .isEqualTo(Double.POSITIVE_INFINITY);
    // A zero elsewhere than on the target is ln(0) = -Infinity, which the target never reads.
    assertThat(Math.abs(sql("nll_loss(p, 1, input_kind => 'probability')", rows))).isEqualTo(0.0);
  }

  @Test
  void aProbabilityOutsideZeroOneIsABadRow() {
    for (String bad : List.of("1.5D", "-0.1D", "double('NaN')")) {
      String rows = "(SELECT array(" + bad + ", 0.5D) AS p, 1 AS y, array(0.5D, 0.5D) AS q) AS b";
      String shown = bad.equals("1.5D") ? "1.5" : bad.equals("-0.1D") ? "-0.1" : "NaN";
      for (String fn : List.of("cross_entropy", "nll_loss")) {
        LossException e = lossFailure(() -> sql(fn + "(p, y, input_kind => 'probability')", rows));
        assertThat(e)
            .hasMessage(
                fn
                    + ": input "
                    + shown
                    + " at index 0 of column p is outside [0, 1]; expected a probability");
      }
      LossException kl = lossFailure(() -> sql("kl_div(p, q, input_kind => 'probability')", rows));
      assertThat(kl)
          .hasMessage(
              "kl_div: input "
                  + shown
                  + " at index 0 of column p is outside [0, 1]; expected a probability");
      Row skipped =
          spark
              .sql(
                  "SELECT cross_entropy_stats(p, y, input_kind => 'probability', on_bad_row =>"
                      + " 'skip') FROM (SELECT * FROM "
                      + rows
                      + " UNION ALL SELECT array(0.25D, 0.75D), 1, array(0.5D, 0.5D)) AS u")
              .first()
              .getStruct(0);
      assertThat(skipped.getLong(skipped.fieldIndex("bad_rows"))).isEqualTo(1);
      assertThat(skipped.getLong(skipped.fieldIndex("rows"))).isEqualTo(1);
      assertRel(skipped.getDouble(0), -Math.log(0.75), "the good row");
    }
    // Log-probabilities are read as they are: no range to check.
    assertThat(sql("nll_loss(array(1.5D, 0.5D), 0)", "(SELECT 1) AS one")).isEqualTo(-1.5);
  }

  @Test
  void aKindTheLossDoesNotTakeIsRefusedAtAnalysis() {
    assertThatThrownBy(() -> spark.sql("SELECT nll_loss(p, y, input_kind => 'logits') FROM tri"))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "nll_loss: input_kind 'logits' is not supported; expected one of probability,"
                + " log_probability (for logits use loss cross_entropy)");
    assertThatThrownBy(
            () -> spark.sql("SELECT kl_div_stats(p, q, input_kind => 'logits') FROM soft"))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "kl_div: input_kind 'logits' is not supported; expected one of probability,"
                + " log_probability");
    assertThatThrownBy(
            () -> spark.sql("SELECT cross_entropy(p, y, input_kind => 'value') FROM tri"))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "cross_entropy: input_kind 'value' is not supported; expected one of logits,"
                + " probability, log_probability");
    assertThatThrownBy(
            () -> spark.sql("SELECT mse_loss(y, y, input_kind => 'probability') FROM tri"))
        .isInstanceOf(LossException.class)
        .hasMessageStartingWith("mse_loss: option input_kind does not apply; mse_loss takes ");
    assertThatThrownBy(() -> SparkLoss.nllLoss(col("p"), col("y")).inputKind(Loss.InputKind.LOGITS))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "nll_loss: input_kind 'logits' is not supported; expected one of probability,"
                + " log_probability (for logits use loss cross_entropy)");
  }

  @Test
  void theDefaultsArePyTorchsInputs() {
    // cross_entropy reads logits, nll_loss log-probabilities, as without the option.
    assertThat(sql("cross_entropy(lp, y, input_kind => 'logits', sample_weight => w)", "bin"))
        .isEqualTo(sql("cross_entropy(lp, y, sample_weight => w)", "bin"));
    assertThat(sql("nll_loss(lp, y, input_kind => 'log_probability')", "bin"))
        .isEqualTo(sql("nll_loss(lp, y)", "bin"));
    assertThat(sql("cross_entropy(lp, y, input_kind => 'log_probability')", "bin"))
        .isEqualTo(sql("nll_loss(lp, y)", "bin"));
    assertThat(sql("cross_entropy(p, y, input_kind => 'probability')", "bin"))
        .isEqualTo(sql("nll_loss(lp, y)", "bin"));
  }

  // ---- what each loss is evaluated on ----

  /** log_softmax of ln(p), computed here. */
  private static double[] logSoftmaxOfLog(double[] p) {
    double[] x = Arrays.stream(p).map(Math::log).toArray();
    double max = Arrays.stream(x).max().getAsDouble();
    double s = 0.0;
    for (double v : x) {
      s += Math.exp(v - max);
    }
    double lse = max + Math.log(s);
    return Arrays.stream(x).map(v -> v - lse).toArray();
  }

  @Test
  void labelSmoothingIsCrossEntropyOfTheLogarithm() {
    double e = 0.1;
    int c = 3;
    double soft = 0.0;
    double index = 0.0;
    for (int i = 0; i < SOFT_P.length; i++) {
      double[] lsm = logSoftmaxOfLog(SOFT_P[i]);
      double sumLsm = 0.0;
      for (int k = 0; k < c; k++) {
        soft -= (SOFT_Q[i][k] * (1 - e) + e / c) * lsm[k];
        sumLsm += lsm[k];
      }
      index += (1 - e) * -lsm[SOFT_Y[i]] - e / c * sumLsm;
    }
    int n = SOFT_P.length;
    assertRel(
        sql("cross_entropy(p, q, input_kind => 'probability', label_smoothing => 0.1)", "soft"),
        soft / n,
        "probability targets");
    assertRel(
        sql("cross_entropy(p, y, input_kind => 'probability', label_smoothing => 0.1)", "soft"),
        index / n,
        "class-index targets");
  }

  @Test
  void klDivOfProbabilitiesIsKlDivOfTheirLogarithm() {
    String ln = "transform(p, x -> ln(x))";
    String[][] pairs = {
      {"kl_div(p, q, input_kind => 'probability')", "kl_div(" + ln + ", q)"},
      {
        "kl_div(p, q, input_kind => 'probability', reduction => 'batchmean')",
        "kl_div(" + ln + ", q, reduction => 'batchmean')"
      },
      {
        "kl_div_stats(p, q, input_kind => 'probability', per_class => true).per_class[1].value",
        "kl_div_stats(" + ln + ", q, per_class => true).per_class[1].value"
      },
      {
        "kl_div_stats(p, q, input_kind => 'probability').std_error",
        "kl_div_stats(" + ln + ", q).std_error"
      }
    };
    for (String[] pair : pairs) {
      assertRel(sql(pair[0], "soft"), sql(pair[1], "soft"), pair[0]);
    }
    List<Row> none =
        spark
            .sql(
                "SELECT kl_div(p, q, input_kind => 'probability', reduction => 'none'),"
                    + " kl_div(transform(p, x -> ln(x)), q, reduction => 'none') FROM soft")
            .collectAsList();
    for (Row r : none) {
      List<Double> a = r.getList(0);
      List<Double> b = r.getList(1);
      for (int k = 0; k < a.size(); k++) {
        assertThat(a.get(k)).isCloseTo(b.get(k), within(1e-15 + Math.abs(b.get(k)) * REL));
      }
    }
  }

  @Test
  void statsPerClassAndReductionNone() {
    // lp holds ln(p) computed here with the same logarithm: every field is the same bits.
    for (String view : List.of("bin", "tri")) {
      Row a =
          spark
              .sql(
                  "SELECT cross_entropy_stats(pv, y, input_kind => 'probability', sample_weight =>"
                      + " w, per_class => true), nll_loss_stats(lp, y, sample_weight => w,"
                      + " per_class => true), nll_loss_per_class(p, y, input_kind =>"
                      + " 'probability'), nll_loss_per_class(lp, y) FROM "
                      + view)
              .first();
      assertThat(a.get(0)).as(view + " stats").isEqualTo(a.get(1));
      assertThat(a.get(2)).as(view + " per class").isEqualTo(a.get(3));
    }
    Row tri =
        spark
            .sql(
                "SELECT cross_entropy_stats(p, y, input_kind => 'probability',"
                    + " per_class => true) FROM tri")
            .first()
            .getStruct(0);
    List<Row> perClass = tri.getList(tri.fieldIndex("per_class"));
    assertRel(perClass.get(0).getDouble(1), -Math.log(.8), "class 0");
    assertRel(perClass.get(1).getDouble(1), -(Math.log(.8) + Math.log(.65)) / 2, "class 1");
    assertRel(perClass.get(2).getDouble(1), -Math.log(.05), "class 2");
    assertThat(tri.getDouble(tri.fieldIndex("std_error"))).isPositive();

    List<Row> none =
        spark
            .sql(
                "SELECT cross_entropy(p, y, input_kind => 'probability', reduction => 'none',"
                    + " sample_weight => w), w, p, y FROM tri")
            .collectAsList();
    for (Row r : none) {
      List<Double> p = r.getList(2);
      double expected = -Math.log(p.get((int) r.getDouble(3))) * r.getDouble(1);
      assertRel(r.getDouble(0), expected, "row " + p);
    }
  }

  // ---- a fused query sharing the probability column ----

  private static final String FUSED =
      "SELECT cross_entropy(p, y, input_kind => 'probability'), kl_div(p, q, input_kind =>"
          + " 'probability'), binary_cross_entropy(p, multi), kl_div_stats(p, q, input_kind =>"
          + " 'probability', per_class => true), binary_cross_entropy_per_class(p, multi) FROM soft";

  @Test
  void aFusedQueryGivesEachLossItsValueAlone() {
    Dataset<Row> fused = spark.sql(FUSED);
    Row together = fused.first();
    assertThat(fusedAggregates(fused.queryExecution().optimizedPlan())).isEqualTo(1);
    String[] calls = {
      "cross_entropy(p, y, input_kind => 'probability')",
      "kl_div(p, q, input_kind => 'probability')",
      "binary_cross_entropy(p, multi)",
      "kl_div_stats(p, q, input_kind => 'probability', per_class => true)",
      "binary_cross_entropy_per_class(p, multi)"
    };
    for (int i = 0; i < calls.length; i++) {
      Object alone = spark.sql("SELECT " + calls[i] + " FROM soft").first().get(0);
      assertThat(together.get(i)).as(calls[i]).isEqualTo(alone);
    }
    double bce = 0.0;
    for (int i = 0; i < SOFT_P.length; i++) {
      for (int k = 0; k < 3; k++) {
        double p = SOFT_P[i][k];
        bce -= MULTI[i][k] * Math.log(p) + (1 - MULTI[i][k]) * Math.log1p(-p);
      }
    }
    assertRel(together.getDouble(2), bce / (3 * SOFT_P.length), "bce reads p as it is");
  }

  private static long fusedAggregates(LogicalPlan plan) {
    List<Object> seen = new ArrayList<>();
    collect(plan, seen);
    return seen.size();
  }

  private static void collect(LogicalPlan plan, List<Object> seen) {
    for (Expression e : ScalaShim.asJava(plan.expressions())) {
      collect(e, seen);
    }
    for (LogicalPlan child : ScalaShim.asJava(plan.children())) {
      collect(child, seen);
    }
  }

  private static void collect(Expression e, List<Object> seen) {
    if (e instanceof LossAggregator) {
      Object f = ((LossAggregator<?, ?>) e).aggrFunc();
      if (f instanceof FusedLossAggregate && seen.stream().noneMatch(s -> s == f)) {
        seen.add(f);
      }
    }
    for (Expression child : ScalaShim.asJava(e.children())) {
      collect(child, seen);
    }
  }
}
