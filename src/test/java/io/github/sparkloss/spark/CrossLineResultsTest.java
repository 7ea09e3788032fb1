package io.github.sparkloss.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Results that must be the same bits on every Spark line: every loss, with its options, per group,
 * per class and per row, over a log drawn here from a seeded {@link Random} (not from Spark's own
 * random functions, which a Spark line may change). The test writes them, every double printed
 * exactly, to {@code cross-line-results.txt} in the build directory; {@code .ci/run} builds each
 * line in a directory of its own and requires the files of all lines to be identical.
 */
class CrossLineResultsTest extends SparkTestBase {
  static final int ROWS = 3000;
  static final int CLASSES = 5;

  static final String[] CALLS = {
    "cross_entropy_stats(logits, label, per_class => true)",
    "cross_entropy_stats(logits32, label, weight => array(1D, 2D, 0.5D, 1D, 3D), ignore_index => 0,"
        + " label_smoothing => 0.1, sample_weight => w)",
    "cross_entropy_stats(logits, probs, reduction => 'sum')",
    "nll_loss_stats(log_probs, label, per_class => true)",
    "binary_cross_entropy_stats(probs, multi, sample_weight => w, per_class => true)",
    "binary_cross_entropy_with_logits_stats(logits32, multi, pos_weight => array(1D, 2D, 3D, 4D,"
        + " 5D))",
    "kl_div_stats(log_probs, probs, reduction => 'batchmean')",
    "kl_div_stats(log_probs, log_probs, log_target => true, reduction => 'sum')",
    "sum(cross_entropy(logits, label, reduction => 'none'))"
  };

  @BeforeAll
  static void writeLog() {
    Random r = new Random(20261130L);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double[] logits = new double[CLASSES];
      float[] logits32 = new float[CLASSES];
      double[] probs = new double[CLASSES];
      double[] logProbs = new double[CLASSES];
      double[] multi = new double[CLASSES];
      double sum = 0;
      for (int k = 0; k < CLASSES; k++) {
        logits[k] = r.nextGaussian() * 3;
        logits32[k] = (float) (r.nextGaussian() * 3);
        probs[k] = Math.exp(logits[k]);
        sum += probs[k];
        multi[k] = r.nextBoolean() ? 1.0 : 0.0;
      }
      for (int k = 0; k < CLASSES; k++) {
        probs[k] /= sum;
        logProbs[k] = Math.log(probs[k]);
      }
      rows.add(
          RowFactory.create(
              "g" + r.nextInt(4),
              box(logits),
              box(logits32),
              r.nextInt(CLASSES),
              box(probs),
              box(logProbs),
              box(multi),
              0.5 + r.nextDouble()));
    }
    StructType schema =
        new StructType()
            .add("g", DataTypes.StringType)
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("logits32", DataTypes.createArrayType(DataTypes.FloatType))
            .add("label", DataTypes.IntegerType)
            .add("probs", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("log_probs", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("multi", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("w", DataTypes.DoubleType);
    spark.createDataFrame(rows, schema).repartition(7).createOrReplaceTempView("cross_line");
  }

  private static Double[] box(double[] a) {
    Double[] out = new Double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  private static Float[] box(float[] a) {
    Float[] out = new Float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  /**
   * A value as text that is the same for both Scala versions (whose sequences print differently),
   * every double with {@link Double#toString}, which round-trips exactly.
   */
  static void format(Object v, StringBuilder out) {
    if (v instanceof Row r) {
      format(io.github.sparkloss.shim.ScalaShim.asJava(r.toSeq()), out);
    } else if (v instanceof scala.collection.Seq<?> s) {
      format(io.github.sparkloss.shim.ScalaShim.asJava(s), out);
    } else if (v instanceof List<?> l) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        out.append(i == 0 ? "" : ",");
        format(l.get(i), out);
      }
      out.append(']');
    } else {
      out.append(v);
    }
  }

  @Test
  void writesEveryLossPerGroupForTheOtherLinesToCompare() throws IOException {
    StringBuilder out = new StringBuilder();
    for (String call : CALLS) {
      List<Row> result =
          spark.sql("SELECT g, " + call + " FROM cross_line GROUP BY g ORDER BY g").collectAsList();
      assertThat(result).as(call).hasSize(4);
      out.append(call).append('\t');
      format(result, out);
      out.append('\n');
    }
    assertThat(out.toString()).doesNotContain("NaN");
    Path file =
        Path.of(System.getProperty("sparkloss.buildDir", "target"), "cross-line-results.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out.toString());
    assertThat(Files.readAllLines(file)).hasSize(CALLS.length);
  }
}
