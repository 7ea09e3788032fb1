package io.github.sparkloss.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.TestMath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same loss whatever the column representation: {@code array<float>} and {@code array<double>},
 * MLlib vectors dense and sparse, class indices of every integer type or as whole-number doubles,
 * scalar binary columns, decimal and integer sample weights. Where the columns hold the same
 * doubles the results are compared bit for bit; elsewhere against a small reference written here.
 */
class SqlInputTypesTest extends SparkTestBase {

  /** A naive double reference (sequential sums, textbook formulas) versus exact sums. */
  private static final double REF_REL_TOL = 1e-12;

  private static final int C = 4;

  private static final String VIEW = "types";

  // Every value is exactly representable as a float, so the float columns hold the same doubles.
  private static final double[][] LOGITS = {
    {1.5, 0, -0.5, 2.25},
    {0, 0, 0.75, -1.125},
    {3.0, -2.5, 0, 0},
    {-0.25, 0.5, 1.0, 0},
    {0.125, 0, 0, 0},
    {2.0, 1.0, -1.0, 0.5}
  };
  private static final int[] LABEL = {3, 2, 0, 1, 0, 2};
  private static final String[] GROUP = {"a", "a", "a", "b", "b", "c"};
  private static final double[][] PROBS = {
    {0.25, 0, 0.5, 0.25},
    {0, 0, 1, 0},
    {0.5, 0.5, 0, 0},
    {0.125, 0.375, 0.25, 0.25},
    {1, 0, 0, 0},
    {0, 0.25, 0.75, 0}
  };
  private static final double[][] BCE_INPUT = {
    {0.25, 0.5, 0.75, 0.125},
    {0.875, 0.5, 0.0625, 0.5},
    {0.5, 0.25, 0.625, 0.375},
    {0.75, 0.75, 0.25, 0.5},
    {0.125, 0.5, 0.5, 0.9375},
    {0.5, 0.5, 0.5, 0.5}
  };
  private static final double[][] BCE_TARGET = {
    {1, 0, 1, 0}, {0, 0, 1, 1}, {1, 0.5, 0, 0}, {0, 1, 0, 0}, {1, 1, 1, 0}, {0, 0, 0, 1}
  };
  private static final double[] SCALAR_P = {0.25, 0.75, 0.5, 0.125, 0.875, 0.625};
  private static final double[] SCALAR_X = {1.5, -0.5, 0, 2.25, -3, 0.75};
  private static final int[] SCALAR_T = {1, 0, 1, 0, 0, 1};
  private static final double[] SW = {1.0, 2.0, 0.5, 1.25, 3.0, 0.75};
  private static final int[] INT_SW = {1, 2, 0, 1, 3, 2};

  @BeforeAll
  static void createView() {
    DataType doubles = DataTypes.createArrayType(DataTypes.DoubleType, false);
    DataType floats = DataTypes.createArrayType(DataTypes.FloatType, false);
    DataType vector = SQLDataTypes.VectorType();
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("g", DataTypes.StringType, false)
            .add("ld", doubles, false)
            .add("lf", floats, false)
            .add("vd", vector, false)
            .add("vs", vector, false)
            .add("label_b", DataTypes.ByteType, false)
            .add("label_s", DataTypes.ShortType, false)
            .add("label_i", DataTypes.IntegerType, false)
            .add("label_l", DataTypes.LongType, false)
            .add("label_d", DataTypes.DoubleType, false)
            .add("qd", doubles, false)
            .add("qf", floats, false)
            .add("qv", vector, false)
            .add("pd", doubles, false)
            .add("pf", floats, false)
            .add("pv", vector, false)
            .add("td", doubles, false)
            .add("tf", floats, false)
            .add("tv", vector, false)
            .add("sp", DataTypes.DoubleType, false)
            .add("spf", DataTypes.FloatType, false)
            .add("sx", DataTypes.DoubleType, false)
            .add("sxf", DataTypes.FloatType, false)
            .add("sti", DataTypes.IntegerType, false)
            .add("std", DataTypes.DoubleType, false)
            .add("w", DataTypes.DoubleType, false)
            .add("wdec", DataTypes.createDecimalType(6, 2), false)
            .add("wi", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < LOGITS.length; i++) {
      int y = LABEL[i];
      rows.add(
          RowFactory.create(
              i,
              GROUP[i],
              doubles(LOGITS[i]),
              floats(LOGITS[i]),
              Vectors.dense(LOGITS[i]),
              sparse(LOGITS[i]),
              (byte) y,
              (short) y,
              y,
              (long) y,
              (double) y,
              doubles(PROBS[i]),
              floats(PROBS[i]),
              sparse(PROBS[i]),
              doubles(BCE_INPUT[i]),
              floats(BCE_INPUT[i]),
              Vectors.dense(BCE_INPUT[i]),
              doubles(BCE_TARGET[i]),
              floats(BCE_TARGET[i]),
              sparse(BCE_TARGET[i]),
              SCALAR_P[i],
              (float) SCALAR_P[i],
              SCALAR_X[i],
              (float) SCALAR_X[i],
              SCALAR_T[i],
              (double) SCALAR_T[i],
              SW[i],
              new BigDecimal(SW[i]).setScale(2),
              INT_SW[i]));
    }
    spark.createDataFrame(rows, schema).createOrReplaceTempView(VIEW);
  }

