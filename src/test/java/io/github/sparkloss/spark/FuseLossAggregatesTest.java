package io.github.sparkloss.spark;

import static io.github.sparkloss.Failures.lossFailure;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.shim.ScalaShim;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several sparkloss aggregates in one query are evaluated by one fused aggregate that reads each
 * row once; the results, column names, types, counters and error messages are exactly those of
 * separate aggregates.
 */
class FuseLossAggregatesTest extends SparkTestBase {
  private static final int C = 4;

  @BeforeAll
  static void table() {
    Random rnd = new Random(5);
    StructType schema =
        new StructType()
            .add("grp", DataTypes.IntegerType)
            .add("logits", DataTypes.createArrayType(DataTypes.FloatType))
            .add("dlogits", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("label", DataTypes.LongType)
            .add("target", DataTypes.createArrayType(DataTypes.FloatType))
            .add("sw", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Float[] x = new Float[C];
      Double[] d = new Double[C];
      Float[] t = new Float[C];
      float sum = 0;
      for (int k = 0; k < C; k++) {
        x[k] = (float) (rnd.nextGaussian() * 3);
        d[k] = rnd.nextGaussian() * 3;
        t[k] = rnd.nextFloat() + 0.01f;
        sum += t[k];
      }
      for (int k = 0; k < C; k++) {
        t[k] /= sum;
      }
      long label = i % 17 == 0 ? -100 : rnd.nextInt(C);
      Object logits = x;
      if (i % 50 == 7) {
        logits = null;
      } else if (i % 50 == 9) {
        x[2] = null;
      }
      rows.add(
          RowFactory.create(
              i % 3,
              logits == null ? null : Arrays.asList(x),
              Arrays.asList(d),
              label,
              Arrays.asList(t),
              i % 11 == 0 ? 0.0 : 0.5 + rnd.nextDouble()));
    }
    spark.createDataFrame(rows, schema).repartition(5).createOrReplaceTempView("fz");
  }

  @AfterEach
  void fuseOn() {
    spark.conf().unset(FuseLossAggregates.ENABLED);
  }

  private static final String FIVE =
      "cross_entropy(logits, label), cross_entropy(logits, label, label_smoothing => 0.1,"
          + " on_bad_row => 'skip'), nll_loss_stats(logits, label, on_bad_row => 'skip',"
          + " per_class => true), binary_cross_entropy_with_logits(logits, target, pos_weight =>"
          + " array(1, 2, 3, 0.5), on_bad_row => 'skip'), kl_div_per_class(logits, target,"
          + " reduction => 'batchmean', on_bad_row => 'skip')";

  private static final String FIVE_SKIP =
      "cross_entropy(logits, label, on_bad_row => 'skip'), cross_entropy(logits, label,"
          + " label_smoothing => 0.1, on_bad_row => 'skip'), nll_loss_stats(logits, label,"
          + " on_bad_row => 'skip', per_class => true), binary_cross_entropy_with_logits(logits,"
          + " target, on_bad_row => 'skip'), kl_div_per_class(logits, target, on_bad_row =>"
          + " 'skip')";

  @ParameterizedTest
  @ValueSource(
      strings = {
        // five losses sharing logits and target, with and without groups
        "SELECT "
            + FIVE
            + " FROM fz WHERE logits IS NOT NULL AND NOT exists(logits, x -> x IS NULL)",
        "SELECT grp, " + FIVE_SKIP + " FROM fz GROUP BY grp ORDER BY grp",
        // mixed with Spark's own aggregates, inside expressions, in HAVING, sample weights
        "SELECT grp, count(*) AS n, 2 * cross_entropy(logits, label, on_bad_row => 'skip',"
            + " sample_weight => sw) AS twice, sum(sw), cross_entropy_stats(dlogits, label,"
            + " weight => array(1, 2, 3, 4), sample_weight => sw).value AS w FROM fz GROUP BY grp"
            + " HAVING kl_div(dlogits, target) < 100 ORDER BY grp",
        // the same call twice, float and double logits side by side
        "SELECT cross_entropy(dlogits, label), cross_entropy(dlogits, label),"
            + " cross_entropy(dlogits, target), cross_entropy_per_class(dlogits, label) FROM fz",
        // nulls and null elements are counted per loss
        "SELECT grp, cross_entropy_stats(logits, label, on_bad_row => 'skip'),"
            + " kl_div_stats(logits, target, on_bad_row => 'skip'), nll_loss_stats(dlogits, label)"
            + " FROM fz GROUP BY grp ORDER BY grp",
        // no rows at all
        "SELECT cross_entropy(dlogits, label), kl_div_stats(dlogits, target) FROM fz WHERE grp > 5",
      })
  void fusedResultsAreThoseOfSeparateAggregates(String sql) {
    Dataset<Row> fused = spark.sql(sql);
    List<Row> fusedRows = fused.collectAsList();
    assertThat(fusedAggregates(fused)).isEqualTo(1);
    assertThat(separateAggregates(fused)).isZero();

    spark.conf().set(FuseLossAggregates.ENABLED, "false");
    Dataset<Row> separate = spark.sql(sql);
    List<Row> separateRows = separate.collectAsList();
    assertThat(fusedAggregates(separate)).isZero();
    assertThat(separateAggregates(separate)).isGreaterThanOrEqualTo(2);

    assertThat(fused.schema()).isEqualTo(separate.schema());
    assertThat(fusedRows).isNotEmpty().isEqualTo(separateRows);
  }

  @Test
  void callsWithFilterOrDistinctStayOnTheirOwn() {
    Dataset<Row> df =
        spark.sql(
            "SELECT cross_entropy(dlogits, label) FILTER (WHERE grp = 1),"
                + " cross_entropy(dlogits, label), kl_div(dlogits, target) FROM fz");
    List<Row> fusedRows = df.collectAsList();
    assertThat(fusedAggregates(df)).isEqualTo(1);
    assertThat(separateAggregates(df)).isEqualTo(1);
    spark.conf().set(FuseLossAggregates.ENABLED, "false");
    assertThat(
            spark
                .sql(
                    "SELECT cross_entropy(dlogits, label) FILTER (WHERE grp = 1),"
                        + " cross_entropy(dlogits, label), kl_div(dlogits, target) FROM fz")
                .collectAsList())
        .isEqualTo(fusedRows);
  }

  @Test
  void aSingleCallIsNotFused() {
    Dataset<Row> df = spark.sql("SELECT grp, cross_entropy(dlogits, label) FROM fz GROUP BY grp");
    assertThat(fusedAggregates(df)).isZero();
    assertThat(separateAggregates(df)).isEqualTo(1);
  }

  @Test
  void columnApiCallsAreFused() {
    Column[] metrics = {
      SparkLoss.crossEntropy(col("dlogits"), col("label")).value(),
      SparkLoss.crossEntropy(col("dlogits"), col("label")).labelSmoothing(0.2).stats(),
      SparkLoss.klDiv(col("dlogits"), col("target")).sampleWeight(col("sw")).perClass()
    };
    Dataset<Row> df =
        spark.table("fz").groupBy("grp").agg(metrics[0], metrics[1], metrics[2]).orderBy("grp");
    List<Row> fusedRows = df.collectAsList();
    assertThat(fusedAggregates(df)).isEqualTo(1);
    spark.conf().set(FuseLossAggregates.ENABLED, "false");
    Dataset<Row> separate =
        spark.table("fz").groupBy("grp").agg(metrics[0], metrics[1], metrics[2]).orderBy("grp");
    assertThat(separate.columns()).isEqualTo(df.columns());
    assertThat(fusedRows).hasSize(3).isEqualTo(separate.collectAsList());
  }

  /**
   * Resumable stats (incremental runs) fuse with each other and with plain calls: new rows are read
   * once for all, kept states are merged per call, and every result, kept state included, is that
   * of separate aggregates.
   */
  @Test
  void resumableCallsAreFusedAndResumeAsSeparateOnes() {
    io.github.sparkloss.options.LossOptions ce =
        io.github.sparkloss.options.LossOptions.defaults(
            io.github.sparkloss.loss.Loss.fromSqlName("cross_entropy"));
    io.github.sparkloss.options.LossOptions kl =
        io.github.sparkloss.options.LossOptions.defaults(
            io.github.sparkloss.loss.Loss.fromSqlName("kl_div"));
    // First the states of rows with grp < 2, then those merged with the rows of grp 2.
    Column noState = org.apache.spark.sql.functions.lit(null).cast(DataTypes.BinaryType);
    java.util.function.Function<Column, Column[]> metrics =
        state ->
            new Column[] {
              LossFunctions.resumable(ce, List.of(col("dlogits"), col("label")), null, true, state)
                  .as("a"),
              LossFunctions.resumable(
                      kl, List.of(col("dlogits"), col("target")), col("sw"), false, state)
                  .as("b"),
              SparkLoss.crossEntropy(col("dlogits"), col("label")).value().as("c")
            };
    Dataset<Row> first =
        spark
            .table("fz")
            .where("grp < 2")
            .groupBy()
            .agg(metrics.apply(noState)[0], metrics.apply(noState)[1]);
    assertThat(fusedAggregates(first)).isEqualTo(1);
    Row kept = first.collectAsList().get(0);
    Dataset<Row> fz = spark.table("fz");
    List<Column> keptRow = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : fz.schema().fields()) {
      keptRow.add(org.apache.spark.sql.functions.lit(null).cast(f.dataType()).as(f.name()));
    }
    keptRow.add(org.apache.spark.sql.functions.lit(kept.getStruct(0).get(1)).as("s"));
    Dataset<Row> resumed =
        fz.where("grp = 2")
            .withColumn("s", noState)
            .unionByName(fz.limit(1).select(keptRow.toArray(new Column[0])));
    Column state = col("s");
    Column[] m = metrics.apply(state);
    Dataset<Row> fusedDf = resumed.groupBy().agg(m[0], m[2]);
    assertThat(fusedAggregates(fusedDf)).isEqualTo(1);
    Row fused = fusedDf.collectAsList().get(0);
    spark.conf().set(FuseLossAggregates.ENABLED, "false");
    Row separate = resumed.groupBy().agg(m[0], m[2]).collectAsList().get(0);
    Row whole =
        spark
            .table("fz")
            .groupBy()
            .agg(metrics.apply(noState)[0], metrics.apply(noState)[2])
            .collectAsList()
            .get(0);
    assertThat(fused).isEqualTo(separate);
    // Resumed from the kept state of grp 0 and 1, the stats and the state are those of all rows.
    assertThat(fused.getStruct(0).get(0)).isEqualTo(whole.getStruct(0).get(0));
    // And the merged state it keeps resumes to those stats again, with no new row.
    keptRow.set(
        keptRow.size() - 1, org.apache.spark.sql.functions.lit(fused.getStruct(0).get(1)).as("s"));
    Row again =
        fz.limit(1)
            .select(keptRow.toArray(new Column[0]))
            .groupBy()
            .agg(metrics.apply(col("s"))[0])
            .collectAsList()
            .get(0);
    assertThat(again.getStruct(0).get(0)).isEqualTo(whole.getStruct(0).get(0));
  }

