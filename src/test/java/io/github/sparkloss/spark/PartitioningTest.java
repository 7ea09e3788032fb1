package io.github.sparkloss.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.TestMath;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same rows, split into 1, 2, 7 or 64 partitions (empty and single-row partitions included) and
 * shuffled into different orders, give bit-identical results for every loss through Spark SQL (each
 * loss of the registry appears in {@code CALLS}). Sample weights and logits span many orders of
 * magnitude, so a plain double sum would not.
 */
class PartitioningTest extends SparkTestBase {
  private static final int C = 5;

  /** Every loss, with options, as a {@code _stats(..., per_class => true)} call. */
  private static final String[] CALLS = {
    "cross_entropy_stats(logits, label, weight => array(1, 2, 0.5, 0.001, 7),"
        + " label_smoothing => 0.1, sample_weight => sw, per_class => true)",
    "cross_entropy_stats(logits, probs, sample_weight => sw, per_class => true)",
    "nll_loss_stats(logprobs, label, reduction => 'sum', sample_weight => sw, per_class => true)",
    "binary_cross_entropy_stats(probs, multi, weight => array(1, 2, 3, 4, 5),"
        + " sample_weight => sw, per_class => true)",
    "binary_cross_entropy_with_logits_stats(logits, multi, pos_weight => array(1, 3, 0.5, 2, 9),"
        + " sample_weight => sw, per_class => true)",
    "kl_div_stats(logprobs, probs, reduction => 'batchmean', sample_weight => sw,"
        + " per_class => true)",
    "kl_div_stats(logprobs, logprobs2, log_target => true, per_class => true)",
    "mse_loss_stats(logits, multi, sample_weight => sw, per_class => true)",
    "l1_loss_stats(logits, probs, per_class => true)",
    "smooth_l1_loss_stats(logits, multi, beta => 0.5, sample_weight => sw, per_class => true)",
    "huber_loss_stats(logits, probs, delta => 0.3, reduction => 'sum', sample_weight => sw,"
        + " per_class => true)",
    "poisson_nll_loss_stats(logprobs, multi, full => true, sample_weight => sw, per_class => true)",
    "gaussian_nll_loss_stats(logits, multi, probs, full => true, sample_weight => sw,"
        + " per_class => true)",
    "gaussian_nll_loss_stats(logits, multi, sw)",
    "soft_margin_loss_stats(logits, multi, per_class => true)",
    "multilabel_soft_margin_loss_stats(logits, multi, weight => array(1, 2, 3, 4, 5),"
        + " sample_weight => sw, per_class => true)",
    "multi_margin_loss_stats(logits, label, p => 2, margin => 0.5, weight => array(1, 2, 3, 4, 5),"
        + " sample_weight => sw, per_class => true, on_bad_row => 'skip')",
    "multilabel_margin_loss_stats(logits, transform(multi, x -> CAST(x AS INT)),"
        + " sample_weight => sw)",
    "hinge_embedding_loss_stats(logits, multi, margin => 0.5, per_class => true)",
    "margin_ranking_loss_stats(logits, logprobs, multi, margin => 0.1, sample_weight => sw,"
        + " per_class => true)",
    "cosine_embedding_loss_stats(logits, probs, CAST(label % 3 - 1 AS DOUBLE), margin => 0.2,"
        + " sample_weight => sw)",
    "triplet_margin_loss_stats(logits, probs, logprobs, swap => true, sample_weight => sw)",
    "sigmoid_focal_loss_stats(logits, multi, sample_weight => sw, per_class => true)",
  };

  private static Dataset<Row> big;
  private static Dataset<Row> small;
  private static final java.util.Map<String, List<String>> REFERENCE = new java.util.HashMap<>();

  @BeforeAll
  static void tables() {
    big = table(2000, 11L);
    small = table(70, 12L);
    for (boolean grouped : new boolean[] {false, true}) {
      REFERENCE.put("big" + grouped, results(big.coalesce(1), grouped));
      REFERENCE.put("small" + grouped, results(small.coalesce(1), grouped));
    }
  }

  @Test
  void everyLossOfTheRegistryIsCalled() {
    for (io.github.sparkloss.loss.Loss loss : io.github.sparkloss.loss.Loss.all()) {
      assertThat(java.util.Arrays.stream(CALLS).anyMatch(c -> c.startsWith(loss + "_stats(")))
          .as(loss.sqlName())
          .isTrue();
    }
  }

