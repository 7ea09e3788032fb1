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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PyTorch golden vector through Spark SQL, with the options written as SQL named arguments,
 * in a session that knows sparkloss only through {@code spark.sql.extensions}. float32 cases run
 * over {@code array<float>} (or {@code float}) columns.
 */
class SqlGoldenTest extends SparkTestBase {

  static List<GoldenCase> cases() {
    return GoldenCase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorchThroughSql(GoldenCase c) {
    table(c).createOrReplaceTempView("golden");
    String call = call(c, c.loss.sqlName());
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
  }

  static String call(GoldenCase c, String function) {
    StringBuilder sb = new StringBuilder(function).append("(input, target");
    if (c.sampleWeight != null) {
      sb.append(", sample_weight => sw");
    }
    for (Map.Entry<String, Object> o : c.options.entrySet()) {
      sb.append(", ").append(o.getKey()).append(" => ").append(sqlLiteral(o.getValue()));
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

  /** The case's rows as a DataFrame (id, input, target[, sw]) with types matching the case. */
  static Dataset<Row> table(GoldenCase c) {
    DataType element = c.float32 ? DataTypes.FloatType : DataTypes.DoubleType;
    DataType inputType = c.scalar ? element : DataTypes.createArrayType(element, false);
    DataType targetType;
    if (c.indexTarget != null) {
      targetType = DataTypes.LongType;
    } else if (c.scalar) {
      targetType = DataTypes.DoubleType;
    } else {
      targetType = DataTypes.createArrayType(DataTypes.DoubleType, false);
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("input", inputType, false)
            .add("target", targetType, false);
    if (c.sampleWeight != null) {
      schema = schema.add("sw", DataTypes.DoubleType, false);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < c.rows(); i++) {
      List<Object> values = new ArrayList<>();
      values.add(i);
      values.add(c.scalar ? value(c.input[i][0], c.float32) : vector(c.input[i], c.float32));
      if (c.indexTarget != null) {
        values.add(c.indexTarget[i]);
      } else {
        values.add(c.scalar ? (Object) c.vectorTarget[i][0] : vector(c.vectorTarget[i], false));
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