  @Test
  void floatAndDoubleArraysGiveBitIdenticalValues() {
    String sw = ", sample_weight => w";
    String[][] pairs = {
      {"cross_entropy(ld, label_l" + sw + ")", "cross_entropy(lf, label_l" + sw + ")"},
      {
        "cross_entropy(ld, label_l, weight => array(1, 2, 0.5, 1), label_smoothing => 0.1"
            + sw
            + ")",
        "cross_entropy(lf, label_l, weight => array(1, 2, 0.5, 1), label_smoothing => 0.1"
            + sw
            + ")"
      },
      {"cross_entropy(ld, qd" + sw + ")", "cross_entropy(lf, qf" + sw + ")"},
      {"cross_entropy(ld, qd" + sw + ")", "cross_entropy(ld, qf" + sw + ")"},
      {"nll_loss(ld, label_l" + sw + ")", "nll_loss(lf, label_l" + sw + ")"},
      {"binary_cross_entropy(pd, td" + sw + ")", "binary_cross_entropy(pf, tf" + sw + ")"},
      {
        "binary_cross_entropy_with_logits(ld, td, pos_weight => array(1, 2, 3, 0.5)" + sw + ")",
        "binary_cross_entropy_with_logits(lf, tf, pos_weight => array(1, 2, 3, 0.5)" + sw + ")"
      },
      {"kl_div(ld, qd" + sw + ")", "kl_div(lf, qf" + sw + ")"},
      {
        "kl_div(ld, qd, log_target => true, reduction => 'batchmean')",
        "kl_div(lf, qf, log_target => true, reduction => 'batchmean')"
      }
    };
    assertPairsBitIdentical(pairs);
  }

  @Test
  void mllibVectorsDenseAndSparseGiveTheSameValuesAsArrays() {
    String[][] pairs = {
      {"cross_entropy(ld, label_l)", "cross_entropy(vd, label_l)"},
      {"cross_entropy(ld, label_l)", "cross_entropy(vs, label_l)"},
      {"cross_entropy(ld, qd)", "cross_entropy(vd, qv)"},
      {"cross_entropy(ld, qd)", "cross_entropy(vs, qd)"},
      {
        "nll_loss(ld, label_l, weight => array(1, 2, 3, 4))",
        "nll_loss(vs, label_l, weight =>" + " array(1, 2, 3, 4))"
      },
      {"binary_cross_entropy(pd, td)", "binary_cross_entropy(pv, tv)"},
      {"binary_cross_entropy_with_logits(ld, td)", "binary_cross_entropy_with_logits(vs, tv)"},
      {"kl_div(ld, qd)", "kl_div(vd, qv)"},
      {"kl_div(ld, qd, reduction => 'sum')", "kl_div(vs, qv, reduction => 'sum')"}
    };
    assertPairsBitIdentical(pairs);
    // And one of them against the reference, so that "equal" cannot mean "equally wrong".
    Row r =
        spark
            .sql("SELECT cross_entropy(vs, qv), binary_cross_entropy(pv, tv) FROM " + VIEW)
            .first();
    double ce = 0;
    double bce = 0;
    for (int i = 0; i < LOGITS.length; i++) {
      ce += refProbabilityLoss(LOGITS[i], PROBS[i]);
      for (int k = 0; k < C; k++) {
        bce += refBce(BCE_INPUT[i][k], BCE_TARGET[i][k]);
      }
    }
    assertClose("cross_entropy(vs, qv)", r.getDouble(0), ce / LOGITS.length);
    assertClose("binary_cross_entropy(pv, tv)", r.getDouble(1), bce / (C * LOGITS.length));
  }

