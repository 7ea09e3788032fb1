package io.github.sparkloss.job;

import static io.github.sparkloss.golden.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.golden.GoldenCase;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.Reduction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden cases through the batch job, against real PyTorch: the reduced cases as metrics of one
 * config (each metric's column keys are its loss's argument names) and the per-row cases as per-row
 * output columns of another.
 */
class JobGoldenTest extends SparkTestBase {
  @TempDir static Path dir;

  /**
   * Every reduced case with sample weights, a per-class expectation, an empty input or a value that
   * is not finite (all of them pass in one config as well, but plan for much longer).
   */
  static final List<GoldenCase> REDUCED =
      GoldenCase.all().stream()
          .filter(c -> c.reduction != Reduction.NONE)
          .filter(
              c ->
                  c.sampleWeight != null
                      || c.expectedPerClass != null
                      || c.rows() == 0
                      || !Double.isFinite(GoldenCase.number(c.expected)))
          .toList();

  static final List<GoldenCase> PER_ROW =
      GoldenCase.all().stream().filter(c -> c.reduction == Reduction.NONE).toList();

  static int maxRows;
  static JobHarness.Result reducedRun;
  static JsonNode report;
  static Map<String, JsonNode> entries;
  static List<Row> perRowOutput;

  static List<GoldenCase> reduced() {
    return REDUCED;
  }

  static List<GoldenCase> perRow() {
    return PER_ROW;
  }

  @BeforeAll
  static void runTheJob() {
    maxRows = GoldenCase.all().stream().mapToInt(GoldenCase::rows).max().orElseThrow();

    ObjectNode config = JobHarness.JSON.createObjectNode();
    config
        .putObject("input")
        .put("path", write("reduced.parquet", REDUCED).toString())
        .put("format", "parquet");
    ArrayNode metrics = config.putArray("metrics");
    for (int i = 0; i < REDUCED.size(); i++) {
      GoldenCase c = REDUCED.get(i);
      ObjectNode m = metric(c, i, c.id);
      if (c.expectedPerClass != null) {
        m.put("per_class", true);
      }
      metrics.add(m);
    }
    config.putObject("output").put("report", dir.resolve("out/report.json").toString());
    reducedRun = JobHarness.runConfig(dir, "golden.json", config.toPrettyString()).succeeded();
    report = JobHarness.readJson(dir.resolve("out/report.json"));
    entries = new HashMap<>();
    report.get("metrics").forEach(e -> entries.put(e.get("name").asText(), e));

    ObjectNode rowsConfig = JobHarness.JSON.createObjectNode();
    rowsConfig.putObject("input").put("path", write("per_row.parquet", PER_ROW).toString());
    ArrayNode rowMetrics = rowsConfig.putArray("metrics");
    for (int i = 0; i < PER_ROW.size(); i++) {
      rowMetrics.add(metric(PER_ROW.get(i), i, "m" + i));
    }
    ObjectNode output = rowsConfig.putObject("output");
    output.put("report", dir.resolve("rows-out/report.json").toString());
    ObjectNode rows = output.putObject("rows");
    rows.put("path", dir.resolve("rows-out/rows").toString());
    rows.putArray("keep").add("row");
    JobHarness.runConfig(dir, "golden-rows.json", rowsConfig.toPrettyString()).succeeded();
    perRowOutput =
        spark
            .read()
            .parquet(dir.resolve("rows-out/rows").toString())
            .orderBy("row")
            .collectAsList();
  }

  /** Case {@code c} as metric {@code name}: each argument's key names its column a{i}_{k}. */
  private static ObjectNode metric(GoldenCase c, int i, String name) {
    ObjectNode m = JobHarness.JSON.createObjectNode();
    m.put("name", name);
    m.put("loss", c.loss.sqlName());
    for (int a = 0; a < c.names.size(); a++) {
      m.put(c.names.get(a), "a" + i + "_" + a);
    }
    if (c.sampleWeight != null) {
      m.put("sample_weight", "sw_" + i);
    }
    c.options.forEach((k, v) -> m.set(k, JobHarness.JSON.valueToTree(v)));
    return m;
  }

