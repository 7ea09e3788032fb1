package io.github.sparkloss.job;

import static io.github.sparkloss.job.JobHarness.fieldNames;
import static io.github.sparkloss.job.JobHarness.listing;
import static io.github.sparkloss.job.JobHarness.number;
import static io.github.sparkloss.job.JobHarness.q;
import static io.github.sparkloss.job.JobHarness.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.tools.SyntheticLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch job end to end, through {@link LossEvalJob#run} in the class's shared session: the
 * report's shape and values (checked bit for bit against the same losses through Spark SQL, whose
 * sums are exact), group_by, per_class, per-row output, fail/skip and the row counters, every input
 * format, every error path with its one stderr line and an output directory left as it was, and the
 * single aggregation.
 */
class LossEvalJobTest extends SparkTestBase {
  static final int ROWS = 300;
  static final int CLASSES = 5;

  /** Inputs and config files; outputs go to the per-test {@link #out}. */
  @TempDir static Path data;

  static Path logs;

  /** The columns of {@link SyntheticLogs#schema()}, as the missing-column message lists them. */
  static final String LOG_COLUMNS =
      "id, model, day, logits, logits64, label, probs, log_probs, soft_target, multi_label,"
          + " sample_weight, binary_logit, binary_prob, binary_label";

  @TempDir Path out;

  private static final AtomicInteger CONFIGS = new AtomicInteger();

  @BeforeAll
  static void writeLogs() {
    logs = data.resolve("logs.parquet");
    SyntheticLogs.generate(spark, ROWS, CLASSES, 11L, 3).write().parquet(logs.toString());
    spark.read().parquet(logs.toString()).createOrReplaceTempView("logs");
  }

  // ---- helpers ----

  /** Runs the job on {@code config} (written to a fresh file under {@link #data}). */
  static JobHarness.Result run(String config, String... extra) {
    return JobHarness.runConfig(
        data.resolve("conf"), "c" + CONFIGS.incrementAndGet() + ".conf", config, extra);
  }

  static String input(Path path) {
    return "input.path = " + q(path) + "\n";
  }

  Path report() {
    return out.resolve("report.json");
  }

  String reportKey() {
    return "output.report = " + q(report()) + "\n";
  }

  /** One aggregate of {@code sql} over view {@code view}, as a stats struct. */
  static Row sqlStats(String call, String view) {
    return spark.sql("SELECT " + call + " FROM " + view).first().getStruct(0);
  }

  /** The report entry agrees with the SQL stats struct, bit for bit, counters exactly. */
  static void assertSameStats(JsonNode entry, Row stats) {
    String what = entry.get("name").asText() + " " + entry.get("group");
    assertThat(number(entry.get("value")))
        .as(what + " value")
        .isEqualTo(Double.valueOf(stats.getDouble(0)));
    assertThat(number(entry.get("loss_sum")))
        .as(what + " loss_sum")
        .isEqualTo(Double.valueOf(stats.getDouble(1)));
    assertThat(number(entry.get("weight_sum")))
        .as(what + " weight_sum")
        .isEqualTo(Double.valueOf(stats.getDouble(2)));
    assertThat(entry.get("rows").asLong()).as(what + " rows").isEqualTo(stats.getLong(3));
    assertThat(entry.get("ignored_rows").asLong())
        .as(what + " ignored_rows")
        .isEqualTo(stats.getLong(4));
    assertThat(entry.get("null_rows").asLong()).as(what + " null_rows").isEqualTo(stats.getLong(5));
    assertThat(entry.get("bad_rows").asLong()).as(what + " bad_rows").isEqualTo(stats.getLong(6));
    for (String field : List.of("std_error", "ci_low", "ci_high")) {
      assertThat(number(entry.get(field)))
          .as(what + " " + field)
          .isEqualTo(Double.valueOf(stats.getDouble(stats.fieldIndex(field))));
    }
  }

  static void assertSamePerClass(JsonNode perClass, List<Row> expected, String what) {
    assertThat(perClass.isArray()).as(what + " per_class is an array").isTrue();
    assertThat(perClass.size()).as(what + " classes").isEqualTo(expected.size());
    for (int k = 0; k < expected.size(); k++) {
      JsonNode c = perClass.get(k);
      Row e = expected.get(k);
      assertThat(fieldNames(c))
          .containsExactly(
              "class", "value", "std_error", "ci_low", "ci_high", "loss_sum", "weight_sum", "rows");
      assertThat(c.get("class").asInt()).isEqualTo(e.getInt(0));
      assertThat(number(c.get("value")))
          .as(what + " class " + k)
          .isEqualTo(Double.valueOf(e.getDouble(1)));
      assertThat(number(c.get("loss_sum"))).isEqualTo(Double.valueOf(e.getDouble(2)));
      assertThat(number(c.get("weight_sum"))).isEqualTo(Double.valueOf(e.getDouble(3)));
      assertThat(c.get("rows").asLong()).isEqualTo(e.getLong(4));
      for (String field : List.of("std_error", "ci_low", "ci_high")) {
        assertThat(number(c.get(field)))
            .as(what + " class " + k + " " + field)
            .isEqualTo(Double.valueOf(e.getDouble(e.fieldIndex(field))));
      }
    }
  }

  static Path parquet(String name, StructType schema, List<Row> rows) {
    Path p = data.resolve(name);
    spark.createDataFrame(rows, schema).write().parquet(p.toString());
    spark.read().parquet(p.toString()).createOrReplaceTempView(name.replace(".parquet", ""));
    return p;
  }

  static List<Double> v(Double... values) {
    return Arrays.asList(values);
  }

  /** No output of a successful run has a temporary name. */
  void assertNoTemporaries() {
    assertThat(listing(out)).noneMatch(p -> p.contains(".tmp-") || p.contains(".old-"));
  }

  // ---- the report ----