  @Test
  void classTargetsOfEveryNumericTypeAgree() {
    String[] labels = {"label_b", "label_s", "label_i", "label_d"};
    String[] calls = {
      "cross_entropy(ld, %s, weight => array(1, 2, 0.5, 1))",
      "nll_loss(ld, %s, reduction => 'sum')",
      "cross_entropy_stats(ld, %s, ignore_index => 0, label_smoothing => 0.25)"
    };
    List<String[]> pairs = new ArrayList<>();
    for (String call : calls) {
      for (String label : labels) {
        pairs.add(new String[] {String.format(call, "label_l"), String.format(call, label)});
      }
    }
    Row r = assertPairsBitIdentical(pairs.toArray(new String[0][]));
    // The bigint column against the reference: PyTorch's weighted mean divides by sum of w[y].
    double[] w = {1, 2, 0.5, 1};
    double num = 0;
    double den = 0;
    double nll = 0;
    for (int i = 0; i < LOGITS.length; i++) {
      num += w[LABEL[i]] * -TestMath.logSoftmax(LOGITS[i])[LABEL[i]];
      den += w[LABEL[i]];
      nll += -LOGITS[i][LABEL[i]];
    }
    assertClose("weighted cross_entropy", r.getDouble(0), num / den);
    assertClose("nll_loss sum", r.getDouble(2 * labels.length), nll);
    Row stats = r.getStruct(4 * labels.length);
    assertThat(stats.<Long>getAs("ignored_rows")).isEqualTo(2L);
    assertThat(stats.<Long>getAs("rows")).isEqualTo(4L);
  }

  @Test
  void scalarBinaryColumnsOfFloatDoubleAndIntegerTypes() {
    String[][] pairs = {
      {"binary_cross_entropy(sp, std)", "binary_cross_entropy(spf, sti)"},
      {"binary_cross_entropy(sp, std)", "binary_cross_entropy(array(sp), array(std))"},
      {
        "binary_cross_entropy(sp, std, weight => array(2), sample_weight => w)",
        "binary_cross_entropy(spf, std, weight => array(2), sample_weight => w)"
      },
      {"binary_cross_entropy_with_logits(sx, std)", "binary_cross_entropy_with_logits(sxf, sti)"},
      {
        "binary_cross_entropy_with_logits(sx, std, pos_weight => array(3))",
        "binary_cross_entropy_with_logits(array(sx), array(std), pos_weight => array(3))"
      },
      {
        "binary_cross_entropy_with_logits(sx, sti, reduction => 'sum', sample_weight => w)",
        "binary_cross_entropy_with_logits(sxf, sti, reduction => 'sum', sample_weight => w)"
      }
    };
    Row r = assertPairsBitIdentical(pairs);
    double bce = 0;
    double bceWeighted = 0;
    double sw = 0;
    double bcewl = 0;
    double bcewlPos = 0;
    double bcewlSum = 0;
    for (int i = 0; i < SCALAR_P.length; i++) {
      bce += refBce(SCALAR_P[i], SCALAR_T[i]);
      bceWeighted += SW[i] * 2 * refBce(SCALAR_P[i], SCALAR_T[i]);
      sw += SW[i];
      bcewl += refBceWithLogits(SCALAR_X[i], SCALAR_T[i], 1);
      bcewlPos += refBceWithLogits(SCALAR_X[i], SCALAR_T[i], 3);
      bcewlSum += SW[i] * refBceWithLogits(SCALAR_X[i], SCALAR_T[i], 1);
    }
    int n = SCALAR_P.length;
    assertClose("binary_cross_entropy", r.getDouble(0), bce / n);
    assertClose("weighted binary_cross_entropy", r.getDouble(4), bceWeighted / sw);
    assertClose("binary_cross_entropy_with_logits", r.getDouble(6), bcewl / n);
    assertClose("with pos_weight", r.getDouble(8), bcewlPos / n);
    assertClose("sum", r.getDouble(10), bcewlSum);
  }