  @Test
  void aBadRowFailsWithTheSameMessage() {
    String sql = "SELECT kl_div(dlogits, target), cross_entropy(logits, label) FROM fz";
    String fusedMessage = failure(sql);
    spark.conf().set(FuseLossAggregates.ENABLED, "false");
    assertThat(fusedMessage)
        .contains("cross_entropy: column logits has a null element at index 2; expected a number")
        .isEqualTo(failure(sql));
  }

  private static String failure(String sql) {
    return lossFailure(() -> spark.sql(sql).collectAsList()).getMessage();
  }

  private static long fusedAggregates(Dataset<Row> df) {
    return count(df.queryExecution().optimizedPlan(), true);
  }

  private static long separateAggregates(Dataset<Row> df) {
    return count(df.queryExecution().optimizedPlan(), false);
  }

  /** Distinct sparkloss aggregate functions in {@code plan}, fused or separate ones. */
  private static long count(LogicalPlan plan, boolean fused) {
    List<Object> seen = new ArrayList<>();
    collect(plan, fused, seen);
    return seen.size();
  }

  private static void collect(LogicalPlan plan, boolean fused, List<Object> seen) {
    for (Expression e : ScalaShim.asJava(plan.expressions())) {
      collect(e, fused, seen);
    }
    for (LogicalPlan child : ScalaShim.asJava(plan.children())) {
      collect(child, fused, seen);
    }
  }

  private static void collect(Expression e, boolean fused, List<Object> seen) {
    if (e instanceof LossAggregator) {
      Object f = ((LossAggregator<?, ?>) e).aggrFunc();
      if ((fused ? f instanceof FusedLossAggregate : f instanceof LossAggregate)
          && seen.stream().noneMatch(s -> s == f)) {
        seen.add(f);
      }
    }
    for (Expression child : ScalaShim.asJava(e.children())) {
      collect(child, fused, seen);
    }
  }
}
