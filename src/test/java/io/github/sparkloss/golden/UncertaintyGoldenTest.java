package io.github.sparkloss.golden;

import static io.github.sparkloss.golden.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparkloss.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code name_stats}' std_error, ci_low and ci_high through SQL against values computed apart with
 * NumPy and SciPy from PyTorch's per-row losses ({@code uncertainty-golden.json}): unweighted
 * (scipy.stats.sem), sample weights, ignore_index, class weights (a ratio), probability targets,
 * element-wise losses, sum and batchmean, per class, and other confidence levels.
 */
class UncertaintyGoldenTest extends SparkTestBase {

  static List<GoldenCase> cases() {
    return GoldenCase.uncertainty();
  }

  @Test
  void theFileRecordsWhereItsNumbersCameFrom() {
    for (String field : List.of("torch_version", "numpy_version", "scipy_version")) {
      assertThat(GoldenCase.header(GoldenCase.UNCERTAINTY, field)).as(field).isNotBlank();
    }
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesNumPyAndSciPy(GoldenCase c) {
    JsonNode u = c.uncertainty;
    boolean perClass = u.has("per_class");
    SqlGoldenTest.table(c).createOrReplaceTempView("golden");
    String call = SqlGoldenTest.call(c, c.loss.sqlName() + "_stats", perClass);
    Row stats = spark.sql("SELECT " + call + " FROM golden").first().getStruct(0);
    check(c.id, stats, u);
    if (perClass) {
      List<Row> classes = stats.getList(stats.fieldIndex("per_class"));
      assertThat(classes).hasSize(u.get("per_class").size());
      for (JsonNode e : u.get("per_class")) {
        check(c.id + " class " + e.get("class"), classes.get(e.get("class").asInt()), e);
      }
    }
  }

  private static void check(String what, Row actual, JsonNode expected) {
    for (String field : List.of("value", "std_error", "ci_low", "ci_high")) {
      assertClose(
          what + " " + field,
          actual.getDouble(actual.fieldIndex(field)),
          GoldenCase.number(expected.get(field)));
    }
  }
}