  @Test
  void decimalAndIntegerSampleWeights() {
    String[][] pairs = {
      {
        "cross_entropy(ld, label_l, sample_weight => w)",
        "cross_entropy(ld, label_l," + " sample_weight => wdec)"
      },
      {"kl_div_stats(ld, qd, sample_weight => w)", "kl_div_stats(ld, qd, sample_weight => wdec)"},
      {
        "binary_cross_entropy(sp, sti, sample_weight => w)",
        "binary_cross_entropy(sp, sti, sample_weight => wdec)"
      }
    };
    assertPairsBitIdentical(pairs);
    // An integer weight k counts as k copies of the row (0: the row adds nothing).
    String[] calls = {
      "cross_entropy_stats(ld, label_l, weight => array(1, 2, 0.5, 1)%s)",
      "cross_entropy_stats(ld, qd, label_smoothing => 0.1%s)",
      "binary_cross_entropy_with_logits_stats(ld, td%s)",
      "kl_div_stats(ld, qd, reduction => 'batchmean'%s)"
    };
    StringBuilder weighted = new StringBuilder("SELECT ");
    StringBuilder repeated = new StringBuilder("SELECT ");
    for (String call : calls) {
      weighted.append(String.format(call, ", sample_weight => wi")).append(", ");
      repeated.append(String.format(call, "")).append(", ");
    }
    Row a = spark.sql(weighted.append("1 FROM ").append(VIEW).toString()).first();
    Row b =
        spark
            .sql(
                repeated
                    .append("1 FROM ")
                    .append(VIEW)
                    .append(" LATERAL VIEW explode(array_repeat(1, wi)) copies AS copy")
                    .toString())
            .first();
    for (int i = 0; i < calls.length; i++) {
      Row sa = a.getStruct(i);
      Row sb = b.getStruct(i);
      for (String field : new String[] {"value", "loss_sum", "weight_sum"}) {
        assertSameBits(calls[i] + " " + field, sa.<Double>getAs(field), sb.<Double>getAs(field));
      }
    }
  }