  @Test
  void reportHasTheDocumentedShapeAndTheSqlValues() {
    run(input(logs)
            + "metrics = [\n"
            + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
            + "  { name = nll_sum, loss = nll_loss, input = log_probs, target = label,"
            + " reduction = sum, per_class = true }\n"
            + "]\n"
            + reportKey())
        .succeeded();
    JsonNode r = readJson(report());
    assertThat(fieldNames(r))
        .containsExactly(
            "metrics",
            "comparisons",
            "uncompared",
            "input",
            "spark_version",
            "sparkloss_version",
            "elapsed_seconds");
    assertThat(r.get("comparisons").size()).as("no compare in the config").isZero();
    assertThat(r.get("uncompared").size()).isZero();
    assertThat(r.get("sparkloss_version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(r.get("metrics").size()).isEqualTo(2);
    List<String> fields =
        List.of(
            "name",
            "loss",
            "reduction",
            "group",
            "value",
            "std_error",
            "ci_low",
            "ci_high",
            "confidence",
            "rows",
            "ignored_rows",
            "null_rows",
            "bad_rows",
            "loss_sum",
            "weight_sum");
    JsonNode ce = r.get("metrics").get(0);
    assertThat(fieldNames(ce)).containsExactlyElementsOf(fields);
    assertThat(ce.get("name").asText()).isEqualTo("ce");
    assertThat(ce.get("loss").asText()).isEqualTo("cross_entropy");
    assertThat(ce.get("reduction").asText()).isEqualTo("mean");
    assertThat(ce.get("group").isObject()).isTrue();
    assertThat(ce.get("group").size()).as("no group_by: group is {}").isZero();
    for (String counter : List.of("rows", "ignored_rows", "null_rows", "bad_rows")) {
      assertThat(ce.get(counter).isIntegralNumber()).as(counter).isTrue();
    }
    assertSameStats(ce, sqlStats("cross_entropy_stats(logits, label)", "logs"));
    assertThat(ce.get("ignored_rows").asLong()).as("about 5% of labels are -100").isPositive();

    JsonNode nll = r.get("metrics").get(1);
    List<String> withPerClass = new ArrayList<>(fields);
    withPerClass.add("per_class");
    assertThat(fieldNames(nll)).containsExactlyElementsOf(withPerClass);
    assertThat(nll.get("loss").asText()).isEqualTo("nll_loss");
    assertThat(nll.get("reduction").asText()).isEqualTo("sum");
    assertSameStats(nll, sqlStats("nll_loss_stats(log_probs, label, reduction => 'sum')", "logs"));
    assertSamePerClass(
        nll.get("per_class"),
        sqlStats("nll_loss_stats(log_probs, label, reduction => 'sum', per_class => true)", "logs")
            .getList(7),
        "nll_sum");

    JsonNode in = r.get("input");
    assertThat(fieldNames(in)).containsExactly("path", "format", "rows");
    assertThat(in.get("path").asText()).isEqualTo(logs.toString());
    assertThat(in.get("format").asText()).isEqualTo("parquet");
    assertThat(in.get("rows").asLong()).isEqualTo(ROWS);
    assertThat(r.get("spark_version").asText()).isEqualTo(spark.version());
    assertThat(r.get("elapsed_seconds").isNumber()).isTrue();
    assertThat(r.get("elapsed_seconds").asDouble()).isBetween(0.0, 600.0);
    assertThat(listing(out)).contains("report.json");
    assertNoTemporaries();
  }

  /** Every metric key and option, under on_bad_row = skip, equals the same SQL call. */
  @Test
  void everyMetricOptionReachesItsAggregate() {
    String weight = "[1.0, 2.0, 0.5, 1.0, 3.0]";
    String sqlWeight = "array(1.0D, 2.0D, 0.5D, 1.0D, 3.0D)";
    // {name, config options, the SQL call with the same options}
    String[][] metrics = {
      {
        "ce_all",
        "loss = cross_entropy, input = logits, target = label, weight = "
            + weight
            + ", ignore_index = 0, label_smoothing = 0.1, sample_weight = sample_weight,"
            + " per_class = true",
        "cross_entropy_stats(logits, label, weight => "
            + sqlWeight
            + ", ignore_index => 0, label_smoothing => 0.1D, sample_weight => sample_weight,"
            + " per_class => true"
      },
      {
        "ce_soft",
        "loss = cross_entropy, input = logits64, target = soft_target, label_smoothing = 0.2,"
            + " reduction = sum",
        "cross_entropy_stats(logits64, soft_target, label_smoothing => 0.2D, reduction => 'sum'"
      },
      {
        "nll",
        "loss = nll_loss, input = log_probs, target = label, weight = "
            + weight
            + ", reduction = sum, sample_weight = sample_weight",
        "nll_loss_stats(log_probs, label, weight => "
            + sqlWeight
            + ", reduction => 'sum', sample_weight => sample_weight"
      },
      {
        "bce",
        "loss = binary_cross_entropy, input = probs, target = multi_label, weight = "
            + weight
            + ", sample_weight = sample_weight, per_class = true",
        "binary_cross_entropy_stats(probs, multi_label, weight => "
            + sqlWeight
            + ", sample_weight => sample_weight, per_class => true"
      },
      {
        "bce_scalar",
        "loss = binary_cross_entropy, input = binary_prob, target = binary_label, reduction ="
            + " sum",
        "binary_cross_entropy_stats(binary_prob, binary_label, reduction => 'sum'"
      },
      {
        "bcel",
        "loss = binary_cross_entropy_with_logits, input = logits64, target = multi_label,"
            + " pos_weight = [1, 2, 3, 4, 5], weight = "
            + weight,
        "binary_cross_entropy_with_logits_stats(logits64, multi_label, pos_weight => array(1, 2,"
            + " 3, 4, 5), weight => "
            + sqlWeight
      },
      {
        "bcel_scalar",
        "loss = binary_cross_entropy_with_logits, input = binary_logit, target = binary_label,"
            + " pos_weight = [2.5], sample_weight = sample_weight",
        "binary_cross_entropy_with_logits_stats(binary_logit, binary_label, pos_weight =>"
            + " array(2.5D), sample_weight => sample_weight"
      },
      {
        "kl",
        "loss = kl_div, input = log_probs, target = soft_target, reduction = batchmean,"
            + " sample_weight = sample_weight",
        "kl_div_stats(log_probs, soft_target, reduction => 'batchmean', sample_weight =>"
            + " sample_weight"
      },
      {
        "kl_log",
        "loss = kl_div, input = logits64, target = log_probs, log_target = true, weight = "
            + weight,
        "kl_div_stats(logits64, log_probs, log_target => true, weight => " + sqlWeight
      }
    };
    StringBuilder config =
        new StringBuilder(input(logs)).append("on_bad_row = skip\nmetrics = [\n");
    for (String[] m : metrics) {
      config.append("  { name = ").append(m[0]).append(", ").append(m[1]).append(" }\n");
    }
    run(config.append("]\n").append(reportKey()).toString()).succeeded();
    JsonNode r = readJson(report());
    assertThat(r.get("metrics").size()).isEqualTo(metrics.length);
    // The same calls through SQL, all in one query.
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < metrics.length; i++) {
      sql.append(i == 0 ? "" : ", ").append(metrics[i][2]).append(", on_bad_row => 'skip')");
    }
    Row all = spark.sql(sql.append(" FROM logs").toString()).first();
    for (int i = 0; i < metrics.length; i++) {
      JsonNode e = r.get("metrics").get(i);
      assertThat(e.get("name").asText()).isEqualTo(metrics[i][0]);
      Row expected = all.getStruct(i);
      assertSameStats(e, expected);
      assertThat(e.has("per_class"))
          .as(metrics[i][0])
          .isEqualTo(metrics[i][1].contains("per_class"));
      if (e.has("per_class")) {
        assertSamePerClass(e.get("per_class"), expected.getList(7), metrics[i][0]);
      }
    }
    // ignore_index = 0 made label 0 the ignored class and the -100 labels bad rows (skipped).
    Row counts = spark.sql("SELECT count_if(label = 0), count_if(label = -100) FROM logs").first();
    JsonNode ceAll = r.get("metrics").get(0);
    assertThat(ceAll.get("ignored_rows").asLong()).isEqualTo(counts.getLong(0)).isPositive();
    assertThat(ceAll.get("bad_rows").asLong()).isEqualTo(counts.getLong(1)).isPositive();
    assertThat(ceAll.get("rows").asLong()).isEqualTo(ROWS - counts.getLong(0) - counts.getLong(1));
    assertThat(r.get("metrics").get(7).get("reduction").asText()).isEqualTo("batchmean");
  }

  static Stream<Arguments> groupings() {
    return Stream.of(
        Arguments.of(List.of("model"), 3), Arguments.of(List.of("model", "binary_label"), 6));
  }

  @ParameterizedTest(name = "group_by {0}")
  @MethodSource("groupings")
  void groupByGivesOneEntryPerMetricAndGroupInKeyOrder(List<String> groupBy, int groups) {
    String keys = String.join(", ", groupBy);
    JobHarness.Result result =
        run(input(logs)
                + "group_by = ["
                + keys
                + "]\n"
                + "metrics = [\n"
                + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
                + "  { name = bcel, loss = binary_cross_entropy_with_logits, input ="
                + " binary_logit, target = binary_label, reduction = sum }\n"
                + "]\n"
                + reportKey())
            .succeeded();
    JsonNode r = readJson(report());
    List<Row> expected =
        spark
            .sql(
                "SELECT "
                    + keys
                    + ", cross_entropy_stats(logits, label),"
                    + " binary_cross_entropy_with_logits_stats(binary_logit, binary_label,"
                    + " reduction => 'sum') FROM logs GROUP BY "
                    + keys
                    + " ORDER BY "
                    + keys)
            .collectAsList();
    assertThat(expected).hasSize(groups);
    JsonNode metrics = r.get("metrics");
    assertThat(metrics.size()).isEqualTo(2 * groups);
    String[] names = {"ce", "bcel"};
    for (int m = 0; m < 2; m++) {
      long seen = 0;
      for (int g = 0; g < groups; g++) {
        JsonNode e = metrics.get(m * groups + g);
        Row row = expected.get(g);
        assertThat(e.get("name").asText()).isEqualTo(names[m]);
        JsonNode group = e.get("group");
        assertThat(fieldNames(group)).containsExactlyElementsOf(groupBy);
        assertThat(group.get("model").asText()).isEqualTo(row.getString(0));
        if (groupBy.size() == 2) {
          // An int key stays a JSON number.
          assertThat(group.get("binary_label").isIntegralNumber()).isTrue();
          assertThat(group.get("binary_label").asInt()).isEqualTo(row.getInt(1));
        }
        assertSameStats(e, row.getStruct(groupBy.size() + m));
        seen +=
            e.get("rows").asLong()
                + e.get("ignored_rows").asLong()
                + e.get("null_rows").asLong()
                + e.get("bad_rows").asLong();
      }
      assertThat(seen).as("every row counted once for " + names[m]).isEqualTo(ROWS);
    }
    assertThat(r.get("input").get("rows").asLong()).isEqualTo(ROWS);

    // The table: a header, a rule, one line per metric and group, groups as key=value pairs.
    List<String> lines = result.outLines();
    assertThat(lines).hasSize(2 + 2 * groups);
    assertThat(lines.get(0).split(" {2,}"))
        .containsExactly("metric", "group", "value", "rows", "ignored", "null", "bad");
    assertThat(lines.get(1)).matches("-+( {2}-+){6}");
    String firstGroup =
        groupBy.size() == 1
            ? "model=" + expected.get(0).getString(0)
            : "model="
                + expected.get(0).getString(0)
                + ", binary_label="
                + expected.get(0).getInt(1);
    assertThat(lines.get(2)).startsWith("ce  ").contains("  " + firstGroup + " ");
  }

  /** Null group keys, and NaN and infinite values, which the report writes as strings. */
  @Test
  void nullGroupKeysAndNonFiniteValues() {
    StructType schema =
        new StructType()
            .add("g", DataTypes.StringType, true)
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("y", DataTypes.LongType, false)
            .add("t", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    double inf = Double.POSITIVE_INFINITY;
    List<Double> half = v(0.5, 0.5);
    List<Row> rows =
        List.of(
            RowFactory.create(null, v(0.0, 1.0), 1L, half),
            RowFactory.create(null, v(2.0, -1.0), 0L, half),
            RowFactory.create("all_ignored", v(1.0, 2.0), -100L, half),
            RowFactory.create("all_ignored", v(3.0, 4.0), -100L, half),
            RowFactory.create("inf", v(-inf, 0.0), 0L, half),
            RowFactory.create("inf", v(0.0, 1.0), 1L, half),
            RowFactory.create("nan", v(Double.NaN, 0.0), 1L, half),
            RowFactory.create("neg", v(inf, 0.0), 1L, half));
    Path in = parquet("nonfinite.parquet", schema, rows);
    run(input(in)
            + "group_by = [g]\n"
            + "metrics = [\n"
            + "  { name = ce, loss = cross_entropy, input = x, target = y }\n"
            + "  { name = ce_sum, loss = cross_entropy, input = x, target = y, reduction = sum }\n"
            + "  { name = kl, loss = kl_div, input = x, target = t, reduction = sum }\n"
            + "]\n"
            + reportKey())
        .succeeded();
    JsonNode metrics = readJson(report()).get("metrics");
    assertThat(metrics.size()).isEqualTo(15);
    // group keys ascending, null first
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      JsonNode g = metrics.get(i).get("group").get("g");
      groups.add(g.isNull() ? null : g.asText());
    }
    assertThat(groups).containsExactly(null, "all_ignored", "inf", "nan", "neg");
    assertThat(metrics.get(0).get("group").get("g").isNull()).isTrue();
    String[] expectedCe = {null, "NaN", "Infinity", "NaN", "NaN"};
    String[] expectedCeSum = {null, null, "Infinity", "NaN", "NaN"};
    String[] expectedKl = {null, null, "Infinity", "NaN", "-Infinity"};
    String[][] expected = {expectedCe, expectedCeSum, expectedKl};
    String[] calls = {
      "cross_entropy_stats(x, y)",
      "cross_entropy_stats(x, y, reduction => 'sum')",
      "kl_div_stats(x, t, reduction => 'sum')"
    };
    List<Row> sql =
        spark
            .sql(
                "SELECT g, "
                    + String.join(", ", calls)
                    + " FROM nonfinite GROUP BY g ORDER BY g NULLS FIRST")
            .collectAsList();
    for (int m = 0; m < 3; m++) {
      for (int g = 0; g < 5; g++) {
        JsonNode e = metrics.get(m * 5 + g);
        JsonNode value = e.get("value");
        if (expected[m][g] == null) {
          assertThat(value.isNumber()).as(e.toString()).isTrue();
        } else {
          assertThat(value.isTextual()).as(e.toString()).isTrue();
          assertThat(value.asText()).as(e.toString()).isEqualTo(expected[m][g]);
        }
        assertThat(sql.get(g).getString(0)).isEqualTo(groups.get(g));
        assertSameStats(e, sql.get(g).getStruct(1 + m));
      }
    }
    // A mean over nothing is NaN; a sum over nothing is 0.
    JsonNode allIgnoredSum = metrics.get(5 + 1);
    assertThat(allIgnoredSum.get("value").asDouble()).isZero();
    assertThat(allIgnoredSum.get("rows").asLong()).isZero();
    assertThat(allIgnoredSum.get("ignored_rows").asLong()).isEqualTo(2);
  }

  @Test
  void perClassIsReportedOnlyWhereAsked() {
    run(input(logs)
            + "group_by = [model]\n"
            + "metrics = [\n"
            + "  { name = ce_pc, loss = cross_entropy, input = logits64, target = label, weight ="
            + " [1, 2, 1, 0.5, 1], per_class = true }\n"
            + "  { name = nll, loss = nll_loss, input = log_probs, target = label }\n"
            + "  { name = kl_pc, loss = kl_div, input = log_probs, target = soft_target, per_class"
            + " = true, reduction = batchmean }\n"
            + "  { name = bcel_pc, loss = binary_cross_entropy_with_logits, input = binary_logit,"
            + " target = binary_label, per_class = true }\n"
            + "]\n"
            + reportKey())
        .succeeded();
    JsonNode metrics = readJson(report()).get("metrics");
    assertThat(metrics.size()).isEqualTo(12);
    List<Row> expected =
        spark
            .sql(
                "SELECT model, cross_entropy_stats(logits64, label, weight => array(1, 2, 1,"
                    + " 0.5, 1), per_class => true).per_class, kl_div_stats(log_probs,"
                    + " soft_target, reduction => 'batchmean', per_class => true).per_class,"
                    + " binary_cross_entropy_with_logits_stats(binary_logit, binary_label,"
                    + " per_class => true).per_class FROM logs GROUP BY model ORDER BY model")
            .collectAsList();
    for (int g = 0; g < 3; g++) {
      assertSamePerClass(metrics.get(g).get("per_class"), expected.get(g).getList(1), "ce_pc");
      assertThat(metrics.get(g).get("per_class").size()).isEqualTo(CLASSES);
      assertThat(metrics.get(3 + g).has("per_class")).as("nll did not ask").isFalse();
      assertSamePerClass(metrics.get(6 + g).get("per_class"), expected.get(g).getList(2), "kl_pc");
      assertSamePerClass(
          metrics.get(9 + g).get("per_class"), expected.get(g).getList(3), "bcel_pc");
      assertThat(metrics.get(9 + g).get("per_class").size()).as("a scalar column: C = 1").isOne();
    }
  }

  // ---- per-row output ----

  @Test
  void perRowLossesAreWrittenBesideTheKeptColumns() {
    Path rows = out.resolve("rows.parquet");
    run(input(logs)
            + "metrics = [\n"
            + "  { name = ce_row, loss = cross_entropy, input = logits, target = label, weight ="
            + " [1, 2, 1, 0.5, 1], sample_weight = sample_weight, reduction = none }\n"
            + "  { name = nll_sum, loss = nll_loss, input = log_probs, target = label, reduction"
            + " = sum }\n"
            + "  { name = bce_row, loss = binary_cross_entropy, input = probs, target ="
            + " multi_label, reduction = none }\n"
            + "]\n"
            + "output {\n"
            + "  report = "
            + q(report())
            + "\n"
            + "  rows { path = "
            + q(rows)
            + ", format = parquet, keep = [id, model, label] }\n"
            + "}\n")
        .succeeded();
    // The report holds the aggregate only.
    JsonNode metrics = readJson(report()).get("metrics");
    assertThat(metrics.size()).isOne();
    assertThat(metrics.get(0).get("name").asText()).isEqualTo("nll_sum");

    List<Row> written = spark.read().parquet(rows.toString()).collectAsList();
    assertThat(spark.read().parquet(rows.toString()).columns())
        .containsExactly("id", "model", "label", "ce_row", "bce_row");
    assertThat(
            ((ArrayType) spark.read().parquet(rows.toString()).schema().apply("bce_row").dataType())
                .elementType())
        .isEqualTo(DataTypes.DoubleType);
    Map<Long, Row> expected = new HashMap<>();
    for (Row e :
        spark
            .sql(
                "SELECT id, model, label, cross_entropy(logits, label, weight => array(1, 2, 1,"
                    + " 0.5, 1), sample_weight => sample_weight, reduction => 'none'),"
                    + " binary_cross_entropy(probs, multi_label, reduction => 'none') FROM logs")
            .collectAsList()) {
      expected.put(e.getLong(0), e);
    }
    assertThat(written).hasSize(ROWS);
    Set<Long> ids = new HashSet<>();
    int ignored = 0;
    for (Row w : written) {
      Row e = expected.get(w.getLong(0));
      assertThat(ids.add(w.getLong(0))).isTrue();
      assertThat(w.getString(1)).isEqualTo(e.getString(1));
      assertThat(w.getInt(2)).isEqualTo(e.getInt(2));
      assertThat(w.getDouble(3))
          .as("ce_row of id " + w.getLong(0))
          .isEqualTo(Double.valueOf(e.getDouble(3)));
      assertThat(w.<Double>getList(4)).isEqualTo(e.<Double>getList(4)).hasSize(CLASSES);
      if (w.getInt(2) == -100) {
        assertThat(w.getDouble(3)).as("an ignored row's loss is 0").isZero();
        ignored++;
      }
    }
    assertThat(ignored).isPositive();
    assertNoTemporaries();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "csv", "orc"})
  void perRowOutputInEveryFormat(String format) {
    Path rows = out.resolve("rows." + format);
    run(input(logs)
            + "metrics = [{ name = ce_row, loss = cross_entropy, input = logits64, target ="
            + " label, reduction = none }]\n"
            + "output { report = "
            + q(report())
            + ", rows { path = "
            + q(rows)
            + ", format = "
            + format
            + ", keep = [id] } }\n")
        .succeeded();
    // Only per-row metrics: the report lists no metric but still counts the input rows.
    JsonNode r = readJson(report());
    assertThat(r.get("metrics").size()).isZero();
    assertThat(r.get("input").get("rows").asLong()).isEqualTo(ROWS);

    List<Row> written =
        spark
            .read()
            .format(format)
            .option("header", "true") // CSV rows output carries a header line
            .schema("id BIGINT, ce_row DOUBLE")
            .load(rows.toString())
            .collectAsList();
    Map<Long, Double> expected = new HashMap<>();
    for (Row e :
        spark
            .sql("SELECT id, cross_entropy(logits64, label, reduction => 'none') FROM logs")
            .collectAsList()) {
      expected.put(e.getLong(0), e.getDouble(1));
    }
    assertThat(written).hasSize(ROWS);
    for (Row w : written) {
      assertThat(w.getDouble(1)).as("id " + w.getLong(0)).isEqualTo(expected.get(w.getLong(0)));
    }
    assertNoTemporaries();
  }