  private static Dataset<Row> table(int n, long seed) {
    Random rnd = new Random(seed);
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType)
            .add("grp", DataTypes.IntegerType)
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("label", DataTypes.IntegerType)
            .add("probs", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("logprobs", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("logprobs2", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("multi", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("sw", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double scale = Math.pow(10, rnd.nextInt(6) - 2);
      List<Double> logits = new ArrayList<>();
      List<Double> probs = new ArrayList<>();
      List<Double> logprobs = new ArrayList<>();
      List<Double> logprobs2 = new ArrayList<>();
      List<Double> multi = new ArrayList<>();
      double[] x = new double[C];
      double[] z = new double[C];
      for (int c = 0; c < C; c++) {
        x[c] = rnd.nextGaussian() * scale;
        z[c] = rnd.nextGaussian() * 3;
        logits.add(x[c]);
        multi.add(rnd.nextBoolean() ? (double) rnd.nextInt(2) : rnd.nextDouble());
      }
      double[] lp = TestMath.logSoftmax(x);
      double[] lq = TestMath.logSoftmax(z);
      for (int c = 0; c < C; c++) {
        logprobs.add(lp[c]);
        logprobs2.add(lq[c]);
        probs.add(Math.exp(lq[c]));
      }
      int label = rnd.nextInt(12) == 0 ? -100 : rnd.nextInt(C);
      double sw = Math.exp(rnd.nextGaussian() * 8);
      rows.add(RowFactory.create(i, i % 3, logits, label, probs, logprobs, logprobs2, multi, sw));
    }
    return spark.createDataFrame(rows, schema).cache();
  }

  private static List<String> results(Dataset<Row> df, boolean grouped) {
    df.createOrReplaceTempView("parts");
    StringBuilder q = new StringBuilder("SELECT ");
    if (grouped) {
      q.append("grp, ");
    }
    for (int i = 0; i < CALLS.length; i++) {
      q.append(i == 0 ? "" : ", ").append(CALLS[i]);
    }
    q.append(" FROM parts");
    if (grouped) {
      q.append(" GROUP BY grp ORDER BY grp");
    }
    List<String> out = new ArrayList<>();
    for (Row r : spark.sql(q.toString()).collectAsList()) {
      out.add(bits(r));
    }
    return out;
  }

  /** A row rendered with every double as its raw bits, so that equality is bit equality. */
  private static String bits(Object v) {
    if (v instanceof Row) {
      Row r = (Row) v;
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < r.length(); i++) {
        sb.append(bits(r.get(i))).append(',');
      }
      return sb.append(')').toString();
    }
    if (v instanceof scala.collection.Seq) {
      StringBuilder sb = new StringBuilder("[");
      scala.collection.Iterator<?> it = ((scala.collection.Seq<?>) v).iterator();
      while (it.hasNext()) {
        sb.append(bits(it.next())).append(';');
      }
      return sb.append(']').toString();
    }
    if (v instanceof Double) {
      return Long.toHexString(Double.doubleToRawLongBits((Double) v));
    }
    return String.valueOf(v);
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 2, 7, 64})
  void sameBitsWhateverThePartitioning(int partitions) {
    for (boolean grouped : new boolean[] {false, true}) {
      for (String name : List.of("big", "small")) {
        Dataset<Row> df = name.equals("big") ? big : small;
        List<String> reference = REFERENCE.get(name + grouped);
        assertThat(reference).isNotEmpty();
        // Hash partitioning of 70 rows into 64 partitions leaves empty and single-row ones.
        Dataset<Row> shuffled =
            df.orderBy(rand(17L + partitions)).repartition(partitions, col("id"));
        assertThat(results(shuffled, grouped))
            .as("%s table, %d partitions, grouped %s", name, partitions, grouped)
            .isEqualTo(reference);
      }
    }
  }

  @ParameterizedTest(name = "shuffle partitions {0}")
  @ValueSource(ints = {1, 3, 64})
  void sameBitsWhateverTheShufflePartitions(int shufflePartitions) {
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    try {
      List<String> reference = REFERENCE.get("big" + true);
      spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions));
      assertThat(results(big.repartition(5), true)).isEqualTo(reference);
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {64})
  void plainSumsWouldNotBeReproducible(int partitions) {
    // Guards the test data: a plain double sum over it does depend on the order.
    big.createOrReplaceTempView("parts");
    String q = "SELECT sum(sw * aggregate(logits, 0D, (a, x) -> a + x * x)) FROM parts";
    double one = spark.sql(q).first().getDouble(0);
    big.orderBy(rand(5)).repartition(partitions).createOrReplaceTempView("parts");
    double many = spark.sql(q).first().getDouble(0);
    assertThat(Double.doubleToRawLongBits(many)).isNotEqualTo(Double.doubleToRawLongBits(one));
  }
}