  @Test
  void reductionNoneReturnsOneResultPerRowOfTheRightType() {
    String none = "reduction => 'none'";
    Dataset<Row> df =
        spark.sql(
            "SELECT id, cross_entropy(ld, label_l, "
                + none
                + "), cross_entropy(vs, qv, "
                + none
                + "), nll_loss(ld, label_d, "
                + none
                + "), binary_cross_entropy(pd, td, "
                + none
                + "), binary_cross_entropy(pv, tv, "
                + none
                + "), binary_cross_entropy_with_logits(lf, tf, "
                + none
                + "), kl_div(vd, qv, "
                + none
                + "), binary_cross_entropy(sp, sti, "
                + none
                + "), binary_cross_entropy_with_logits(sxf, std, "
                + none
                + ", sample_weight => w) FROM "
                + VIEW
                + " ORDER BY id");
    DataType vectorResult = DataTypes.createArrayType(DataTypes.DoubleType, false);
    DataType[] expectedTypes = {
      DataTypes.IntegerType,
      DataTypes.DoubleType,
      DataTypes.DoubleType,
      DataTypes.DoubleType,
      vectorResult,
      vectorResult,
      vectorResult,
      vectorResult,
      DataTypes.DoubleType,
      DataTypes.DoubleType
    };
    for (int c = 0; c < expectedTypes.length; c++) {
      DataType actual = df.schema().fields()[c].dataType();
      assertThat(actual).as("column %s", c).isEqualTo(expectedTypes[c]);
      if (actual instanceof ArrayType) {
        assertThat(((ArrayType) actual).containsNull()).isFalse();
      }
    }
    List<Row> rows = df.collectAsList();
    assertThat(rows).hasSize(LOGITS.length);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      assertClose(
          "cross_entropy row " + i, r.getDouble(1), -TestMath.logSoftmax(LOGITS[i])[LABEL[i]]);
      assertClose(
          "probabilities row " + i, r.getDouble(2), refProbabilityLoss(LOGITS[i], PROBS[i]));
      assertSameBits("nll_loss row " + i, r.getDouble(3), -LOGITS[i][LABEL[i]]);
      List<Double> bce = r.getList(4);
      assertThat(r.<Double>getList(5)).as("bce over vectors, row %s", i).isEqualTo(bce);
      List<Double> bcewl = r.getList(6);
      List<Double> kl = r.getList(7);
      assertThat(bce).hasSize(C);
      assertThat(bcewl).hasSize(C);
      assertThat(kl).hasSize(C);
      for (int k = 0; k < C; k++) {
        String at = " row " + i + "[" + k + "]";
        assertClose("bce" + at, bce.get(k), refBce(BCE_INPUT[i][k], BCE_TARGET[i][k]));
        assertClose(
            "bcewl" + at, bcewl.get(k), refBceWithLogits(LOGITS[i][k], BCE_TARGET[i][k], 1));
        assertClose("kl" + at, kl.get(k), refKl(LOGITS[i][k], PROBS[i][k]));
      }
      assertClose("scalar bce row " + i, r.getDouble(8), refBce(SCALAR_P[i], SCALAR_T[i]));
      assertClose(
          "scalar bcewl row " + i,
          r.getDouble(9),
          SW[i] * refBceWithLogits(SCALAR_X[i], SCALAR_T[i], 1));
    }
  }

  @Test
  void groupByWithFilterGivesOneResultPerGroup() {
    List<Row> rows =
        spark
            .sql(
                "SELECT g, cross_entropy(ld, label_l, sample_weight => w),"
                    + " cross_entropy(ld, label_l, sample_weight => w) FILTER (WHERE label_l <> 0),"
                    + " cross_entropy(ld, label_l) FILTER (WHERE label_l = 1),"
                    + " cross_entropy(ld, label_l, reduction => 'sum') FILTER (WHERE label_l = 1),"
                    + " cross_entropy_stats(ld, label_l) FILTER (WHERE label_l = 1).rows"
                    + " FROM "
                    + VIEW
                    + " GROUP BY g ORDER BY g")
            .collectAsList();
    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("a", "b", "c");
    for (Row r : rows) {
      String g = r.getString(0);
      double[] all = refWeightedMean(g, -1);
      double[] notZero = refWeightedMean(g, 0);
      assertClose("group " + g, r.getDouble(1), all[0] / all[1]);
      assertClose("group " + g + " label <> 0", r.getDouble(2), notZero[0] / notZero[1]);
    }
    // label 1 occurs only in group b: elsewhere the FILTER leaves nothing, a NaN mean and a 0 sum.
    for (Row r : rows) {
      boolean b = r.getString(0).equals("b");
      double loss = -TestMath.logSoftmax(LOGITS[3])[1];
      if (b) {
        assertClose("group b label = 1", r.getDouble(3), loss);
        assertClose("group b label = 1, sum", r.getDouble(4), loss);
      } else {
        assertThat(r.getDouble(3)).as("mean over nothing").isNaN();
        assertSameBits("sum over nothing", r.getDouble(4), 0.0);
      }
      assertThat(r.getLong(5)).isEqualTo(b ? 1L : 0L);
    }
    // A group's value does not depend on the other groups: same bits as a WHERE on its own.
    double alone =
        spark
            .sql(
                "SELECT cross_entropy(ld, label_l, sample_weight => w) FROM "
                    + VIEW
                    + " WHERE g = 'a'")
            .first()
            .getDouble(0);
    assertSameBits("group a alone", rows.get(0).getDouble(1), alone);
  }

  @Test
  void perClassBreakdownAndStatsFields() {
    String ce = "ld, label_l, weight => array(1, 2, 0.5, 1), sample_weight => w";
    String kl = "ld, qd, sample_weight => w";
    String bce = "pd, td, reduction => 'sum'";
    Row r =
        spark
            .sql(
                "SELECT cross_entropy_per_class("
                    + ce
                    + "), cross_entropy_stats("
                    + ce
                    + ", per_class => true), cross_entropy_stats("
                    + ce
                    + "), cross_entropy("
                    + ce
                    + "), kl_div_per_class("
                    + kl
                    + "), kl_div_stats("
                    + kl
                    + "), kl_div_stats("
                    + kl
                    + ", reduction => 'batchmean'), binary_cross_entropy_per_class("
                    + bce
                    + "), binary_cross_entropy_stats("
                    + bce
                    + ") FROM "
                    + VIEW)
            .first();
    assertThat(r.schema().fields()[0].dataType()).isEqualTo(Results.PER_CLASS_TYPE);
    assertThat(r.schema().fields()[1].dataType()).isEqualTo(Results.STATS_TYPE);

    // Class-index targets: class c holds the rows whose target is c.
    List<Row> classes = r.getList(0);
    Row stats = r.getStruct(2);
    // The stats' classes: the same five fields, then std_error, ci_low and ci_high.
    List<Row> statsClasses = r.getStruct(1).<Row>getList(7);
    assertThat(statsClasses).hasSameSizeAs(classes);
    for (int k = 0; k < classes.size(); k++) {
      Row sc = statsClasses.get(k);
      assertThat(sc.length()).isEqualTo(8);
      for (int f = 0; f < 5; f++) {
        assertThat(sc.get(f)).isEqualTo(classes.get(k).get(f));
      }
    }
    assertThat(stats.isNullAt(7)).as("per_class without per_class => true").isTrue();
    assertThat(classes).extracting(c -> c.getInt(0)).containsExactly(0, 1, 2, 3);
    assertThat(classes).extracting(c -> c.getLong(4)).containsExactly(2L, 1L, 2L, 1L);
    double[] w = {1, 2, 0.5, 1};
    double lossSum = 0;
    double weightSum = 0;
    for (Row c : classes) {
      int k = c.getInt(0);
      double ls = 0;
      double ws = 0;
      for (int i = 0; i < LOGITS.length; i++) {
        if (LABEL[i] == k) {
          ls += SW[i] * w[k] * -TestMath.logSoftmax(LOGITS[i])[k];
          ws += SW[i] * w[k];
        }
      }
      assertClose("class " + k + " loss_sum", c.getDouble(2), ls);
      assertClose("class " + k + " weight_sum", c.getDouble(3), ws);
      assertSameBits("class " + k + " value", c.getDouble(1), c.getDouble(2) / c.getDouble(3));
      lossSum += c.getDouble(2);
      weightSum += c.getDouble(3);
    }
    assertClose("sum of class loss_sum", lossSum, stats.getDouble(1));
    assertClose("sum of class weight_sum", weightSum, stats.getDouble(2));
    assertThat(stats.getLong(3)).isEqualTo(LOGITS.length);
    assertThat(new long[] {stats.getLong(4), stats.getLong(5), stats.getLong(6)})
        .containsExactly(0, 0, 0);
    assertSameBits("value", stats.getDouble(0), stats.getDouble(1) / stats.getDouble(2));
    assertSameBits("cross_entropy() and _stats value", r.getDouble(3), stats.getDouble(0));

    // Element-wise losses: class c is element column c; every class sees every row.
    List<Row> klClasses = r.getList(4);
    Row klStats = r.getStruct(5);
    Row klBatch = r.getStruct(6);
    double klLossSum = 0;
    for (Row c : klClasses) {
      int k = c.getInt(0);
      double ls = 0;
      for (int i = 0; i < LOGITS.length; i++) {
        ls += SW[i] * refKl(LOGITS[i][k], PROBS[i][k]);
      }
      assertClose("kl class " + k + " loss_sum", c.getDouble(2), ls);
      assertSameBits("kl class " + k + " weight_sum", c.getDouble(3), klStats.getDouble(2));
      assertThat(c.getLong(4)).isEqualTo(LOGITS.length);
      klLossSum += c.getDouble(2);
    }
    assertThat(klClasses).hasSize(C);
    assertClose("kl sum of class loss_sum", klLossSum, klStats.getDouble(1));
    double swSum = 0;
    for (double s : SW) {
      swSum += s;
    }
    assertSameBits("kl weight_sum", klStats.getDouble(2), swSum);
    // mean divides by every element, batchmean by the rows.
    assertSameBits(
        "kl mean", klStats.getDouble(0), klStats.getDouble(1) / (C * klStats.getDouble(2)));
    assertSameBits(
        "kl batchmean", klBatch.getDouble(0), klBatch.getDouble(1) / klBatch.getDouble(2));

    List<Row> bceClasses = r.getList(7);
    Row bceStats = r.getStruct(8);
    double bceSum = 0;
    for (Row c : bceClasses) {
      assertSameBits("sum reduction: class value is its loss_sum", c.getDouble(1), c.getDouble(2));
      bceSum += c.getDouble(1);
    }
    assertClose("bce sum of classes", bceSum, bceStats.getDouble(0));
    assertSameBits("bce sum: value is loss_sum", bceStats.getDouble(0), bceStats.getDouble(1));
  }

  // ---- helpers ----

  /** Runs every pair in one query and asserts each pair bit-identical; returns the row. */
  private static Row assertPairsBitIdentical(String[][] pairs) {
    StringBuilder q = new StringBuilder("SELECT ");
    for (String[] p : pairs) {
      q.append(p[0]).append(", ").append(p[1]).append(", ");
    }
    q.setLength(q.length() - 2);
    Row r = spark.sql(q.append(" FROM ").append(VIEW).toString()).first();
    for (int i = 0; i < pairs.length; i++) {
      Object a = r.get(2 * i);
      Object b = r.get(2 * i + 1);
      String what = pairs[i][0] + " vs " + pairs[i][1];
      if (a instanceof Row) {
        Row sa = (Row) a;
        Row sb = (Row) b;
        assertThat(sa).as(what).isEqualTo(sb);
        for (String field : new String[] {"value", "loss_sum", "weight_sum"}) {
          assertSameBits(what + " " + field, sa.<Double>getAs(field), sb.<Double>getAs(field));
        }
        assertThat(sa.<Double>getAs("value")).as(what).isFinite();
      } else {
        assertSameBits(what, (Double) a, (Double) b);
        assertThat((Double) a).as(what).isFinite();
      }
    }
    return r;
  }

  private static void assertSameBits(String what, double actual, double expected) {
    assertThat(Double.doubleToLongBits(actual))
        .as("%s: %s vs %s", what, actual, expected)
        .isEqualTo(Double.doubleToLongBits(expected));
  }

  private static void assertClose(String what, double actual, double expected) {
    assertThat(actual).as(what).isCloseTo(expected, within(REF_REL_TOL * Math.abs(expected)));
  }

  /** Weighted loss and weight sums of group g, leaving out rows with label {@code skipLabel}. */
  private static double[] refWeightedMean(String g, int skipLabel) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < LOGITS.length; i++) {
      if (GROUP[i].equals(g) && LABEL[i] != skipLabel) {
        num += SW[i] * -TestMath.logSoftmax(LOGITS[i])[LABEL[i]];
        den += SW[i];
      }
    }
    return new double[] {num, den};
  }

  private static double refProbabilityLoss(double[] x, double[] q) {
    double[] logp = TestMath.logSoftmax(x);
    double l = 0;
    for (int c = 0; c < x.length; c++) {
      l -= q[c] * logp[c];
    }
    return l;
  }

  private static double refBce(double p, double t) {
    return -(t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log(1 - p), -100));
  }

  private static double refBceWithLogits(double x, double t, double posWeight) {
    double sigmoid = 1 / (1 + Math.exp(-x));
    return -(posWeight * t * Math.log(sigmoid) + (1 - t) * Math.log(1 - sigmoid));
  }

  private static double refKl(double logInput, double t) {
    return t == 0 ? 0 : t * (Math.log(t) - logInput);
  }

  private static List<Double> doubles(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(d);
    }
    return out;
  }

  private static List<Float> floats(double[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (double d : v) {
      float f = (float) d;
      assertThat((double) f).as("float-representable").isEqualTo(d);
      out.add(f);
    }
    return out;
  }

  private static Vector sparse(double[] v) {
    int nnz = 0;
    for (double d : v) {
      nnz += d != 0 ? 1 : 0;
    }
    int[] indices = new int[nnz];
    double[] values = new double[nnz];
    int j = 0;
    for (int i = 0; i < v.length; i++) {
      if (v[i] != 0) {
        indices[j] = i;
        values[j++] = v[i];
      }
    }
    return Vectors.sparse(v.length, indices, values);
  }
}