  // ---- fail and skip ----

  static final StructType COUNTED_SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
          .add("label", DataTypes.LongType, true)
          .add("sw", DataTypes.DoubleType, true);

  /** Four clean rows, two ignored, three null (one only for sample weights), three bad. */
  static List<Row> countedRows() {
    return List.of(
        RowFactory.create(1, v(1.0, 2.0, 0.5), 0L, 1.0),
        RowFactory.create(2, v(0.1, -0.3, 0.8), 1L, 2.0),
        RowFactory.create(3, v(2.5, 0.0, -1.0), 2L, 0.5),
        RowFactory.create(4, v(-0.5, 0.25, 1.5), 1L, 1.5),
        RowFactory.create(5, v(1.0, 1.0, 1.0), -100L, 1.0),
        RowFactory.create(6, v(0.0, 1.0, 2.0), -100L, 3.0),
        RowFactory.create(7, null, 1L, 1.0),
        RowFactory.create(8, v(1.0, 2.0, 3.0), null, 1.0),
        RowFactory.create(9, v(1.0, 2.0, 3.0), 0L, null),
        RowFactory.create(10, v(1.0, 2.0, 3.0), 7L, 1.0),
        RowFactory.create(11, v(1.0, 2.0, 3.0), 1L, -1.0),
        RowFactory.create(12, v(1.0, null, 3.0), 0L, 1.0));
  }

