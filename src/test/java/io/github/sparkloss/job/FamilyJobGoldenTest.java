package io.github.sparkloss.job;

import static io.github.sparkloss.golden.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.golden.FamilyCase;
import io.github.sparkloss.golden.GoldenCase;
import io.github.sparkloss.options.Reduction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loss family through the batch job, against real PyTorch: every reduced case with sample
 * weights or a per-class expectation as one metric of one config (the metric's column keys are the
 * loss's argument names), and the per-row cases as per-row output columns.
 */
class FamilyJobGoldenTest extends SparkTestBase {
  @TempDir static Path dir;

  static final List<FamilyCase> REDUCED =
      FamilyCase.all().stream()
          .filter(c -> c.reduction != Reduction.NONE && c.rows() > 0)
          .filter(c -> c.sampleWeight != null || c.expectedPerClass != null)
          .toList();

  static final List<FamilyCase> PER_ROW =
      FamilyCase.all().stream().filter(c -> c.reduction == Reduction.NONE && c.rows() > 0).toList();

  static int maxRows;
  static Map<String, JsonNode> entries;
  static List<Row> perRowOutput;

  static List<FamilyCase> reduced() {
    return REDUCED;
  }

  static List<FamilyCase> perRow() {
    return PER_ROW;
  }

  @BeforeAll
  static void runTheJob() {
    maxRows = FamilyCase.all().stream().mapToInt(FamilyCase::rows).max().orElseThrow();

    ObjectNode config = JobHarness.JSON.createObjectNode();
    config.putObject("input").put("path", write("reduced.parquet", REDUCED).toString());
    ArrayNode metrics = config.putArray("metrics");
    for (int i = 0; i < REDUCED.size(); i++) {
      FamilyCase c = REDUCED.get(i);
      ObjectNode m = metric(c, i, c.id);
      if (c.expectedPerClass != null) {
        m.put("per_class", true);
      }
      metrics.add(m);
    }
    config.putObject("output").put("report", dir.resolve("out/report.json").toString());
    JobHarness.runConfig(dir, "family.json", config.toPrettyString()).succeeded();
    JsonNode report = JobHarness.readJson(dir.resolve("out/report.json"));
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
    JobHarness.runConfig(dir, "family-rows.json", rowsConfig.toPrettyString()).succeeded();
    perRowOutput =
        spark
            .read()
            .parquet(dir.resolve("rows-out/rows").toString())
            .orderBy("row")
            .collectAsList();
  }

  /** Case {@code c} as metric {@code name}: each argument's key names its column a{i}_{k}. */
  private static ObjectNode metric(FamilyCase c, int i, String name) {
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

  private static DataType type(FamilyCase c, int a) {
    DataType element = c.float32 ? DataTypes.FloatType : DataTypes.DoubleType;
    switch (c.shapes.get(a)) {
      case "matrix":
        return DataTypes.createArrayType(element, false);
      case "index":
        return DataTypes.LongType;
      case "index_matrix":
        return DataTypes.createArrayType(DataTypes.LongType, false);
      default:
        return element;
    }
  }

  private static Object value(FamilyCase c, int a, double[] v) {
    switch (c.shapes.get(a)) {
      case "matrix":
        {
          List<Object> list = new ArrayList<>();
          for (double d : v) {
            list.add(c.float32 ? (Object) (float) d : (Object) d);
          }
          return list;
        }
      case "index":
        return (long) v[0];
      case "index_matrix":
        {
          List<Object> list = new ArrayList<>();
          for (double d : v) {
            list.add((long) d);
          }
          return list;
        }
      default:
        return c.float32 ? (Object) (float) v[0] : (Object) v[0];
    }
  }

  /** One Parquet file with columns row, a{i}_{k}[, sw_i] for every case i; nulls pad. */
  private static Path write(String name, List<FamilyCase> cases) {
    StructType schema = new StructType().add("row", DataTypes.IntegerType, false);
    for (int i = 0; i < cases.size(); i++) {
      FamilyCase c = cases.get(i);
      for (int a = 0; a < c.names.size(); a++) {
        schema = schema.add("a" + i + "_" + a, type(c, a), true);
      }
      if (c.sampleWeight != null) {
        schema = schema.add("sw_" + i, DataTypes.DoubleType, true);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < maxRows; r++) {
      List<Object> values = new ArrayList<>();
      values.add(r);
      for (FamilyCase c : cases) {
        boolean has = r < c.rows();
        for (int a = 0; a < c.names.size(); a++) {
          values.add(has ? value(c, a, c.args.get(a)[r]) : null);
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
  void everyLossOfTheFamilyRunsInTheJob() {
    assertThat(REDUCED.stream().map(c -> c.loss).distinct()).hasSize(15);
    assertThat(entries).hasSize(REDUCED.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reduced")
  void reportMatchesPyTorch(FamilyCase c) {
    JsonNode e = entries.get(c.id);
    assertThat(e).as(c.id).isNotNull();
    assertThat(e.get("loss").asText()).isEqualTo(c.loss.sqlName());
    assertClose(c.id, JobHarness.number(e.get("value")), GoldenCase.number(c.expected));
    assertThat(e.get("rows").asLong()).as(c.id + " rows").isEqualTo(c.rows());
    assertThat(e.get("null_rows").asLong()).isEqualTo(maxRows - c.rows());
    assertThat(e.get("bad_rows").asLong()).isZero();
    if (c.expectedPerClass != null) {
      JsonNode perClass = e.get("per_class");
      assertThat(perClass.size()).as(c.id + " classes").isEqualTo(c.expectedPerClass.size());
      for (JsonNode expected : c.expectedPerClass) {
        int k = expected.get("class").asInt();
        assertClose(
            c.id + " class " + k + " loss_sum",
            JobHarness.number(perClass.get(k).get("loss_sum")),
            GoldenCase.number(expected.get("loss_sum")));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perRow")
  void perRowOutputMatchesPyTorch(FamilyCase c) {
    String column = "m" + PER_ROW.indexOf(c);
    for (int r = 0; r < c.rows(); r++) {
      Row row = perRowOutput.get(r);
      int field = row.fieldIndex(column);
      JsonNode e = c.expected.get(r);
      if (e.isArray()) {
        List<Double> actual = row.getList(field);
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
