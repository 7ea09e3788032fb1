package io.github.sparkloss.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sparkloss.LossColumn;
import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.TestMath;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.shim.ScalaShim;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registration without the extension, {@link SparkLoss#register}, and the typed Column API, which
 * must give what the equivalent SQL gives. Not a {@code SparkTestBase}: this session is built
 * without {@code spark.sql.extensions}.
 */
class RegistrationTest {

  private static final String VIEW = "preds";

  private static SparkSession spark;
  private static Dataset<Row> df;
  private static List<Row> rows;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("sparkloss-registration-test")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
    StructType schema =
        new StructType()
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("label", DataTypes.IntegerType, false)
            .add("logp", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("probs", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("multi", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("w", DataTypes.DoubleType, false);
    rows = new ArrayList<>();
    double[][] logits = {{1.0, 2.0, 0.5}, {0.1, -0.3, 0.8}, {2.5, 0.0, -1.0}, {-0.5, 0.25, 1.5}};
    double[][] probs = {{0.2, 0.3, 0.5}, {0.6, 0.1, 0.3}, {1, 0, 0}, {0.25, 0.25, 0.5}};
    double[][] multi = {{1, 0, 1}, {0, 1, 0}, {1, 1, 0}, {0.5, 0, 1}};
    int[] labels = {0, 1, 2, 1};
    double[] w = {1.0, 2.0, 0.5, 1.5};
    for (int i = 0; i < labels.length; i++) {
      rows.add(
          RowFactory.create(
              list(logits[i]),
              labels[i],
              list(TestMath.logSoftmax(logits[i])),
              list(probs[i]),
              list(multi[i]),
              w[i]));
    }
    df = spark.createDataFrame(rows, schema);
    df.createOrReplaceTempView(VIEW);
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
      df = null;
      rows = null;
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  /** Columns of the right kind for each loss. */
  private static final java.util.Map<String, String> ARGUMENTS = new java.util.HashMap<>();

  static {
    String[] pairs = {
      "cross_entropy", "logits, label",
      "nll_loss", "logp, label",
      "binary_cross_entropy", "probs, multi",
      "binary_cross_entropy_with_logits", "logits, multi",
      "kl_div", "logp, probs",
      "mse_loss", "logits, multi",
      "l1_loss", "logits, multi",
      "smooth_l1_loss", "logits, multi",
      "huber_loss", "logits, multi",
      "poisson_nll_loss", "logits, multi",
      "gaussian_nll_loss", "logits, multi, probs",
      "soft_margin_loss", "logits, multi",
      "multilabel_soft_margin_loss", "logits, multi",
      "multi_margin_loss", "logits, label",
      "multilabel_margin_loss", "logits, transform(multi, x -> CAST(x AS INT))",
      "hinge_embedding_loss", "logits, multi",
      "margin_ranking_loss", "logits, probs, multi",
      "cosine_embedding_loss", "logits, probs, w",
      "triplet_margin_loss", "logits, probs, logp",
      "sigmoid_focal_loss", "logits, multi",
    };
    for (int i = 0; i < pairs.length; i += 2) {
      ARGUMENTS.put(pairs[i], pairs[i + 1]);
    }
  }

  /** Every SQL function sparkloss registers, with arguments of the right kind. */
  private static List<String> allCalls() {
    List<String> calls = new ArrayList<>();
    for (Loss loss : Loss.all()) {
      String args = ARGUMENTS.get(loss.sqlName());
      assertThat(args).as("arguments of %s", loss).isNotNull();
      for (Output output : Output.values()) {
        if (output == Output.PER_CLASS && !loss.hasPerClass()) {
          continue;
        }
        calls.add(output.functionName(loss) + "(" + args + ")");
      }
    }
    return calls;
  }

  @Test
  void withoutRegistrationTheFunctionsAreUnknown() {
    assertThat(spark.sparkContext().getConf().contains("spark.sql.extensions")).isFalse();
    SparkSession fresh = spark.newSession();
    assertThat(SparkLoss.isRegistered(fresh)).isFalse();
    assertThat(fresh.catalog().functionExists("cross_entropy")).isFalse();
    assertThatExceptionOfType(AnalysisException.class)
        .isThrownBy(() -> fresh.sql("SELECT cross_entropy(array(1.0D, 2.0D), 1)"))
        // Spark 3.5 says "function", Spark 4 "routine".
        .withMessageMatching(
            "(?s)\\[UNRESOLVED_ROUTINE] Cannot resolve (function|routine) `cross_entropy`.*")
        .matches(
            e -> "UNRESOLVED_ROUTINE".equals(io.github.sparkloss.shim.SparkShim.errorCondition(e)),
            "condition");
  }

  @Test
  void buildingAColumnRegistersNothing() {
    SparkSession plain = spark.newSession();
    Column mse = SparkLoss.loss("mse_loss", col("logits"), col("multi")).value();
    assertThat(plain.catalog().functionExists("mse_loss")).isFalse();
    assertThat(SparkLoss.isRegistered(plain)).isFalse();
    Dataset<Row> data = plain.createDataFrame(rows, df.schema());
    assertThatThrownBy(() -> data.agg(mse).collect())
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("UNRESOLVED_ROUTINE");
    assertThat(plain.catalog().functionExists("mse_loss")).isFalse();
    SparkLoss.register(plain);
    assertThat(SparkLoss.isRegistered(plain)).isTrue();
    assertThat(data.agg(mse).first().getDouble(0)).isPositive();
  }

  @Test
  void registerMakesEveryFunctionAvailableAndIsIdempotent() {
    SparkSession session = spark.newSession();
    // Temporary views belong to a session: the same rows again in this one.
    session.createDataFrame(rows, df.schema()).createOrReplaceTempView(VIEW);
    List<String> calls = allCalls();
    assertThat(calls).hasSize(LossFunctions.all().size()).hasSize(57);
    assertThatThrownBy(() -> session.sql("SELECT " + calls.get(14) + " FROM " + VIEW))
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("UNRESOLVED_ROUTINE");

    SparkLoss.register(session);
    assertThat(SparkLoss.isRegistered(session)).isTrue();
    for (String call : calls) {
      String name = call.substring(0, call.indexOf('('));
      assertThat(session.catalog().functionExists(name)).as(name).isTrue();
    }
    // Every function resolves with its arguments (analysis only, no job).
    for (String call : calls) {
      assertThat(session.sql("SELECT " + call + " FROM " + VIEW).schema().fields()).hasSize(1);
    }
    List<Row> describe = session.sql("DESCRIBE FUNCTION cross_entropy").collectAsList();
    assertThat(describe)
        .extracting(r -> r.getString(0))
        .contains(
            "Function: cross_entropy",
            "Usage: cross_entropy(input, target [, option => value ...]) - Computes"
                + " torch.nn.functional.cross_entropy over the group (reduction 'none' gives"
                + " per-row losses).");
    List<Row> extended = session.sql("DESCRIBE FUNCTION EXTENDED kl_div_stats").collectAsList();
    assertThat(extended)
        .extracting(r -> r.getString(0))
        .anySatisfy(line -> assertThat(line).startsWith("Usage: kl_div_stats(input, target"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(
                        "options, named constants: weight, log_target, input_kind,"
                            + " reduction, on_bad_row"));

    String q = "SELECT " + String.join(", ", calls) + " FROM " + VIEW;
    Row before = session.sql(q).first();
    SparkLoss.register(session);
    SparkLoss.register(session);
    assertThat(SparkLoss.isRegistered(session)).isTrue();
    assertThat(session.sql(q).first()).isEqualTo(before);
    assertThat(session.sql("DESCRIBE FUNCTION cross_entropy").collectAsList()).isEqualTo(describe);
  }

  @Test
  void columnApiGivesExactlyWhatSqlGives() {
    SparkLoss.register(spark);
    List<Column> api = new ArrayList<>();
    List<String> sql = new ArrayList<>();

    LossColumn ce =
        SparkLoss.crossEntropy(col("logits"), col("label"))
            .weight(1.0, 2.0, 0.5)
            .labelSmoothing(0.1)
            .sampleWeight(col("w"));
    String ceArgs =
        "logits, label, weight => array(1.0D, 2.0D, 0.5D), label_smoothing => 0.1D,"
            + " sample_weight => w";
    addAll(api, sql, ce, "cross_entropy", ceArgs);

    LossColumn nll =
        SparkLoss.nllLoss(col("logp"), col("label"))
            .ignoreIndex(2)
            .reduction(Reduction.SUM)
            .sampleWeight(col("w"));
    addAll(
        api,
        sql,
        nll,
        "nll_loss",
        "logp, label, ignore_index => 2, reduction => 'sum', sample_weight => w");

    LossColumn bce = SparkLoss.binaryCrossEntropy(col("probs"), col("multi")).weight(2, 1, 0.5);
    addAll(api, sql, bce, "binary_cross_entropy", "probs, multi, weight => array(2, 1, 0.5)");

    LossColumn bcewl =
        SparkLoss.binaryCrossEntropyWithLogits(col("logits"), col("multi"))
            .posWeight(3, 1, 0.25)
            .sampleWeight(col("w"));
    addAll(
        api,
        sql,
        bcewl,
        "binary_cross_entropy_with_logits",
        "logits, multi, pos_weight => array(3, 1, 0.25), sample_weight => w");

    LossColumn kl =
        SparkLoss.klDiv(col("logp"), col("probs")).reduction(Reduction.BATCHMEAN).logTarget(false);
    addAll(api, sql, kl, "kl_div", "logp, probs, reduction => 'batchmean', log_target => false");

    Row fromApi = df.agg(api.get(0), api.subList(1, api.size()).toArray(new Column[0])).first();
    Row fromSql = spark.sql("SELECT " + String.join(", ", sql) + " FROM " + VIEW).first();
    assertThat(fromApi.length()).isEqualTo(sql.size());
    for (int i = 0; i < sql.size(); i++) {
      assertThat(fromApi.get(i)).as(sql.get(i)).isNotNull().isEqualTo(fromSql.get(i));
    }
    for (int i = 0; i < sql.size(); i += 4) {
      assertThat(fromApi.getDouble(i)).as(sql.get(i)).isFinite();
    }

    // reduction none: per-row losses, row by row.
    List<Row> perRowApi =
        df.select(
                SparkLoss.crossEntropy(col("logits"), col("label"))
                    .reduction(Reduction.NONE)
                    .value(),
                SparkLoss.klDiv(col("logp"), col("probs")).reduction(Reduction.NONE).value())
            .collectAsList();
    List<Row> perRowSql =
        spark
            .sql(
                "SELECT cross_entropy(logits, label, reduction => 'none'),"
                    + " kl_div(logp, probs, reduction => 'none') FROM "
                    + VIEW)
            .collectAsList();
    assertThat(perRowApi).hasSize(4).isEqualTo(perRowSql);
  }

  @Test
  void columnApiBindsItsTypedOptionsAsTheyAre() {
    SparkLoss.register(spark);
    // Weights that print as long decimals: the options object itself reaches the bound call.
    LossColumn ce =
        SparkLoss.crossEntropy(col("logits"), col("label"))
            .weight(1.0 / 3, 0.1 + 0.2, Math.PI)
            .labelSmoothing(0.1)
            .sampleWeight(col("w"));
    Column stats = ce.statsPerClass();

    List<Expression> nodes = new ArrayList<>();
    for (Expression e : ScalaShim.asJava(df.agg(stats).queryExecution().logical().expressions())) {
      e.foreach(
          node -> {
            nodes.add(node);
            return null;
          });
    }
    assertThat(nodes).noneMatch(e -> e instanceof NamedArgumentExpression);
    List<TypedOptions> carried =
        nodes.stream().map(TypedOptions::of).filter(t -> t != null).toList();
    assertThat(carried).hasSize(1);
    TypedOptions typed = carried.get(0);
    assertThat(typed.perClass()).isTrue();
    assertThat(typed.sampleWeight()).isTrue();

    LogicalPlan analyzed = df.agg(stats).queryExecution().analyzed();
    List<LossCall> calls = new ArrayList<>();
    for (Expression e : ScalaShim.asJava(analyzed.expressions())) {
      e.foreach(
          node -> {
            if (node instanceof LossAggregator
                && ((LossAggregator<?, ?>) node).aggrFunc() instanceof LossAggregate) {
              calls.add(((LossAggregate) ((LossAggregator<?, ?>) node).aggrFunc()).call());
            }
            return null;
          });
    }
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).bound().options()).isSameAs(typed.options());
    assertThat(calls.get(0).bound().perClass()).isTrue();
    assertThat(calls.get(0).bound().columns().sampleWeight()).isEqualTo("w");
    assertThat(calls.get(0).children()).hasSize(3);

    Row api = df.agg(stats).first();
    Row sql =
        spark
            .sql(
                "SELECT cross_entropy_stats(logits, label, weight => array("
                    + (1.0 / 3)
                    + "D, "
                    + (0.1 + 0.2)
                    + "D, "
                    + Math.PI
                    + "D), label_smoothing => 0.1D, sample_weight => w, per_class => true) FROM "
                    + VIEW)
            .first();
    assertThat(api).isEqualTo(sql);
  }

  @Test
  void invalidOptionsInTheColumnApiFailAtOnceWithTheSqlMessage() {
    SparkLoss.register(spark);
    assertSameMessage(
        () -> SparkLoss.crossEntropy(col("logits"), col("label")).labelSmoothing(1.5),
        "cross_entropy(logits, label, label_smoothing => 1.5)",
        "cross_entropy: label_smoothing must be in [0, 1]: 1.5");
    assertSameMessage(
        () -> SparkLoss.crossEntropy(col("logits"), col("label")).weight(1, Double.NaN, 1),
        "cross_entropy(logits, label, weight => array(1, double('NaN'), 1))",
        "cross_entropy: weight[1] must be finite and >= 0: NaN in [1, NaN, 1]");
    assertSameMessage(
        () -> SparkLoss.nllLoss(col("logp"), col("label")).weight(1, -2, 1),
        "nll_loss(logp, label, weight => array(1, -2, 1))",
        "nll_loss: weight[1] must be finite and >= 0: -2 in [1, -2, 1]");
    assertSameMessage(
        () -> SparkLoss.crossEntropy(col("logits"), col("label")).posWeight(1, 2, 1),
        "cross_entropy(logits, label, pos_weight => array(1, 2, 1))",
        "cross_entropy: option pos_weight does not apply; cross_entropy takes weight,"
            + " ignore_index, label_smoothing, input_kind, reduction, on_bad_row, confidence");
    assertSameMessage(
        () -> SparkLoss.nllLoss(col("logp"), col("label")).reduction(Reduction.BATCHMEAN),
        "nll_loss(logp, label, reduction => 'batchmean')",
        "nll_loss: reduction 'batchmean' is only defined for kl_div; expected one of none, sum,"
            + " mean");
    assertSameMessage(
        () ->
            SparkLoss.binaryCrossEntropyWithLogits(col("logits"), col("multi"))
                .posWeight(1, 2)
                .weight(1, 2, 3),
        "binary_cross_entropy_with_logits(logits, multi, pos_weight => array(1, 2), weight =>"
            + " array(1, 2, 3))",
        "binary_cross_entropy_with_logits: weight has 3 entries but pos_weight has 2; expected"
            + " one entry per class in both");
    assertSameMessage(
        () -> SparkLoss.binaryCrossEntropy(col("probs"), col("multi")).logTarget(true),
        "binary_cross_entropy(probs, multi, log_target => true)",
        "binary_cross_entropy: option log_target does not apply; binary_cross_entropy takes"
            + " weight, reduction, on_bad_row, confidence");
    // Caught at analysis, as in SQL: reduction none has no per-class or stats form.
    Column stats =
        SparkLoss.crossEntropy(col("logits"), col("label")).reduction(Reduction.NONE).stats();
    assertThatThrownBy(() -> df.select(stats))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "cross_entropy_stats: reduction 'none' gives per-row losses; use"
                + " cross_entropy(..., reduction => 'none') for them");
  }

  // ---- helpers ----

  private static void addAll(
      List<Column> api, List<String> sql, LossColumn c, String function, String args) {
    api.add(c.value());
    api.add(c.perClass());
    api.add(c.stats());
    api.add(c.statsPerClass());
    sql.add(function + "(" + args + ")");
    sql.add(function + "_per_class(" + args + ")");
    sql.add(function + "_stats(" + args + ")");
    sql.add(function + "_stats(" + args + ", per_class => true)");
  }

  private static void assertSameMessage(Supplier<LossColumn> api, String sqlCall, String message) {
    assertThatThrownBy(() -> spark.sql("SELECT " + sqlCall + " FROM " + VIEW))
        .isInstanceOf(LossException.class)
        .hasMessage(message);
    assertThatThrownBy(api::get).isInstanceOf(LossException.class).hasMessage(message);
  }

  private static List<Double> list(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(d);
    }
    return out;
  }
}
