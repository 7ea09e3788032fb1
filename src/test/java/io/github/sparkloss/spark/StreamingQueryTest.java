package io.github.sparkloss.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.tools.SyntheticLogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming form the README and the Zeppelin note show: a Structured Streaming query over a
 * file source with {@code groupBy(window(ts, ...), model)} and the loss functions, restarted from
 * its checkpoint as files arrive. In update mode the last row of each group equals the batch query
 * over the same files, bit for bit; in append mode with a watermark, each window is emitted once,
 * when final, with the batch query's values.
 */
class StreamingQueryTest extends SparkTestBase {
  static final int FILE_ROWS = 150;

  @TempDir static Path data;

  static StructType schema;
  static Dataset<Row> logs;

  @BeforeAll
  static void writeLogs() {
    // Ten minutes apart: each file of 150 rows covers 25 hours.
    logs =
        SyntheticLogs.generate(spark, 4L * FILE_ROWS, 4, 9L, 2)
            .withColumn(
                "ts",
                functions.timestamp_seconds(
                    functions.col("id").multiply(600).plus(functions.lit(1_793_491_200L))));
    schema = logs.schema();
    for (int i = 0; i < 4; i++) {
      logs.filter(
              functions
                  .col("id")
                  .geq(i * FILE_ROWS)
                  .and(functions.col("id").lt((i + 1) * FILE_ROWS)))
          .coalesce(1)
          .write()
          .parquet(data.resolve("file-" + i).toString());
    }
  }

  static final String[] LOSSES = {
    "cross_entropy(logits, label) as ce",
    "cross_entropy_stats(logits64, label, per_class => true) as ce_stats",
    "kl_div(log_probs, soft_target, reduction => 'batchmean') as kl"
  };

  static Column[] losses() {
    Column[] c = new Column[LOSSES.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = functions.expr(LOSSES[i]);
    }
    return c;
  }

  /** The batch query over files {@code 0..n-1}, keyed by window start and model. */
  static Map<List<Object>, Row> batch(int n) {
    Dataset<Row> df = spark.read().schema(schema).parquet(paths(n));
    Map<List<Object>, Row> out = new HashMap<>();
    for (Row r :
        df.groupBy(functions.window(functions.col("ts"), "6 hours"), functions.col("model"))
            .agg(losses()[0], losses()[1], losses()[2])
            .collectAsList()) {
      out.put(key(r), r);
    }
    return out;
  }

  static String[] paths(int n) {
    String[] p = new String[n];
    for (int i = 0; i < n; i++) {
      p[i] = data.resolve("file-" + i).toString();
    }
    return p;
  }

  static List<Object> key(Row r) {
    return List.of(r.getStruct(0).get(0), r.getString(1));
  }

  /** Runs the streaming query over what {@code in} holds now, from {@code checkpoint}. */
  static List<Row> runOnce(Path in, Path checkpoint, String mode, boolean watermark)
      throws TimeoutException, StreamingQueryException {
    Dataset<Row> stream = spark.readStream().schema(schema).parquet(in.toString() + "/*");
    if (watermark) {
      stream = stream.withWatermark("ts", "12 hours");
    }
    List<Row> emitted = new ArrayList<>();
    VoidFunction2<Dataset<Row>, Long> collect =
        (batch, id) -> emitted.addAll(batch.collectAsList());
    StreamingQuery q =
        stream
            .groupBy(functions.window(functions.col("ts"), "6 hours"), functions.col("model"))
            .agg(losses()[0], losses()[1], losses()[2])
            .writeStream()
            .outputMode(mode)
            .option("checkpointLocation", checkpoint.toString())
            .trigger(Trigger.AvailableNow())
            .foreachBatch(collect)
            .start();
    q.awaitTermination();
    return emitted;
  }

  static void copyFile(int i, Path in) throws java.io.IOException {
    Path target = in.resolve("file-" + i);
    java.nio.file.Files.createDirectories(target);
    try (var s = java.nio.file.Files.list(data.resolve("file-" + i))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        java.nio.file.Files.copy(p, target.resolve(p.getFileName()));
      }
    }
  }

  @Test
  void updateModeRestartedAsFilesArriveEqualsTheBatchQuery(@TempDir Path work) throws Exception {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    Map<List<Object>, Row> latest = new HashMap<>();
    for (int[] files : new int[][] {{0, 1}, {2}, {3}}) {
      for (int f : files) {
        copyFile(f, in);
      }
      for (Row r : runOnce(in, cp, "update", false)) {
        latest.put(key(r), r);
      }
    }
    Map<List<Object>, Row> expected = batch(4);
    assertThat(latest.keySet()).isEqualTo(expected.keySet());
    for (Map.Entry<List<Object>, Row> e : expected.entrySet()) {
      assertThat(latest.get(e.getKey())).as(e.getKey().toString()).isEqualTo(e.getValue());
    }
  }

  @Test
  void appendModeWithAWatermarkEmitsEachWindowOnceWhenFinal(@TempDir Path work) throws Exception {
    Path in = work.resolve("in");
    Path cp = work.resolve("cp");
    List<Row> emitted = new ArrayList<>();
    for (int f = 0; f < 4; f++) {
      copyFile(f, in);
      emitted.addAll(runOnce(in, cp, "append", true));
    }
    Map<List<Object>, Row> expected = batch(4);
    List<List<Object>> keys = emitted.stream().map(StreamingQueryTest::key).toList();
    assertThat(keys).doesNotHaveDuplicates();
    // The windows of the first three files are final once the fourth has arrived.
    assertThat(emitted).hasSizeGreaterThan(expected.size() / 2);
    for (Row r : emitted) {
      assertThat(r).as(key(r).toString()).isEqualTo(expected.get(key(r)));
    }
  }
}
