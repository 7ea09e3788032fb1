package io.github.sparkloss.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sparkloss.Failures;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.options.LossException;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loss family's errors: every option check and every argument type check fails at analysis with
 * its message; every bad row fails the query with its message, or under {@code on_bad_row =>
 * 'skip'} is left out and counted.
 */
class FamilyErrorsTest extends SparkTestBase {

  @BeforeAll
  static void views() {
    spark
        .sql(
            "SELECT array(1.0D, 2.0D, 0.5D) AS x, array(0.5D, 1.0D, 2.0D) AS y,"
                + " array(0.1D, 0.2D, 0.3D) AS v, 1L AS label, 0.5D AS s, 1.0D AS sign,"
                + " array(0, 2, -1) AS idx, array(1.0D, 2.0D, 3.0D, 4.0D) AS y4")
        .createOrReplaceTempView("fam");
    // Two clean rows, then one row bad in one way for each bad-row case.
    spark
        .sql(
            "SELECT * FROM VALUES"
                + " (0, array(1.0D, 2.0D, 0.5D), array(0.5D, 1.0D, 2.0D), array(0.1D, 0.2D, 0.3D),"
                + " 1L, array(0, 2, -1), array(0.5D, 1.0D, 2.0D)),"
                + " (1, array(0.0D, -1.0D, 3.0D), array(1.0D, 1.0D, 0.0D), array(1.0D, 2.0D, 3.0D),"
                + " 2L, array(1, -1, -1), array(0.0D, 0.0D, 1.0D)),"
                + " (2, array(1.0D, 2.0D, 0.5D), array(0.5D, 1.0D, 2.0D), array(0.1D, -0.5D, 0.3D),"
                + " 5L, array(0, 7, -1), array(1.0D, 2.0D, 3.0D, 4.0D))"
                + " AS t(id, x, y, v, label, idx, n)")
        .createOrReplaceTempView("famrows");
  }

