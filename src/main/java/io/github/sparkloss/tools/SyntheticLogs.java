package io.github.sparkloss.tools;

import io.github.sparkloss.job.JobException;
import io.github.sparkloss.job.LossEvalJob;
import io.github.sparkloss.job.PathGuard;
import io.github.sparkloss.kernel.CrossEntropy;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a synthetic prediction log as Parquet: N rows of C classes with float and double logits,
 * class labels (about 5% set to ignore_index -100), probabilities, log-probabilities, multi-label
 * and soft targets, sample weights, scalar binary columns and group keys. Every row is a function
 * of (seed, id) alone, so the data does not depend on the partitioning.
 *
 * <pre>
 * scripts/gen-data --rows 100000 --classes 10 --out data/preds.parquet
 * </pre>
 */
@Command(
    name = "gen-data",
    mixinStandardHelpOptions = true,
    description = "Writes a synthetic prediction log as Parquet.")
public final class SyntheticLogs implements Callable<Integer> {
  /** Label of a row the model was not asked about. */
  public static final int IGNORE_INDEX = -100;

  static final String[] MODELS = {"v1", "v2", "v3"};
  static final String[] DAYS = {"2026-11-24", "2026-11-25", "2026-11-26"};

  @Option(names = "--rows", defaultValue = "100000", description = "number of rows")
  long rows;

  @Option(names = "--classes", defaultValue = "10", description = "number of classes C")
  int classes;

  @Option(names = "--out", required = true, description = "output path (Parquet)")
  String out;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--partitions", defaultValue = "0", description = "0: Spark's default")
  int partitions;

  @Option(names = "--overwrite", description = "replace a log an earlier run wrote")
  boolean overwrite;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SyntheticLogs()).execute(args));
  }

  @Override
  public Integer call() {
    boolean existing = SparkSession.getActiveSession().isDefined();
    SparkSession spark =
        existing
            ? SparkSession.active()
            : SparkSession.builder()
                .appName("sparkloss gen-data")
                .master(
                    new org.apache.spark.SparkConf().contains("spark.master")
                        ? new org.apache.spark.SparkConf().get("spark.master")
                        : "local[*]")
                .getOrCreate();
    try {
      if (overwrite) {
        try {
          new PathGuard(spark.sparkContext().hadoopConfiguration(), "gen-data")
              .checkReplaceableRows("--out", out);
        } catch (JobException | java.io.IOException e) {
          System.err.println("gen-data: " + e.getMessage());
          return LossEvalJob.EXIT_PROBLEM;
        }
      }
      generate(spark, rows, classes, seed, partitions)
          .write()
          .mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
          .parquet(out);
      System.out.println("wrote " + rows + " rows x " + classes + " classes to " + out);
      return 0;
    } finally {
      if (!existing) {
        spark.stop();
      }
    }
  }

  /** The schema of the log for {@code c} classes. */
  public static StructType schema() {
    return new StructType()
        .add("id", DataTypes.LongType, false)
        .add("model", DataTypes.StringType, false)
        .add("day", DataTypes.StringType, false)
        .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("logits64", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("label", DataTypes.IntegerType, false)
        .add("probs", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("log_probs", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("soft_target", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("multi_label", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("sample_weight", DataTypes.DoubleType, false)
        .add("binary_logit", DataTypes.DoubleType, false)
        .add("binary_prob", DataTypes.DoubleType, false)
        .add("binary_label", DataTypes.IntegerType, false);
  }

  /** The log as a DataFrame of {@code n} rows. */
  public static Dataset<Row> generate(
      SparkSession spark, long n, int c, long seed, int partitions) {
    if (c < 2) {
      throw new IllegalArgumentException("--classes must be >= 2: " + c);
    }
    int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    MapPartitionsFunction<Long, Row> rowsOf =
        ids -> {
          Iterator<Long> it = ids;
          return new Iterator<Row>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Row next() {
              return row(it.next(), c, seed);
            }
          };
        };
    return spark.range(0, n, 1, p).mapPartitions(rowsOf, Encoders.row(schema()));
  }

  static Row row(long id, int c, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed ^ (id * 0x9E3779B97F4A7C15L));
    int model = (int) Math.floorMod(id * 31 + 7, MODELS.length);
    int label = rnd.nextInt(c);
    double sharpness = 1.0 + model;
    float[] logits = new float[c];
    double[] logits64 = new double[c];
    for (int k = 0; k < c; k++) {
      double x = rnd.nextDouble() * 4 - 2 + (k == label ? sharpness : 0.0);
      logits64[k] = x;
      logits[k] = (float) x;
    }
    double max = CrossEntropy.max(logits64, c);
    double lse = CrossEntropy.logSumExpShifted(logits64, c, max);
    double[] probs = new double[c];
    double[] logProbs = new double[c];
    double[] soft = new double[c];
    float[] multi = new float[c];
    double softSum = 0;
    for (int k = 0; k < c; k++) {
      soft[k] = rnd.nextDouble() + (k == label ? c : 0.0);
      softSum += soft[k];
    }
    for (int k = 0; k < c; k++) {
      logProbs[k] = (logits64[k] - max) - lse;
      probs[k] = Math.exp(logProbs[k]);
      soft[k] /= softSum;
      multi[k] = k == label || rnd.nextDouble() < 0.1 ? 1.0f : 0.0f;
    }
    int storedLabel = rnd.nextDouble() < 0.05 ? IGNORE_INDEX : label;
    double sampleWeight = 0.5 + rnd.nextDouble() * 1.5;
    int binaryLabel = rnd.nextDouble() < 0.3 ? 1 : 0;
    double binaryLogit = rnd.nextDouble() * 6 - 3 + (binaryLabel == 1 ? 1.5 : -1.5);
    double binaryProb = 1.0 / (1.0 + Math.exp(-binaryLogit));
    return RowFactory.create(
        id,
        MODELS[model],
        DAYS[(int) Math.floorMod(id, DAYS.length)],
        logits,
        logits64,
        storedLabel,
        probs,
        logProbs,
        soft,
        multi,
        sampleWeight,
        binaryLogit,
        binaryProb,
        binaryLabel);
  }
}