  static final String COUNTED_METRICS =
      "metrics = [\n"
          + "  { name = ce_w, loss = cross_entropy, input = logits, target = label, sample_weight ="
          + " sw }\n"
          + "  { name = ce, loss = cross_entropy, input = logits, target = label, reduction = sum"
          + " }\n"
          + "  { name = ce_row, loss = cross_entropy, input = logits, target = label,"
          + " sample_weight = sw, reduction = none }\n"
          + "]\n";

  String countedOutputs() {
    return "output { report = "
        + q(report())
        + ", rows { path = "
        + q(out.resolve("rows"))
        + ", keep = [id] } }\n";
  }

  @Test
  void skipLeavesBadRowsOutAndCountsEveryKindOfRow() {
    Path in = parquet("counted.parquet", COUNTED_SCHEMA, countedRows());
    JobHarness.Result result =
        run(input(in) + "on_bad_row = skip\n" + COUNTED_METRICS + countedOutputs()).succeeded();
    JsonNode metrics = readJson(report()).get("metrics");
    assertThat(metrics.size()).isEqualTo(2);
    JsonNode ceW = metrics.get(0);
    // rows 1-4; ignored 5, 6; null 7 (input), 8 (target), 9 (sample weight); bad 10 (label 7),
    // 11 (sample weight -1), 12 (null element).
    assertThat(ceW.get("rows").asLong()).isEqualTo(4);
    assertThat(ceW.get("ignored_rows").asLong()).isEqualTo(2);
    assertThat(ceW.get("null_rows").asLong()).isEqualTo(3);
    assertThat(ceW.get("bad_rows").asLong()).isEqualTo(3);
    // Without sample weights rows 9 and 11 are clean: rows 1-4, 9, 11; bad 10, 12.
    JsonNode ce = metrics.get(1);
    assertThat(ce.get("rows").asLong()).isEqualTo(6);
    assertThat(ce.get("ignored_rows").asLong()).isEqualTo(2);
    assertThat(ce.get("null_rows").asLong()).isEqualTo(2);
    assertThat(ce.get("bad_rows").asLong()).isEqualTo(2);
    // The values are those of the good rows alone (evaluated under fail, which they pass).
    Row clean =
        sqlStats(
            "cross_entropy_stats(logits, label, sample_weight => sw)", "counted WHERE id <= 6");
    for (String f : List.of("value", "loss_sum", "weight_sum")) {
      assertThat(number(ceW.get(f))).as(f).isEqualTo(clean.<Double>getAs(f));
    }
    Row cleanSum =
        sqlStats(
            "cross_entropy_stats(logits, label, reduction => 'sum')",
            "counted WHERE id <= 6 OR id IN (9, 11)");
    assertThat(number(ce.get("value"))).isEqualTo(Double.valueOf(cleanSum.getDouble(0)));
    // A hand check of ce_w: weighted mean of -log_softmax at the label over rows 1-4.
    double[][] x = {{1.0, 2.0, 0.5}, {0.1, -0.3, 0.8}, {2.5, 0.0, -1.0}, {-0.5, 0.25, 1.5}};
    int[] y = {0, 1, 2, 1};
    double[] s = {1.0, 2.0, 0.5, 1.5};
    double num = 0;
    double den = 0;
    for (int i = 0; i < 4; i++) {
      double lse = Math.log(Math.exp(x[i][0]) + Math.exp(x[i][1]) + Math.exp(x[i][2]));
      num += s[i] * (lse - x[i][y[i]]);
      den += s[i];
    }
    assertThat(number(ceW.get("value"))).isCloseTo(num / den, within(1e-12));

    // Per-row: a loss for clean rows, 0 for ignored rows, null for null and bad rows.
    Map<Integer, Row> rows = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("rows").toString()).collectAsList()) {
      rows.put(r.getInt(0), r);
    }
    assertThat(rows).hasSize(12);
    for (int id = 1; id <= 4; id++) {
      assertThat(rows.get(id).getDouble(1)).isPositive();
    }
    assertThat(rows.get(5).getDouble(1)).isZero();
    assertThat(rows.get(6).getDouble(1)).isZero();
    for (int id = 7; id <= 12; id++) {
      assertThat(rows.get(id).isNullAt(1)).as("ce_row of id " + id).isTrue();
    }

    // The table shows the counters.
    assertThat(result.outLines().get(2).split(" {2,}"))
        .containsExactly(
            "ce_w",
            "-",
            String.format(
                java.util.Locale.ROOT,
                "%.10g \u00b1 %.3g",
                number(ceW.get("value")),
                number(ceW.get("ci_high")) - number(ceW.get("value"))),
            "4",
            "2",
            "3",
            "3");
  }

  /** Only bad row 10 (label 7 of 3 classes): under fail the run stops. */
  static Path failingInput() {
    Path p = data.resolve("one_bad.parquet");
    if (!Files.exists(p)) {
      List<Row> rows = new ArrayList<>(countedRows().subList(0, 10));
      parquet("one_bad.parquet", COUNTED_SCHEMA, rows);
    }
    return p;
  }

  static final String BAD_ROW_MESSAGE =
      "loss-eval: cross_entropy: target 7 in column label is out of range for 3 classes; expected"
          + " a class index in [0, 3) or ignore_index -100";

  @Test
  void failStopsAtABadRowAndLeavesNothingBehind() {
    Path in = failingInput();
    JobHarness.Result agg = run(input(in) + COUNTED_METRICS + countedOutputs());
    assertThat(agg.exit()).isNotZero();
    assertThat(agg.out()).isEmpty();
    assertThat(agg.err()).contains(BAD_ROW_MESSAGE.substring("loss-eval: ".length()));
    assertThat(listing(out)).isEmpty();

    // A per-row metric alone: the aggregation passes, the rows write fails part way.
    JobHarness.Result perRow =
        run(
            input(in)
                + "metrics = [{ name = ce_row, loss = cross_entropy, input = logits, target = label,"
                + " reduction = none }]\n"
                + countedOutputs());
    assertThat(perRow.exit()).isNotZero();
    assertThat(perRow.out()).isEmpty();
    assertThat(perRow.err()).contains(BAD_ROW_MESSAGE.substring("loss-eval: ".length()));
    assertThat(listing(out)).isEmpty();
  }

  @Test
  void failNamesTheBadRowOnOneLine() {
    Path in = failingInput();
    assertThat(run(input(in) + COUNTED_METRICS + countedOutputs()).failedWithOneLine())
        .isEqualTo(BAD_ROW_MESSAGE);
    assertThat(listing(out)).isEmpty();
    assertThat(
            run(input(in)
                    + "metrics = [{ name = ce_row, loss = cross_entropy, input = logits, target ="
                    + " label, reduction = none }]\n"
                    + countedOutputs())
                .failedWithOneLine())
        .isEqualTo(BAD_ROW_MESSAGE);
    assertThat(listing(out)).isEmpty();
  }

  // ---- error paths: exit 2, one line naming the problem, nothing written ----

  static Stream<Arguments> problems() {
    String ce = "{ name = ce, loss = cross_entropy, input = logits, target = label }";
    String rows = "rows { path = \"ROWS\", keep = [id, labels] }";
    return Stream.of(
        Arguments.of(
            "missing input column",
            "metrics = [{ name = ce, loss = cross_entropy, input = logit, target = label }]",
            "",
            "loss-eval: column 'logit' named by metrics[0] (ce).input does not exist in the input;"
                + " its columns are "
                + LOG_COLUMNS),
        Arguments.of(
            "missing target column",
            "metrics = ["
                + ce
                + ", { name = nll, loss = nll_loss, input = log_probs, target = labels }]",
            "",
            "loss-eval: column 'labels' named by metrics[1] (nll).target does not exist in the"
                + " input; its columns are "
                + LOG_COLUMNS),
        Arguments.of(
            "missing sample_weight column",
            "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label,"
                + " sample_weight = weight }]",
            "",
            "loss-eval: column 'weight' named by metrics[0] (ce).sample_weight does not exist in"
                + " the input; its columns are "
                + LOG_COLUMNS),
        Arguments.of(
            "missing group_by column",
            "group_by = [model, date]\nmetrics = [" + ce + "]",
            "",
            "loss-eval: column 'date' named by group_by[1] does not exist in the input; its"
                + " columns are "
                + LOG_COLUMNS),
        Arguments.of(
            "missing keep column",
            "metrics = [{ name = r, loss = cross_entropy, input = logits, target = label,"
                + " reduction = none }]",
            rows,
            "loss-eval: column 'labels' named by output.rows.keep[1] does not exist in the input;"
                + " its columns are "
                + LOG_COLUMNS),
        Arguments.of(
            "target of the wrong type",
            "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = model }]",
            "",
            "loss-eval: metric 'ce': cross_entropy: target column model has type string; expected a"
                + " class index, or probabilities as array<float>, array<double> or an MLlib"
                + " vector"),
        Arguments.of(
            "input of the wrong type",
            "metrics = [{ name = b, loss = binary_cross_entropy, input = day, target = binary_label"
                + " }]",
            "",
            "loss-eval: metric 'b': binary_cross_entropy: input column day has type string; expected"
                + " array<float>, array<double>, an MLlib vector, or a number per row"),
        Arguments.of(
            "sample_weight of the wrong type",
            "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label,"
                + " sample_weight = model }]",
            "",
            "loss-eval: metric 'ce': cross_entropy: sample_weight column model has type string; expected"
                + " a number"),
        Arguments.of(
            "per-row input of the wrong type",
            "metrics = [{ name = r, loss = cross_entropy, input = model, target = label, reduction"
                + " = none }]",
            rows.replace(", labels", ""),
            "loss-eval: metric 'r': cross_entropy: input column model has type string; expected array<float>,"
                + " array<double> or an MLlib vector"),
        Arguments.of(
            "ignore_index with probability targets",
            "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = soft_target,"
                + " ignore_index = 0 }]",
            "",
            "loss-eval: metric 'ce': cross_entropy: ignore_index 0 does not apply to probability targets"
                + " (column soft_target); leave it out or give a negative value"),
        Arguments.of(
            "weight longer than a scalar column",
            "metrics = [{ name = b, loss = binary_cross_entropy, input = binary_prob, target ="
                + " binary_label, weight = [1, 2] }]",
            "",
            "loss-eval: metric 'b': binary_cross_entropy: weight has 2 entries but column binary_prob"
                + " holds one value per row; expected 1 entry"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void problemIsOneLineAndNothingIsWritten(
      String what, String metrics, String rows, String message) {
    String outputs =
        "output { report = "
            + q(report())
            + (rows.isEmpty() ? "" : ", " + rows.replace("\"ROWS\"", q(out.resolve("rows"))))
            + " }\n";
    assertThat(run(input(logs) + metrics + "\n" + outputs).failedWithOneLine()).isEqualTo(message);
    assertThat(listing(out)).isEmpty();
  }

  @Test
  void invalidConfigIsOneLineNamingTheFileAndKey() throws IOException {
    Path config = data.resolve("conf/typo.conf");
    JobHarness.write(
        config,
        input(logs)
            + "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label,"
            + " weights = [1, 2] }]\n"
            + reportKey());
    assertThat(JobHarness.run("--config", config.toString()).failedWithOneLine())
        .isEqualTo(
            "loss-eval: config "
                + config
                + ": unknown key 'metrics[0].weights' (did you mean 'weight'?); expected one of"
                + " confidence, ignore_index, input, input_kind, label_smoothing, loss, name, per_class,"
                + " reduction, sample_weight, target, weight");
    assertThat(listing(out)).isEmpty();

    Path badOption = data.resolve("conf/bad-option.conf");
    JobHarness.write(
        badOption,
        input(logs)
            + "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label,"
            + " reduction = avg }]\n"
            + reportKey());
    assertThat(JobHarness.run("--config", badOption.toString()).failedWithOneLine())
        .isEqualTo(
            "loss-eval: config "
                + badOption
                + ": metrics[0].reduction: cross_entropy: reduction 'avg' is not supported;"
                + " expected one of none, sum, mean");
    assertThat(listing(out)).isEmpty();

    Path missing = data.resolve("conf/missing.conf");
    assertThat(JobHarness.run("--config", missing.toString()).failedWithOneLine())
        .isEqualTo("loss-eval: config file " + missing + " does not exist");
  }

  @Test
  void commandLineErrorsAreOneLineWithTheUsage() {
    assertThat(JobHarness.run().failedWithOneLine())
        .isEqualTo(
            "loss-eval: Missing required option: '--config=FILE' (usage: loss-eval --config FILE"
                + " [--overwrite] [--follow])");
    assertThat(JobHarness.run("--config", "x.conf", "--bogus").failedWithOneLine())
        .isEqualTo(
            "loss-eval: Unknown option: '--bogus' (usage: loss-eval --config FILE"
                + " [--overwrite] [--follow])");
    JobHarness.Result help = JobHarness.run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.err()).isEmpty();
    assertThat(help.out()).startsWith("Usage: loss-eval").contains("--config=FILE", "--overwrite");
  }

  // ---- existing outputs and --overwrite ----

  @Test
  void existingOutputsAreKeptUnlessOverwrite() throws IOException {
    Path rows = out.resolve("rows");
    String config =
        input(logs)
            + "metrics = [\n"
            + "  { name = NAME, loss = cross_entropy, input = logits, target = label }\n"
            + "  { name = r, loss = nll_loss, input = log_probs, target = label, reduction = none"
            + " }\n"
            + "]\n"
            + "output { report = "
            + q(report())
            + ", rows { path = "
            + q(rows)
            + ", keep = [id] } }\n";
    // An existing report: refused before anything runs, the file untouched, no rows written.
    Files.writeString(report(), "{\"old\": true}");
    assertThat(run(config.replace("NAME", "first")).failedWithOneLine())
        .isEqualTo(
            "loss-eval: output.report "
                + report()
                + " already exists; pass --overwrite to replace it");
    assertThat(Files.readString(report())).isEqualTo("{\"old\": true}");
    assertThat(listing(out)).containsExactly("report.json");

    // An existing rows output alone.
    Files.delete(report());
    Files.createDirectories(rows);
    Files.writeString(rows.resolve("old.txt"), "old");
    assertThat(run(config.replace("NAME", "first")).failedWithOneLine())
        .isEqualTo(
            "loss-eval: output.rows.path "
                + rows
                + " already exists; pass --overwrite to replace it");
    assertThat(listing(out)).containsExactly("rows", "rows/old.txt");

    // --overwrite does not replace what the job did not write (OutputSafetyTest has the rest).
    assertThat(run(config.replace("NAME", "first"), "--overwrite").failedWithOneLine())
        .isEqualTo(
            "loss-eval: output.rows.path "
                + rows
                + " holds old.txt, which a Spark write of loss-eval does not leave; --overwrite"
                + " replaces only what an earlier run of loss-eval wrote, so the job will not"
                + " delete it");
    assertThat(listing(out)).containsExactly("rows", "rows/old.txt");

    // A first run, then --overwrite replaces both of its outputs.
    Files.delete(rows.resolve("old.txt"));
    Files.delete(rows);
    run(config.replace("NAME", "first")).succeeded();
    run(config.replace("NAME", "second"), "--overwrite").succeeded();
    assertThat(readJson(report()).get("metrics").get(0).get("name").asText()).isEqualTo("second");
    assertThat(spark.read().parquet(rows.toString()).count()).isEqualTo(ROWS);
    assertNoTemporaries();

    // And again, over the job's own outputs.
    assertThat(run(config.replace("NAME", "third")).failedWithOneLine())
        .contains("output.report", "already exists");
    run(config.replace("NAME", "third"), "--overwrite").succeeded();
    assertThat(readJson(report()).get("metrics").get(0).get("name").asText()).isEqualTo("third");
    assertNoTemporaries();
  }

  // ---- input formats and options ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "orc"})
  void everyInputFormatGivesTheSameReport(String format) {
    Path in = data.resolve("logs." + format);
    spark.read().parquet(logs.toString()).write().format(format).save(in.toString());
    // logits64, not logits: JSON keeps no float type, and float -> text -> double is not exact.
    run("input { path = "
            + q(in)
            + ", format = "
            + format
            + " }\n"
            + "group_by = [model]\n"
            + "metrics = [\n"
            + "  { name = ce, loss = cross_entropy, input = logits64, target = label,"
            + " sample_weight = sample_weight, label_smoothing = 0.1 }\n"
            + "  { name = bce, loss = binary_cross_entropy, input = probs, target = multi_label }\n"
            + "  { name = kl, loss = kl_div, input = log_probs, target = soft_target, reduction ="
            + " batchmean }\n"
            + "]\n"
            + reportKey())
        .succeeded();
    JsonNode r = readJson(report());
    assertThat(r.get("input").get("format").asText()).isEqualTo(format);
    assertThat(r.get("input").get("rows").asLong()).isEqualTo(ROWS);
    List<Row> expected =
        spark
            .sql(
                "SELECT model, cross_entropy_stats(logits64, label, sample_weight =>"
                    + " sample_weight, label_smoothing => 0.1), binary_cross_entropy_stats(probs,"
                    + " multi_label), kl_div_stats(log_probs, soft_target, reduction =>"
                    + " 'batchmean') FROM logs GROUP BY model ORDER BY model")
            .collectAsList();
    for (int m = 0; m < 3; m++) {
      for (int g = 0; g < 3; g++) {
        assertSameStats(r.get("metrics").get(m * 3 + g), expected.get(g).getStruct(1 + m));
      }
    }
  }

  /** CSV: input.options reach Spark's reader; without them the columns are not what they seem. */
  @Test
  void csvInputOptionsReachTheReader() {
    Path in = data.resolve("scalars.csv");
    spark
        .read()
        .parquet(logs.toString())
        .select("id", "model", "binary_logit", "binary_prob", "binary_label", "sample_weight")
        .write()
        .option("header", "true")
        .csv(in.toString());
    String metrics =
        "metrics = [\n"
            + "  { name = bcel, loss = binary_cross_entropy_with_logits, input = binary_logit,"
            + " target = binary_label, sample_weight = sample_weight, pos_weight = [2] }\n"
            + "  { name = bce, loss = binary_cross_entropy, input = binary_prob, target ="
            + " binary_label, reduction = sum }\n"
            + "]\n";
    run("input { path = "
            + q(in)
            + ", format = csv, options { header = true, inferSchema = true } }\n"
            + metrics
            + reportKey())
        .succeeded();
    JsonNode r = readJson(report());
    assertThat(r.get("input").get("format").asText()).isEqualTo("csv");
    assertSameStats(
        r.get("metrics").get(0),
        sqlStats(
            "binary_cross_entropy_with_logits_stats(binary_logit, binary_label, sample_weight =>"
                + " sample_weight, pos_weight => array(2))",
            "logs"));
    assertSameStats(
        r.get("metrics").get(1),
        sqlStats(
            "binary_cross_entropy_stats(binary_prob, binary_label, reduction => 'sum')", "logs"));

    // header without inferSchema: every column is a string.
    Path out2 = out.resolve("two");
    assertThat(
            run("input { path = "
                    + q(in)
                    + ", format = csv, options.header = true }\n"
                    + metrics
                    + "output.report = "
                    + q(out2.resolve("report.json"))
                    + "\n")
                .failedWithOneLine())
        .isEqualTo(
            "loss-eval: metric 'bcel': binary_cross_entropy_with_logits: input column binary_logit has type"
                + " string; expected array<float>, array<double>, an MLlib vector, or a number per"
                + " row");
    // no header: Spark names the columns _c0 ... _c5.
    assertThat(
            run("input { path = "
                    + q(in)
                    + ", format = csv }\n"
                    + metrics
                    + "output.report = "
                    + q(out2.resolve("report.json"))
                    + "\n")
                .failedWithOneLine())
        .isEqualTo(
            "loss-eval: column 'binary_logit' named by metrics[0] (bcel).input does not exist in"
                + " the input; its columns are _c0, _c1, _c2, _c3, _c4, _c5");
    assertThat(listing(out2)).isEmpty();
  }

  // ---- unreadable input ----

  static Path corruptParquet() {
    Path p = data.resolve("corrupt.parquet");
    JobHarness.write(p, "this is not a parquet file, only text pretending to be one....");
    return p;
  }

  static final String CE_ONLY =
      "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label }]\n";

  @Test
  void unreadableInputFailsAndLeavesNothingBehind() {
    Path missing = data.resolve("no-such-input.parquet");
    JobHarness.Result r = run(input(missing) + CE_ONLY + reportKey());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(missing.toString());
    assertThat(listing(out)).isEmpty();

    r = run(input(corruptParquet()) + CE_ONLY + reportKey());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("corrupt.parquet");
    assertThat(listing(out)).isEmpty();
  }

  @Test
  void unreadableInputIsOneLineNamingThePath() {
    Path missing = data.resolve("no-such-input.parquet");
    assertThat(run(input(missing) + CE_ONLY + reportKey()).failedWithOneLine())
        .startsWith("loss-eval: cannot read input " + missing + " as parquet: ")
        .contains("does not exist");
    Path corrupt = corruptParquet();
    assertThat(run(input(corrupt) + CE_ONLY + reportKey()).failedWithOneLine())
        .startsWith("loss-eval: cannot read input " + corrupt + " as parquet: ");
    assertThat(listing(out)).isEmpty();
  }

  // ---- rows outputs Spark cannot write ----

  String rowsOutput(String format, String keep) {
    return "output { report = "
        + q(report())
        + ", rows { path = "
        + q(out.resolve("rows"))
        + ", format = "
        + format
        + ", keep = ["
        + keep
        + "] } }\n";
  }

  static final String BCE_ROW =
      "metrics = [{ name = bce_row, loss = binary_cross_entropy, input = probs, target ="
          + " multi_label, reduction = none }]\n";
  static final String ID_ROW =
      "metrics = [{ name = id, loss = cross_entropy, input = logits, target = label, reduction ="
          + " none }]\n";

  @Test
  void unwritableRowsOutputLeavesNothingBehind() {
    // CSV cannot hold the array of per-element losses.
    JobHarness.Result r = run(input(logs) + BCE_ROW + rowsOutput("csv", "id"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("bce_row");
    assertThat(listing(out)).isEmpty();
    // A metric named like a kept column.
    r = run(input(logs) + ID_ROW + rowsOutput("parquet", "id"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("metric 'id'", "output.rows.keep");
    assertThat(listing(out)).isEmpty();
  }

  @Test
  void unwritableRowsOutputIsOneLine() {
    assertThat(run(input(logs) + BCE_ROW + rowsOutput("csv", "id")).failedWithOneLine())
        .contains("bce_row", "csv");
    assertThat(run(input(logs) + ID_ROW + rowsOutput("parquet", "id")).failedWithOneLine())
        .contains("id");
    assertThat(listing(out)).isEmpty();
  }

  @Test
  void columnNameWithADot() {
    Path in = data.resolve("dotted.parquet");
    spark
        .read()
        .parquet(logs.toString())
        .withColumnRenamed("logits", "pred.logits")
        .write()
        .parquet(in.toString());
    run(input(in)
            + "metrics = [{ name = ce, loss = cross_entropy, input = \"pred.logits\", target ="
            + " label }]\n"
            + reportKey())
        .succeeded();
    assertSameStats(
        readJson(report()).get("metrics").get(0),
        sqlStats("cross_entropy_stats(logits, label)", "logs"));
  }

  @Test
  void failedRunCreatesNoDirectories() {
    Path in = failingInput();
    JobHarness.Result r =
        run(
            input(in)
                + "metrics = [{ name = ce_row, loss = cross_entropy, input = logits, target = label,"
                + " reduction = none }]\n"
                + "output { report = "
                + q(out.resolve("sub/report.json"))
                + ", rows { path = "
                + q(out.resolve("sub/rows"))
                + ", keep = [id] } }\n");
    assertThat(r.exit()).isNotZero();
    assertThat(listing(out)).isEmpty();
  }

  static final String CE_AND_ROWS =
      "metrics = [\n"
          + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
          + "  { name = r, loss = cross_entropy, input = logits, target = label, reduction = none"
          + " }\n"
          + "]\n";

  @Test
  void reportThatCannotBeWrittenIsOneLineAndLeavesNothingBehind() throws IOException {
    Files.writeString(out.resolve("file.txt"), "not a directory");
    String line =
        run(input(logs)
                + CE_AND_ROWS
                + "output { report = "
                + q(out.resolve("file.txt/report.json"))
                + ", rows { path = "
                + q(out.resolve("rows"))
                + ", keep = [id] } }\n")
            .failedWithOneLine();
    assertThat(line)
        .startsWith("loss-eval: cannot write output: ")
        .contains(out.resolve("file.txt").toString());
    // The rows were written first, to a temporary that is gone: nothing but the file remains.
    assertThat(listing(out)).containsExactly("file.txt");
  }

  @Test
  void reportAndRowsAtOnePathFailAndLeaveNothingBehind() {
    Path both = out.resolve("x");
    JobHarness.Result r =
        run(
            input(logs)
                + CE_AND_ROWS
                + "output { report = "
                + q(both)
                + ", rows { path = "
                + q(both)
                + ", keep = [id] } }\n");
    assertThat(r.exit()).isNotZero();
    assertThat(listing(out)).isEmpty();
  }

  @Test
  void reportAndRowsAtOnePathAreNamed() {
    Path both = out.resolve("x");
    assertThat(
            run(input(logs)
                    + CE_AND_ROWS
                    + "output { report = "
                    + q(both)
                    + ", rows { path = "
                    + q(both)
                    + ", keep = [id] } }\n")
                .failedWithOneLine())
        .contains("output.report", "output.rows.path")
        .doesNotContain(".tmp-");
  }

  // ---- the stdout table ----

  @Test
  void compareReportsEachGroupAgainstItsBaseline() throws IOException {
    // Every model in both halves of the ids: six groups.
    Path grid = data.resolve("grid.parquet");
    spark
        .sql("SELECT *, IF(id % 2 = 0, 'even', 'odd') AS half FROM logs")
        .write()
        .parquet(grid.toString());
    String config =
        input(grid)
            + "group_by = [model, half]\n"
            + "metrics = [\n"
            + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
            + "  { name = nll, loss = nll_loss, input = log_probs, target = label,"
            + " reduction = sum, confidence = 0.9 }\n"
            + "]\n"
            + "compare = [\n"
            + "  { metric = ce, baseline = { model = v1 } }\n"
            + "  { metric = nll, baseline = { model = v2, half = odd } }\n"
            + "]\n"
            + reportKey();
    JobHarness.Result result = run(config).succeeded();
    JsonNode r = readJson(report());
    Map<String, JsonNode> metrics = new HashMap<>();
    for (JsonNode m : r.get("metrics")) {
      metrics.put(m.get("name").asText() + " " + m.get("group"), m);
    }
    NormalDistribution normal = new NormalDistribution(null, 0, 1);
    JsonNode comparisons = r.get("comparisons");
    // ce: v2 and v3 against v1 in each half; nll: the 5 groups other than (v2, odd) against it.
    assertThat(comparisons.size()).isEqualTo(4 + 5);
    assertThat(r.get("uncompared").size()).isZero();
    for (JsonNode c : comparisons) {
      String metric = c.get("metric").asText();
      assertThat(fieldNames(c))
          .containsExactly(
              "metric",
              "group",
              "baseline",
              "difference",
              "std_error",
              "ci_low",
              "ci_high",
              "p_value",
              "confidence");
      JsonNode g = metrics.get(metric + " " + c.get("group"));
      JsonNode b = metrics.get(metric + " " + c.get("baseline"));
      assertThat(g).as("compared group " + c.get("group")).isNotNull();
      assertThat(b).as("baseline group " + c.get("baseline")).isNotNull();
      if (metric.equals("ce")) {
        assertThat(c.get("baseline").get("model").asText()).isEqualTo("v1");
        assertThat(c.get("baseline").get("half")).isEqualTo(c.get("group").get("half"));
        assertThat(c.get("group").get("model").asText()).isNotEqualTo("v1");
      } else {
        assertThat(c.get("baseline").toString()).isEqualTo("{\"model\":\"v2\",\"half\":\"odd\"}");
      }
      double confidence = metric.equals("ce") ? 0.95 : 0.9;
      assertThat(c.get("confidence").asDouble()).isEqualTo(confidence);
      double diff = number(g.get("value")) - number(b.get("value"));
      double se =
          Math.sqrt(
              Math.pow(number(g.get("std_error")), 2) + Math.pow(number(b.get("std_error")), 2));
      double z = normal.inverseCumulativeProbability(0.5 + confidence / 2);
      String what = metric + " " + c.get("group");
      assertThat(number(c.get("difference"))).as(what).isEqualTo(diff);
      assertThat(number(c.get("std_error"))).as(what).isCloseTo(se, within(1e-15 * se));
      assertThat(number(c.get("ci_low"))).as(what).isCloseTo(diff - z * se, within(1e-12 * se));
      assertThat(number(c.get("ci_high"))).as(what).isCloseTo(diff + z * se, within(1e-12 * se));
      double p = 2 * normal.cumulativeProbability(-Math.abs(diff / se));
      assertThat(number(c.get("p_value"))).as(what).isCloseTo(p, within(1e-12 + 1e-9 * p));
    }
    // The second table lists every comparison with its interval's half-width and p-value.
    List<String> lines = result.outLines();
    int header =
        lines.indexOf(
            lines.stream().filter(l -> l.startsWith("metric  ")).reduce((a, b) -> b).orElseThrow());
    assertThat(lines.get(header)).matches("metric +group +baseline +difference +p_value");
    assertThat(lines.subList(header + 2, lines.size()))
        .hasSize(9)
        .allMatch(
            l ->
                l.matches(
                    "(ce|nll) +\\{model = v\\d, half = (even|odd)} +\\{model = v\\d,"
                        + " half = (even|odd)} +-?[0-9.e+-]+ \u00b1 [0-9.e+-]+ +(<0.0001|0\\.\\d{4})"));
  }

  @Test
  void aGroupWithoutItsBaselineCounterpartIsListedNotDropped() throws IOException {
    // In this log each model has rows of one day only: v2 and v3 have no v1 group on their day.
    String config =
        input(logs)
            + "group_by = [model, day]\n"
            + "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label }]\n"
            + "compare = [{ metric = ce, baseline = { model = v1 } }]\n"
            + reportKey();
    JobHarness.Result result = run(config).succeeded();
    JsonNode r = readJson(report());
    assertThat(r.get("comparisons").size()).isZero();
    assertThat(r.get("uncompared").toString())
        .isEqualTo(
            "[{\"metric\":\"ce\",\"group\":{\"model\":\"v2\",\"day\":\"2026-11-24\"},"
                + "\"baseline\":{\"model\":\"v1\",\"day\":\"2026-11-24\"}},"
                + "{\"metric\":\"ce\",\"group\":{\"model\":\"v3\",\"day\":\"2026-11-25\"},"
                + "\"baseline\":{\"model\":\"v1\",\"day\":\"2026-11-25\"}}]");
    assertThat(result.outLines())
        .contains(
            "not compared: ce {model = v2, day = 2026-11-24} has no baseline group"
                + " {model = v1, day = 2026-11-24}",
            "not compared: ce {model = v3, day = 2026-11-25} has no baseline group"
                + " {model = v1, day = 2026-11-25}");
  }

  @Test
  void aBaselineThatIsNoGroupIsAConfigErrorNamingTheGroups() throws IOException {
    String config =
        input(logs)
            + "group_by = [model]\n"
            + "metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label }]\n"
            + "compare = [{ metric = ce, baseline = { model = v9 } }]\n"
            + reportKey();
    assertThat(run(config).failedWithOneLine())
        .endsWith(
            ": compare[0].baseline {model = v9} is not a group of this run; the groups are"
                + " {model = v1}, {model = v2}, {model = v3}");
    assertThat(Files.exists(report())).as("no report").isFalse();
  }

  @Test
  void theTableEscapesControlCharactersInGroupValues() {
    StructType schema =
        new StructType()
            .add("g", DataTypes.StringType, false)
            .add("lp", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("y", DataTypes.LongType, false);
    List<Row> rows =
        List.of(
            RowFactory.create("a\nb", v(-0.5, -1.5), 0L),
            RowFactory.create("a\nb", v(-0.25, -2.0), 1L),
            RowFactory.create("tab\there\u0007", v(-3.0, -0.125), 0L),
            RowFactory.create("back\\slash", v(-1.0, -0.75), 1L));
    Path in = parquet("escapes.parquet", schema, rows);
    JobHarness.Result r =
        run(input(in)
                + "group_by = [g]\n"
                + "metrics = [{ name = nll, loss = nll_loss, input = lp, target = y }]\n"
                + reportKey())
            .succeeded();
    List<String> lines = r.outLines();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(2)).startsWith("nll     g=a\\nb  ");
    assertThat(lines.get(3)).startsWith("nll     g=back\\\\slash  ");
    assertThat(lines.get(4)).startsWith("nll     g=tab\\there\\u0007  ");
  }

  @Test
  void tableLayout() {
    StructType schema =
        new StructType()
            .add("g", DataTypes.StringType, false)
            .add("lp", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
            .add("y", DataTypes.LongType, false);
    List<Row> rows =
        List.of(
            RowFactory.create("a", v(-0.5, -1.5), 0L),
            RowFactory.create("a", v(-0.25, -2.0), 1L),
            RowFactory.create("a", v(-1.0, -1.0), -100L),
            RowFactory.create("a", null, 1L),
            RowFactory.create("b", v(-3.0, -0.125), 0L),
            RowFactory.create("b", v(-1.0, -0.75), 1L),
            RowFactory.create("b", v(-1.0, -0.75), 5L));
    Path in = parquet("table.parquet", schema, rows);
    String metrics =
        "metrics = [\n"
            + "  { name = nll, loss = nll_loss, input = lp, target = y, reduction = sum }\n"
            + "  { name = nll_mean_long_name, loss = nll_loss, input = lp, target = y }\n"
            + "]\n";
    JobHarness.Result grouped =
        run(input(in) + "group_by = [g]\non_bad_row = skip\n" + metrics + reportKey()).succeeded();
    // Text columns left-aligned, numbers right-aligned (headers too), two spaces between,
    // trailing blanks stripped, values as %.10g with the interval's half-width as %.3g (sum of
    // {0.5, 2}: std_error sqrt(2 * 1.125) = 1.5, times z = 1.96 is 2.94).
    assertThat(grouped.outLines())
        .containsExactly(
            "metric              group               value  rows  ignored  null  bad",
            "------------------  -----  ------------------  ----  -------  ----  ---",
            "nll                 g=a    2.500000000 \u00b1 2.94     2        1     1    0",
            "nll                 g=b    3.750000000 \u00b1 4.41     2        0     0    1",
            "nll_mean_long_name  g=a    1.250000000 \u00b1 1.47     2        1     1    0",
            "nll_mean_long_name  g=b    1.875000000 \u00b1 2.20     2        0     0    1");

    JobHarness.Result ungrouped =
        run(input(in)
                + "on_bad_row = skip\n"
                + metrics
                + "output.report = "
                + q(out.resolve("r2.json"))
                + "\n")
            .succeeded();
    assertThat(ungrouped.outLines())
        .containsExactly(
            "metric              group               value  rows  ignored  null  bad",
            "------------------  -----  ------------------  ----  -------  ----  ---",
            "nll                 -      6.250000000 \u00b1 4.55     4        1     1    1",
            "nll_mean_long_name  -      1.562500000 \u00b1 1.14     4        1     1    1");
  }

  @Test
  void emptyInput() {
    Path in = data.resolve("empty.parquet");
    spark.read().parquet(logs.toString()).limit(0).write().parquet(in.toString());
    String metrics =
        "metrics = [\n"
            + "  { name = ce, loss = cross_entropy, input = logits, target = label }\n"
            + "  { name = ce_sum, loss = cross_entropy, input = logits, target = label, reduction ="
            + " sum }\n"
            + "]\n";
    run(input(in) + metrics + reportKey()).succeeded();
    JsonNode r = readJson(report());
    assertThat(r.get("input").get("rows").asLong()).isZero();
    assertThat(r.get("metrics").size()).isEqualTo(2);
    assertThat(r.get("metrics").get(0).get("value").asText()).isEqualTo("NaN");
    assertThat(r.get("metrics").get(0).get("rows").asLong()).isZero();
    assertThat(r.get("metrics").get(1).get("value").isNumber()).isTrue();
    assertThat(r.get("metrics").get(1).get("value").asDouble()).isZero();

    // Grouped, an empty input has no groups.
    JobHarness.Result grouped =
        run(input(in)
                + "group_by = [model]\n"
                + metrics
                + "output.report = "
                + q(out.resolve("grouped.json"))
                + "\n")
            .succeeded();
    assertThat(readJson(out.resolve("grouped.json")).get("metrics").size()).isZero();
    assertThat(grouped.outLines()).hasSize(2);
  }

  // ---- one aggregation ----

  /**
   * Counts the jobs, SQL executions and input-scanning stages of the runs it watches: the jobs of
   * the job group set by {@link #reset}, so that a late event of an earlier test is never counted.
   */
  static final class JobCounter extends SparkListener {
    private static final AtomicInteger GROUPS = new AtomicInteger();
    final List<String> jobs = new ArrayList<>();
    final Set<String> executions = new HashSet<>();
    final Set<Integer> stages = new HashSet<>();
    int scanningStages;
    long recordsRead;
    private String group;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart job) {
      if (job.properties() == null
          || group == null
          || !group.equals(job.properties().getProperty("spark.jobGroup.id"))) {
        return;
      }
      for (Object stage : io.github.sparkloss.shim.ScalaShim.asJava(job.stageIds())) {
        stages.add((Integer) stage);
      }
      String execution = job.properties().getProperty("spark.sql.execution.id");
      if (execution != null) {
        executions.add(execution);
      }
      jobs.add(
          (execution == null ? "non-sql " : "sql ")
              + io.github.sparkloss.shim.ScalaShim.asJava(job.stageInfos()).stream()
                  .map(s -> s.name())
                  .collect(Collectors.joining(" | ")));
    }

    @Override
    public synchronized void onStageCompleted(SparkListenerStageCompleted stage) {
      if (!stages.contains(stage.stageInfo().stageId())) {
        return;
      }
      long read = stage.stageInfo().taskMetrics().inputMetrics().recordsRead();
      if (read > 0) {
        scanningStages++;
        recordsRead += read;
      }
    }

    /** Forgets what was counted and watches the jobs this thread runs from now on. */
    void reset() {
      String next = "sparkloss-job-count-" + GROUPS.incrementAndGet();
      synchronized (this) {
        group = next;
        stages.clear();
        jobs.clear();
        executions.clear();
        scanningStages = 0;
        recordsRead = 0;
      }
      spark.sparkContext().setJobGroup(next, "counted run", false);
    }
  }

  static final String[] SIX_METRICS = {
    "{ name = ce, loss = cross_entropy, input = logits, target = label }",
    "{ name = ce_sum, loss = cross_entropy, input = logits64, target = label, reduction = sum,"
        + " per_class = true }",
    "{ name = nll, loss = nll_loss, input = log_probs, target = label, sample_weight ="
        + " sample_weight }",
    "{ name = bce, loss = binary_cross_entropy, input = probs, target = multi_label }",
    "{ name = bcel, loss = binary_cross_entropy_with_logits, input = binary_logit, target ="
        + " binary_label }",
    "{ name = kl, loss = kl_div, input = log_probs, target = soft_target, reduction = batchmean }"
  };

  private JobCounter count(JobCounter counter, String groupBy, int metrics) throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty(30_000L);
    counter.reset();
    run(input(logs)
            + groupBy
            + "\nmetrics = [\n"
            + String.join("\n", Arrays.copyOf(SIX_METRICS, metrics))
            + "\n]\noutput.report = "
            + q(out.resolve("r" + CONFIGS.incrementAndGet() + ".json"))
            + "\n")
        .succeeded();
    spark.sparkContext().listenerBus().waitUntilEmpty(30_000L);
    synchronized (counter) {
      JobCounter copy = new JobCounter();
      copy.jobs.addAll(counter.jobs);
      copy.executions.addAll(counter.executions);
      copy.scanningStages = counter.scanningStages;
      copy.recordsRead = counter.recordsRead;
      return copy;
    }
  }

  /**
   * All metrics are one aggregation: one SQL query whose input is scanned by exactly one stage,
   * each row read once, with as many Spark jobs for six metrics as for one.
   *
   * <p>Every run also has one job outside the query: Parquet schema inference (a one-task job,
   * stage "load at LossEvalJob...", that reads a footer when the reader is created; it reads no
   * records). Within the query, the job count depends on the plan, not on the metrics: with
   * adaptive execution off, an ungrouped aggregation is exactly one job (scan + partial aggregate,
   * then the final aggregate as its result stage), and so is a grouped one: the job sorts the few
   * group rows on the driver rather than with another job. With adaptive execution on (Spark's
   * default) each shuffle stage is submitted as its own job: the aggregate exchange, then the
   * result.
   */
  @Test
  void allMetricsAreEvaluatedInOneAggregation() throws Exception {
    JobCounter counter = new JobCounter();
    spark.sparkContext().addSparkListener(counter);
    try {
      spark.conf().set("spark.sql.adaptive.enabled", "false");
      JobCounter plain1 = count(counter, "", 1);
      JobCounter plain6 = count(counter, "", 6);
      JobCounter grouped1 = count(counter, "group_by = [model, day]", 1);
      JobCounter grouped6 = count(counter, "group_by = [model, day]", 6);
      spark.conf().unset("spark.sql.adaptive.enabled");
      JobCounter adaptive1 = count(counter, "group_by = [model, day]", 1);
      JobCounter adaptive6 = count(counter, "group_by = [model, day]", 6);

      for (JobCounter c : List.of(plain1, plain6, grouped1, grouped6, adaptive1, adaptive6)) {
        assertThat(c.executions).as("one SQL query: %s", c.jobs).hasSize(1);
        assertThat(c.scanningStages).as("one stage reads the input: %s", c.jobs).isOne();
        assertThat(c.recordsRead).as("each input row read once").isEqualTo(ROWS);
        assertThat(c.jobs.get(0))
            .as("the schema job comes first")
            .startsWith("non-sql load at LossEvalJob");
        assertThat(c.jobs.stream().filter(j -> j.startsWith("non-sql"))).hasSize(1);
      }
      assertThat(plain1.jobs).as("schema + the aggregation").hasSize(2);
      assertThat(plain6.jobs).as("six metrics: still one aggregation job").hasSize(2);
      assertThat(grouped1.jobs).as("schema + the aggregation").hasSize(2);
      assertThat(grouped6.jobs).hasSize(2);
      assertThat(adaptive1.jobs).as("schema + the aggregation's two adaptive stages").hasSize(3);
      assertThat(adaptive6.jobs).hasSize(adaptive1.jobs.size());
    } finally {
      spark.conf().unset("spark.sql.adaptive.enabled");
      spark.sparkContext().removeSparkListener(counter);
    }
  }

  /**
   * input_kind = probability on a metric: the four log_loss cases of Spark's
   * MulticlassMetricsSuite, with the probabilities as an MLlib vector (a model's probability
   * column) and as an array, weighted and not, grouped by case.
   */
  @Test
  void inputKindProbabilityGivesMllibsLogLoss() {
    StructType schema =
        new StructType()
            .add("case", DataTypes.StringType, false)
            .add("label", DataTypes.DoubleType, false)
            .add("probability", new org.apache.spark.ml.linalg.VectorUDT(), false)
            .add("p", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("w", DataTypes.DoubleType, false);
    double[] w = {1.5, 2.0, 1.0, 0.5};
    double[][] labels = {{1, 0, 0, 1}, {1, 2, 0, 1}};
    double[][][] probs = {
      {{.1, .9}, {.9, .1}, {.8, .2}, {.35, .65}},
      {{.1, .8, .1}, {.9, .05, .05}, {.8, .2, .0}, {.3, .65, .05}}
    };
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 4; i++) {
        rows.add(
            RowFactory.create(
                c == 0 ? "binary" : "three_class",
                labels[c][i],
                org.apache.spark.ml.linalg.Vectors.dense(probs[c][i]),
                Arrays.stream(probs[c][i]).boxed().toList(),
                w[i]));
      }
    }
    Path in = data.resolve("mllib-log-loss.parquet");
    spark.createDataFrame(rows, schema).write().parquet(in.toString());
    run(input(in)
            + "group_by = [case]\n"
            + "metrics = [\n"
            + "  { name = ce, loss = cross_entropy, input = probability, target = label,"
            + " input_kind = probability }\n"
            + "  { name = ce_weighted, loss = cross_entropy, input = probability, target = label,"
            + " input_kind = probability, sample_weight = w }\n"
            + "  { name = nll, loss = nll_loss, input = p, target = label,"
            + " input_kind = probability }\n"
            + "  { name = nll_weighted, loss = nll_loss, input = p, target = label,"
            + " input_kind = probability, sample_weight = w, per_class = true }\n"
            + "]\n"
            + reportKey())
        .succeeded();
    Map<String, Double> expected =
        Map.of(
            "ce binary", 0.21616187468057912,
            "ce_weighted binary", 0.16145936283256573,
            "ce three_class", 0.9682005730687164,
            "ce_weighted three_class", 1.3529429766879466);
    JsonNode metrics = readJson(report()).get("metrics");
    assertThat(metrics.size()).isEqualTo(8);
    for (JsonNode m : metrics) {
      String name = m.get("name").asText();
      String group = m.get("group").get("case").asText();
      double want = expected.get(name.replace("nll", "ce") + " " + group);
      assertThat(number(m.get("value")))
          .as(name + " " + group)
          .isCloseTo(want, within(want * 1e-12));
      assertThat(m.get("bad_rows").asLong()).isZero();
    }
  }

  @Test
  void inputKindALossDoesNotTakeIsNamedWithTheMetric() {
    String line =
        run(input(logs)
                + "metrics = [{ name = nll, loss = nll_loss, input = log_probs, target = label,"
                + " input_kind = logits }]\n"
                + reportKey())
            .failedWithOneLine();
    assertThat(line)
        .endsWith(
            "metrics[0].input_kind: nll_loss: input_kind 'logits' is not supported; expected one"
                + " of probability, log_probability (for logits use loss cross_entropy)");
  }
}
