package io.github.sparkloss.golden;

import static io.github.sparkloss.golden.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.options.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The loss family through SQL, against real PyTorch: value, per-row losses and per_class. */
class FamilySqlGoldenTest extends SparkTestBase {

  static List<FamilyCase> cases() {
    return FamilyCase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorchThroughSql(FamilyCase c) {
    table(c).createOrReplaceTempView("family");
    String call = call(c, c.loss.sqlName(), false);
    if (c.reduction == Reduction.NONE) {
      List<Row> rows = spark.sql("SELECT " + call + " FROM family ORDER BY id").collectAsList();
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
    if (c.rows() == 0) {
      return;
    }
    Row row = spark.sql("SELECT " + call + " FROM family").first();
    assertClose(c.id, row.getDouble(0), GoldenCase.number(c.expected));
    if (c.expectedPerClass != null) {
      Row stats =
          spark
              .sql("SELECT " + call(c, c.loss.sqlName() + "_stats", true) + " FROM family")
              .first()
              .getStruct(0);
      assertClose(c.id + " stats", stats.getDouble(0), GoldenCase.number(c.expected));
      List<Row> classes = stats.getList(stats.fieldIndex("per_class"));
      assertThat(classes).hasSize(c.expectedPerClass.size());
      for (JsonNode e : c.expectedPerClass) {
        Row actual = classes.get(e.get("class").asInt());
        assertClose(
            c.id + " class " + e.get("class") + " value",
            actual.getDouble(1),
            GoldenCase.number(e.get("value")));
      }
    }
  }

  static String call(FamilyCase c, String function, boolean perClass) {
    StringBuilder sb = new StringBuilder(function).append('(');
    sb.append(String.join(", ", c.names));
    if (c.sampleWeight != null) {
      sb.append(", sample_weight => sw");
    }
    for (Map.Entry<String, Object> o : c.options.entrySet()) {
      sb.append(", ")
          .append(o.getKey())
          .append(" => ")
          .append(SqlGoldenTest.sqlLiteral(o.getValue()));
    }
    if (perClass) {
      sb.append(", per_class => true");
    }
    return sb.append(')').toString();
  }

  /** The case's rows as a DataFrame (id, one column per argument[, sw]). */
  static Dataset<Row> table(FamilyCase c) {
    DataType element = c.float32 ? DataTypes.FloatType : DataTypes.DoubleType;
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false);
    for (int a = 0; a < c.names.size(); a++) {
      DataType t;
      switch (c.shapes.get(a)) {
        case "matrix":
          t = DataTypes.createArrayType(element, false);
          break;
        case "index":
          t = DataTypes.LongType;
          break;
        case "index_matrix":
          t = DataTypes.createArrayType(DataTypes.IntegerType, false);
          break;
        default:
          t = element;
          break;
      }
      schema = schema.add(c.names.get(a), t, false);
    }
    if (c.sampleWeight != null) {
      schema = schema.add("sw", DataTypes.DoubleType, false);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < c.rows(); i++) {
      List<Object> values = new ArrayList<>();
      values.add(i);
      for (int a = 0; a < c.names.size(); a++) {
        double[] v = c.args.get(a)[i];
        switch (c.shapes.get(a)) {
          case "matrix":
            values.add(vector(v, c.float32));
            break;
          case "index":
            values.add((long) v[0]);
            break;
          case "index_matrix":
            List<Object> ints = new ArrayList<>();
            for (double d : v) {
              ints.add((int) d);
            }
            values.add(ints);
            break;
          default:
            values.add(value(v[0], c.float32));
            break;
        }
      }
      if (c.sampleWeight != null) {
        values.add(c.sampleWeight[i]);
      }
      rows.add(RowFactory.create(values.toArray()));
    }
    return spark.createDataFrame(rows, schema);
  }

  private static Object value(double v, boolean float32) {
    return float32 ? (Object) (float) v : (Object) v;
  }

  private static Object vector(double[] v, boolean float32) {
    List<Object> list = new ArrayList<>(v.length);
    for (double d : v) {
      list.add(value(d, float32));
    }
    return list;
  }
}
