package io.github.sparkloss.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.ml.LossEvaluator;
import io.github.sparkloss.options.LossException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss family outside plain SQL: the Column API (which registers nothing), fusion of losses of
 * two and three columns in one aggregate, and the MLlib evaluator on a regression prediction.
 */
class FamilyApiTest extends SparkTestBase {
  @TempDir static Path dir;

  private static Dataset<Row> df;

  @BeforeAll
  static void data() {
    StructType schema =
        new StructType()
            .add("g", DataTypes.IntegerType, false)
            .add("prediction", DataTypes.DoubleType, false)
            .add("label", DataTypes.DoubleType, false)
            .add("a", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("p", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("n", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("y", DataTypes.IntegerType, false)
            .add("w", DataTypes.DoubleType, false);
    Random rnd = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      double label = rnd.nextGaussian() * 3;
      rows.add(
          RowFactory.create(
              i % 4,
              label + rnd.nextGaussian(),
              label,
              vec(rnd),
              vec(rnd),
              vec(rnd),
              rnd.nextInt(4),
              Math.exp(rnd.nextGaussian())));
    }
    df = spark.createDataFrame(rows, schema).repartition(3);
    df.createOrReplaceTempView("fam_api");
  }

  private static List<Double> vec(Random rnd) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      v.add(rnd.nextGaussian());
    }
    return v;
  }

  private static long bits(Row r, int i) {
    return Double.doubleToRawLongBits(r.getDouble(i));
  }

  @Test
  void columnApiGivesTheSqlResultBitForBit() {
    Row api =
        df.agg(
                SparkLoss.loss("huber_loss", col("prediction"), col("label"))
                    .option("delta", 0.5)
                    .sampleWeight(col("w"))
                    .value(),
                SparkLoss.loss("triplet_margin_loss", col("a"), col("p"), col("n"))
                    .option("swap", true)
                    .value(),
                SparkLoss.loss("multi_margin_loss", col("a"), col("y"))
                    .option("p", 2)
                    .weight(1, 2, 3, 4)
                    .reduction(io.github.sparkloss.options.Reduction.SUM)
                    .value())
            .first();
    Row sql =
        spark
            .sql(
                "SELECT huber_loss(prediction, label, delta => 0.5, sample_weight => w),"
                    + " triplet_margin_loss(a, p, n, swap => true),"
                    + " multi_margin_loss(a, y, p => 2, weight => array(1, 2, 3, 4),"
                    + " reduction => 'sum') FROM fam_api")
            .first();
    for (int i = 0; i < 3; i++) {
      assertThat(bits(api, i)).as("column %s", i).isEqualTo(bits(sql, i));
    }
    assertThat(api.getDouble(0)).isPositive();
  }

  @Test
  void columnApiChecksArgumentsAndOptionsAtOnce() {
    assertThatThrownBy(() -> SparkLoss.loss("triplet_margin_loss", col("a"), col("p")))
        .isInstanceOf(LossException.class)
        .hasMessage("triplet_margin_loss: takes 3 columns (anchor, positive, negative) but got 2");
    assertThatThrownBy(
            () -> SparkLoss.loss("huber_loss", col("prediction"), col("label")).option("beta", 1))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "huber_loss: option beta does not apply; huber_loss takes delta, reduction,"
                + " on_bad_row, confidence");
    assertThatThrownBy(
            () -> SparkLoss.loss("huber_loss", col("prediction"), col("label")).option("delta", -1))
        .isInstanceOf(LossException.class)
        .hasMessage("huber_loss: delta must be > 0: -1");
    assertThatThrownBy(() -> SparkLoss.loss("hubber_loss", col("prediction"), col("label")))
        .isInstanceOf(LossException.class)
        .hasMessageStartingWith("unknown loss 'hubber_loss'; expected one of cross_entropy,");
  }

  @Test
  void lossesOfTwoAndThreeColumnsFuseIntoOneAggregate() {
    String q =
        "SELECT g, mse_loss(prediction, label), huber_loss_stats(prediction, label, delta => 2,"
            + " per_class => true), triplet_margin_loss(a, p, n), margin_ranking_loss(prediction,"
            + " label, CAST(y % 2 * 2 - 1 AS DOUBLE), margin => 0.5, sample_weight => w),"
            + " cosine_embedding_loss_stats(a, p, CAST(y % 3 - 1 AS DOUBLE)),"
            + " cross_entropy(a, y) FROM fam_api GROUP BY g ORDER BY g";
    Dataset<Row> fused = spark.sql(q);
    assertThat(fused.queryExecution().optimizedPlan().toString()).contains("sparkloss_fused(");
    List<Row> a = fused.collectAsList();
    spark.conf().set(FuseLossAggregates.ENABLED, "false");
    try {
      Dataset<Row> separate = spark.sql(q);
      assertThat(separate.queryExecution().optimizedPlan().toString())
          .doesNotContain("sparkloss_fused(");
      assertThat(separate.collectAsList()).isEqualTo(a);
    } finally {
      spark.conf().unset(FuseLossAggregates.ENABLED);
    }
    assertThat(a).hasSize(4);
  }

  @Test
  void evaluatorGivesHuberOfARegressionPrediction() throws Exception {
    LossEvaluator huber = new LossEvaluator().setLoss("huber_loss").setOption("delta", 0.5);
    assertThat(huber.getInputKind()).isEqualTo("value");
    assertThat(huber.getPredictionCol()).isEqualTo("prediction");
    double expected =
        spark
            .sql("SELECT huber_loss(prediction, label, delta => 0.5) FROM fam_api")
            .first()
            .getDouble(0);
    assertThat(huber.evaluate(df)).isEqualTo(expected);

    LossEvaluator poisson =
        new LossEvaluator()
            .setLoss("poisson_nll_loss")
            .setOption("full", true)
            .setWeightCol("w")
            .setLabelCol("w")
            .setReduction("sum");
    double poissonSql =
        spark
            .sql(
                "SELECT poisson_nll_loss(prediction, w, full => true, sample_weight => w,"
                    + " reduction => 'sum') FROM fam_api")
            .first()
            .getDouble(0);
    assertThat(poisson.evaluate(df)).isEqualTo(poissonSql);

    String path = dir.resolve("huber-eval").toString();
    huber.save(path);
    LossEvaluator back = LossEvaluator.load(path);
    assertThat(back.getOptions()).containsEntry("delta", 0.5);
    assertThat(back.evaluate(df)).isEqualTo(expected);

    assertThatThrownBy(
            () -> new LossEvaluator().setLoss("huber_loss").setOption("delta", 0).evaluate(df))
        .isInstanceOf(LossException.class)
        .hasMessage("huber_loss: delta must be > 0: 0");
    assertThatThrownBy(() -> new LossEvaluator().setLoss("triplet_margin_loss").evaluate(df))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "LossEvaluator: triplet_margin_loss takes 3 columns, not a prediction and a label;"
                + " evaluate it with SQL or SparkLoss.loss");
  }
}
