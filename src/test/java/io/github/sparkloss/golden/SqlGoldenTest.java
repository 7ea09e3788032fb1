package io.github.sparkloss.golden;

import static io.github.sparkloss.golden.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.options.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden case through SQL: the value, the per-row losses, and per_class where recorded. */
class SqlGoldenTest extends SparkTestBase {

  static List<GoldenCase> cases() {
    return GoldenCase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorchThroughSql(GoldenCase c) {
    table(c).createOrReplaceTempView("golden");
    String call = call(c, c.loss.sqlName(), false);
    if (c.reduction == Reduction.NONE) {
      List<Row> rows = spark.sql("SELECT " + call + " FROM golden ORDER BY id").collectAsList();
      assertThat(rows).hasSize(c.rows());
      for (int i = 0; i < rows.size(); i++) {
        JsonNode e = c.expected.get(i);
        if (e.isArray()) {
          List<Double> actual = rows.get(i).getList(0);
          for (int k = 0; k < e.size(); k++) {
            assertClose(
                c.id + " row " + i + "[" + k + "]", actual.get(k), GoldenCase.number(e.get(k)));
          }
        } else {
          assertClose(c.id + " row " + i, rows.get(i).getDouble(0), GoldenCase.number(e));
        }
      }
      return;
    }
    Row row = spark.sql("SELECT " + call + " FROM golden").first();
    assertClose(c.id, row.getDouble(0), GoldenCase.number(c.expected));
    if (c.expectedPerClass != null) {
      Row stats =
          spark
              .sql("SELECT " + call(c, c.loss.sqlName() + "_stats", true) + " FROM golden")
              .first()
              .getStruct(0);
      assertClose(c.id + " stats", stats.getDouble(0), GoldenCase.number(c.expected));
      List<Row> classes = stats.getList(stats.fieldIndex("per_class"));
      assertThat(classes).hasSize(c.expectedPerClass.size());
      for (JsonNode e : c.expectedPerClass) {
        Row actual = classes.get(e.get("class").asInt());
        assertClose(
            c.id + " class " + e.get("class") + " loss_sum",
            actual.getDouble(actual.fieldIndex("loss_sum")),
            GoldenCase.number(e.get("loss_sum")));
      }
    }
  }

  static String call(GoldenCase c, String function, boolean perClass) {
    StringBuilder sb = new StringBuilder(function).append('(');
    sb.append(String.join(", ", c.names));
    if (c.sampleWeight != null) {
      sb.append(", sample_weight => sw");
    }
    for (Map.Entry<String, Object> o : c.options.entrySet()) {
      sb.append(", ").append(o.getKey()).append(" => ").append(sqlLiteral(o.getValue()));
    }
    if (perClass) {
      sb.append(", per_class => true");
    }
    return sb.append(')').toString();
  }

  static String sqlLiteral(Object v) {
    if (v instanceof List) {
      return ((List<?>) v)
          .stream().map(SqlGoldenTest::sqlLiteral).collect(Collectors.joining(", ", "array(", ")"));
    }
    if (v instanceof String) {
      return "'" + v + "'";
    }
    if (v instanceof Double) {
      return "CAST('" + v + "' AS DOUBLE)";
    }
    return String.valueOf(v);
  }

  /** The case's rows as a DataFrame (id, one column per argument[, sw]). */
  static Dataset<Row> table(GoldenCase c) {
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false);
    for (int a = 0; a < c.names.size(); a++) {
      schema = schema.add(c.names.get(a), c.sparkType(a, false), false);
    }
    if (c.sampleWeight != null) {
      schema = schema.add("sw", DataTypes.DoubleType, false);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < c.rows(); i++) {
      List<Object> values = new ArrayList<>();
      values.add(i);
      for (int a = 0; a < c.names.size(); a++) {
        values.add(c.sparkValue(a, i, false));
      }
      if (c.sampleWeight != null) {
        values.add(c.sampleWeight[i]);
      }
      rows.add(RowFactory.create(values.toArray()));
    }
    return spark.createDataFrame(rows, schema);
  }
}