  /** One Parquet file with columns row, a{i}_{k}[, sw_i] for every case i; nulls pad. */
  private static Path write(String name, List<GoldenCase> cases) {
    StructType schema = new StructType().add("row", DataTypes.IntegerType, false);
    for (int i = 0; i < cases.size(); i++) {
      GoldenCase c = cases.get(i);
      for (int a = 0; a < c.names.size(); a++) {
        schema = schema.add("a" + i + "_" + a, c.sparkType(a, true), true);
      }
      if (c.sampleWeight != null) {
        schema = schema.add("sw_" + i, DataTypes.DoubleType, true);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < maxRows; r++) {
      List<Object> values = new ArrayList<>();
      values.add(r);
      for (GoldenCase c : cases) {
        boolean has = r < c.rows();
        for (int a = 0; a < c.names.size(); a++) {
          values.add(has ? c.sparkValue(a, r, true) : null);
        }
        if (c.sampleWeight != null) {
          values.add(has ? c.sampleWeight[r] : null);
        }
      }
      rows.add(RowFactory.create(values.toArray()));
    }
    Path p = dir.resolve(name);
    spark.createDataFrame(rows, schema).write().parquet(p.toString());
    return p;
  }

  @Test
  void oneEntryPerCaseAndInputRowsCounted() {
    assertThat(REDUCED.stream().map(c -> c.loss).distinct())
        .containsExactlyInAnyOrderElementsOf(Loss.all());
    assertThat(report.get("metrics").size()).isEqualTo(REDUCED.size());
    assertThat(entries).hasSize(REDUCED.size());
    assertThat(report.get("input").get("rows").asLong()).isEqualTo(maxRows);
    // The table lists every metric too.
    assertThat(reducedRun.outLines()).hasSize(2 + REDUCED.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reduced")
  void reportMatchesPyTorch(GoldenCase c) {
    JsonNode e = entries.get(c.id);
    assertThat(e).as(c.id).isNotNull();
    assertThat(e.get("loss").asText()).isEqualTo(c.loss.sqlName());
    assertThat(e.get("reduction").asText()).isEqualTo(c.reduction.sqlName());
    assertThat(e.get("group").size()).isZero();
    double expected = GoldenCase.number(c.expected);
    JsonNode value = e.get("value");
    if (Double.isFinite(expected)) {
      assertThat(value.isNumber()).as(c.id + " value " + value).isTrue();
    } else {
      assertThat(value.isTextual()).as(c.id + " value " + value).isTrue();
    }
    assertClose(c.id, JobHarness.number(value), expected);

    long ignored = c.ignoredRows();
    assertThat(e.get("ignored_rows").asLong()).as(c.id + " ignored_rows").isEqualTo(ignored);
    assertThat(e.get("rows").asLong()).as(c.id + " rows").isEqualTo(c.rows() - ignored);
    assertThat(e.get("null_rows").asLong()).as(c.id + " null_rows").isEqualTo(maxRows - c.rows());
    assertThat(e.get("bad_rows").asLong()).as(c.id + " bad_rows").isZero();

    if (c.expectedPerClass == null) {
      assertThat(e.has("per_class")).isFalse();
      return;
    }
    JsonNode perClass = e.get("per_class");
    assertThat(perClass.size()).as(c.id + " classes").isEqualTo(c.expectedPerClass.size());
    for (JsonNode expectedClass : c.expectedPerClass) {
      int k = expectedClass.get("class").asInt();
      JsonNode actual = perClass.get(k);
      assertThat(actual.get("class").asInt()).isEqualTo(k);
      assertClose(
          c.id + " class " + k + " loss_sum",
          JobHarness.number(actual.get("loss_sum")),
          GoldenCase.number(expectedClass.get("loss_sum")));
      assertClose(
          c.id + " class " + k + " weight_sum",
          JobHarness.number(actual.get("weight_sum")),
          GoldenCase.number(expectedClass.get("weight_sum")));
      assertThat(actual.get("rows").asLong())
          .as(c.id + " class " + k + " rows")
          .isEqualTo(expectedClass.get("rows").asLong());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perRow")
  void perRowOutputMatchesPyTorch(GoldenCase c) {
    String column = "m" + PER_ROW.indexOf(c);
    assertThat(perRowOutput).hasSize(maxRows);
    for (int r = 0; r < maxRows; r++) {
      Row row = perRowOutput.get(r);
      assertThat(row.getInt(0)).isEqualTo(r);
      int field = row.fieldIndex(column);
      if (r >= c.rows()) {
        assertThat(row.isNullAt(field)).as(c.id + " padding row " + r + " is null").isTrue();
        continue;
      }
      JsonNode e = c.expected.get(r);
      if (e.isArray()) {
        List<Double> actual = row.getList(field);
        assertThat(actual).as(c.id + " row " + r).hasSize(e.size());
        for (int k = 0; k < e.size(); k++) {
          assertClose(
              c.id + " row " + r + "[" + k + "]", actual.get(k), GoldenCase.number(e.get(k)));
        }
      } else {
        assertClose(c.id + " row " + r, row.getDouble(field), GoldenCase.number(e));
      }
    }
  }
}
