package io.github.sparkloss.connect;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a Spark Connect user runs against a server with sparkloss installed: SQL with options, the
 * DataFrame API through {@code call_function} and {@code expr}, a fused query, the per-class and
 * stats forms, per-row losses, and a bad option. {@link #queries} is also run by {@code
 * SparkConnectIT} in a classic session, which compares the two outputs.
 *
 * <p>Run alone in a JVM whose classpath holds the Spark Connect JVM client and no Spark engine:
 * {@code java ConnectClient sc://127.0.0.1:PORT} prints one line per query: its name, a tab, and
 * its rows (or {@code ERROR} and the message's first line).
 */
public final class ConnectClient {
  private ConnectClient() {}

  /** The test data: a temporary view {@code t} of five rows, two models, three classes. */
  static final String VIEW =
      "CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM VALUES"
          + " (1, 'v1', array(0.5D, -1.0D, 2.0D), 2, array(0.2D, 0.3D, 0.5D), 0.75D, 1.0D),"
          + " (2, 'v1', array(1.5D, 0.25D, -0.5D), 0, array(0.6D, 0.3D, 0.1D), -1.5D, 0.0D),"
          + " (3, 'v1', array(0.0D, 3.0D, 1.0D), 1, array(0.1D, 0.8D, 0.1D), 2.25D, 1.0D),"
          + " (4, 'v2', array(-2.0D, 0.5D, 0.125D), 1, array(0.3D, 0.4D, 0.3D), 0.5D, 0.0D),"
          + " (5, 'v2', array(4.0D, -3.0D, 0.75D), 2, array(0.5D, 0.25D, 0.25D), -0.25D, 1.0D)"
          + " AS t(id, model, logits, label, soft, z, y)";

  /** Each query, by name, as a function of the session. */
  static Map<String, Function<SparkSession, Dataset<Row>>> queries() {
    Map<String, Function<SparkSession, Dataset<Row>>> q = new LinkedHashMap<>();
    q.put(
        "sql_with_options",
        s ->
            s.sql(
                "SELECT model, cross_entropy(logits, label, label_smoothing => 0.1,"
                    + " weight => array(1D, 2D, 0.5D)) AS ce FROM t GROUP BY model ORDER BY model"));
    q.put(
        "fused",
        s ->
            s.sql(
                "SELECT model, cross_entropy(logits, label) AS ce,"
                    + " nll_loss(transform(soft, x -> ln(x)), label) AS nll,"
                    + " kl_div(transform(soft, x -> ln(x)), array(0.25D, 0.5D, 0.25D),"
                    + " reduction => 'batchmean') AS kl,"
                    + " binary_cross_entropy_with_logits(z, y, pos_weight => array(2D)) AS bce"
                    + " FROM t GROUP BY model ORDER BY model"));
    q.put(
        "per_class_and_stats",
        s ->
            s.sql(
                "SELECT cross_entropy_per_class(logits, label) AS pc,"
                    + " cross_entropy_stats(logits, label, per_class => true) AS st FROM t"));
    q.put(
        "per_row",
        s ->
            s.sql(
                "SELECT id, cross_entropy(logits, label, reduction => 'none') AS l FROM t"
                    + " ORDER BY id"));
    q.put(
        "dataframe_api",
        s ->
            s.table("t")
                .groupBy("model")
                .agg(
                    call_function("cross_entropy", col("logits"), col("label")).as("ce"),
                    call_function("cross_entropy_stats", col("logits"), col("label")).as("st"),
                    expr("nll_loss(transform(soft, x -> ln(x)), label, ignore_index => 1)")
                        .as("nll"))
                .orderBy("model"));
    q.put(
        "bad_option",
        s -> s.sql("SELECT cross_entropy(logits, label, label_smoothing => 2.0) FROM t"));
    return q;
  }

  /** One line per query: its name, a tab, and its rows or its error. */
  static String run(SparkSession spark) {
    spark.sql(VIEW);
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Function<SparkSession, Dataset<Row>>> e : queries().entrySet()) {
      out.append(e.getKey()).append('\t');
      try {
        List<Row> rows = e.getValue().apply(spark).collectAsList();
        out.append(rows);
      } catch (RuntimeException ex) {
        String m = String.valueOf(ex.getMessage());
        int nl = m.indexOf('\n');
        out.append("ERROR ").append(nl < 0 ? m : m.substring(0, nl));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Connects to {@code args[0]} ({@code sc://host:port}) and prints {@link #run}. */
  public static void main(String[] args) throws Exception {
    // The Connect client's session class, found at run time: the tests are compiled against the
    // classic engine, which does not have it.
    Object builder =
        Class.forName("org.apache.spark.sql.connect.SparkSession")
            .getMethod("builder")
            .invoke(null);
    builder = builder.getClass().getMethod("remote", String.class).invoke(builder, args[0]);
    SparkSession spark = (SparkSession) builder.getClass().getMethod("getOrCreate").invoke(builder);
    try {
      System.out.print(run(spark));
      System.out.flush();
    } finally {
      spark.close();
    }
  }
}