  static Stream<Arguments> analysisErrors() {
    return Stream.of(
        Arguments.of("smooth_l1_loss(x, y, beta => -1)", "smooth_l1_loss: beta must be >= 0: -1"),
        Arguments.of("huber_loss(x, y, delta => 0)", "huber_loss: delta must be > 0: 0"),
        Arguments.of(
            "huber_loss(x, y, delta => 'a')", "huber_loss: delta is 'a'; expected a number"),
        Arguments.of(
            "multi_margin_loss(x, label, p => 3)", "multi_margin_loss: p must be 1 or 2: 3"),
        Arguments.of(
            "multi_margin_loss(x, label, p => 1.5)",
            "multi_margin_loss: p is 1.5; expected a whole number"),
        Arguments.of(
            "multi_margin_loss(x, label, weight => array(1, -2, 3))",
            "multi_margin_loss: weight[1] must be finite and >= 0: -2 in [1, -2, 3]"),
        Arguments.of(
            "multilabel_soft_margin_loss(x, y, weight => array())",
            "multilabel_soft_margin_loss: weight is empty; expected one entry per class"),
        Arguments.of(
            "gaussian_nll_loss(x, y, v, eps => -1)", "gaussian_nll_loss: eps must be >= 0: -1"),
        Arguments.of(
            "gaussian_nll_loss(x, y, v, full => 1)",
            "gaussian_nll_loss: full is 1; expected true or false"),
        Arguments.of(
            "triplet_margin_loss(x, y, v, p => -1)", "triplet_margin_loss: p must be >= 0: -1"),
        Arguments.of(
            "triplet_margin_loss(x, y, v, swap => 1)",
            "triplet_margin_loss: swap is 1; expected true or false"),
        Arguments.of(
            "poisson_nll_loss(x, y, log_input => 'yes')",
            "poisson_nll_loss: log_input is 'yes'; expected true or false"),
        Arguments.of(
            "poisson_nll_loss(x, y, eps => 'small')",
            "poisson_nll_loss: eps is 'small'; expected a number"),
        Arguments.of(
            "hinge_embedding_loss(x, y, margin => array(1))",
            "hinge_embedding_loss: margin is [1]; expected a number"),
        Arguments.of(
            "margin_ranking_loss(x, y, v, margin => null)",
            "margin_ranking_loss: option margin is null; give a value or leave it out"),
        Arguments.of(
            "cosine_embedding_loss(x, y, sign, margin => s)",
            "cosine_embedding_loss: option margin must be a constant, got fam.s; only input1, input2,"
                + " target and sample_weight may name columns"),
        Arguments.of(
            "sigmoid_focal_loss(x, y, gamma => true)",
            "sigmoid_focal_loss: gamma is true; expected a number"),
        Arguments.of(
            "mse_loss(x, y, weight => array(1, 2, 3))",
            "mse_loss: option weight does not apply; mse_loss takes reduction, on_bad_row, confidence"),
        Arguments.of(
            "l1_loss(x, y, reduction => 'batchmean')",
            "l1_loss: reduction 'batchmean' is only defined for kl_div; expected one of none, sum,"
                + " mean"),
        Arguments.of(
            "soft_margin_loss(x, y, reduction => 'avg')",
            "soft_margin_loss: reduction 'avg' is not supported; expected one of none, sum, mean"),
        Arguments.of(
            "cosine_embedding_loss_stats(x, y, sign, per_class => true)",
            "cosine_embedding_loss: per_class does not apply; cosine_embedding_loss gives one"
                + " loss per row, not per class"),
        Arguments.of(
            "triplet_margin_loss(x, y)",
            "triplet_margin_loss: missing negative; expected triplet_margin_loss(anchor, positive,"
                + " negative[, option => value ...])"),
        Arguments.of(
            "margin_ranking_loss(x, y, v, y)",
            "margin_ranking_loss: takes 3 positional arguments (input1, input2, target) but got"
                + " 4; give options by name, e.g. margin_ranking_loss(input1, input2, target,"
                + " reduction => 'sum')"),
        Arguments.of(
            "cosine_embedding_loss(x, y, y)",
            "cosine_embedding_loss: target column y has type array<double>; expected a number per"
                + " row"),
        Arguments.of(
            "cosine_embedding_loss(s, s, sign)",
            "cosine_embedding_loss: input1 column s has type double; expected array<float>,"
                + " array<double> or an MLlib vector"),
        Arguments.of(
            "gaussian_nll_loss(s, s, x)",
            "gaussian_nll_loss: var column x has type array<double>; expected a number per row,"
                + " like the input"),
        Arguments.of(
            "mse_loss(x, s)",
            "mse_loss: target column s has type double; expected array<float>, array<double> or an"
                + " MLlib vector, like the input"),
        Arguments.of(
            "multilabel_margin_loss(x, label)",
            "multilabel_margin_loss: target column label has type bigint; expected class indices as"
                + " array<int>, array<bigint> or array<float>, array<double> or an MLlib vector"),
        Arguments.of(
            "multi_margin_loss(x, y)",
            "multi_margin_loss: target column y has type array<double>; expected a class index (an"
                + " integer, or a double holding a whole number)"),
        Arguments.of(
            "triplet_margin_loss(x, y, idx)",
            "triplet_margin_loss: negative column idx has type array<int>; expected array<float>,"
                + " array<double> or an MLlib vector, like the input"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("analysisErrors")
  void rejectedAtAnalysis(String call, String message) {
    assertThatThrownBy(() -> spark.sql("SELECT " + call + " FROM fam"))
        .isInstanceOf(LossException.class)
        .hasMessage(message);
  }

  /** A call over famrows whose row 2 is bad, and the message it fails with. */
  static Stream<Arguments> badRows() {
    return Stream.of(
        Arguments.of(
            "gaussian_nll_loss_stats(x, y, v%s)",
            "gaussian_nll_loss: var -0.5 at index 1 of column v is negative; expected a variance"
                + " >= 0"),
        Arguments.of(
            "multi_margin_loss_stats(x, label%s)",
            "multi_margin_loss: target 5 in column label is out of range for 3 classes; expected a"
                + " class index in [0, 3)"),
        Arguments.of(
            "multilabel_margin_loss_stats(x, idx%s)",
            "multilabel_margin_loss: target 7 at index 1 of column idx is not a class index;"
                + " expected a class index in [0, 3) or -1 to end the row's targets"),
        Arguments.of(
            "triplet_margin_loss_stats(x, y, n%s)",
            "triplet_margin_loss: negative in column n has 4 entries but the anchor has 3"
                + " elements; expected one negative per element"),
        Arguments.of(
            "mse_loss_stats(x, n%s)",
            "mse_loss: target in column n has 4 entries but the input has 3 elements; expected"
                + " one target per element"),
        Arguments.of(
            "multi_margin_loss_stats(x, label, weight => array(1, 2, 3)%s)",
            "multi_margin_loss: target 5 in column label is out of range for 3 classes; expected a"
                + " class index in [0, 3)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRows")
  void badRowFailsOrIsSkippedAndCounted(String call, String message) {
    String fail = "SELECT " + String.format(call, "") + " FROM famrows";
    assertThat(Failures.lossFailure(() -> spark.sql(fail).collect())).hasMessage(message);
    String skip = "SELECT " + String.format(call, ", on_bad_row => 'skip'") + " FROM famrows";
    Row stats = spark.sql(skip).first().getStruct(0);
    assertThat(stats.getLong(stats.fieldIndex("rows"))).isEqualTo(2);
    assertThat(stats.getLong(stats.fieldIndex("bad_rows"))).isEqualTo(1);
    String clean = "SELECT " + String.format(call, "") + " FROM famrows WHERE id < 2";
    Row cleanStats = spark.sql(clean).first().getStruct(0);
    assertThat(stats.getDouble(0)).isEqualTo(cleanStats.getDouble(0));
  }
}
