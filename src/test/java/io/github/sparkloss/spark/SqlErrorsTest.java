package io.github.sparkloss.spark;

import static io.github.sparkloss.Failures.lossFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.options.LossException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every error path of the SQL functions, each asserting the message users read: option and type
 * errors raised by {@code spark.sql(...)} at analysis, before any job; bad rows failing the job
 * under {@code on_bad_row => 'fail'} (the default); the same rows left out and counted under {@code
 * 'skip'}; and null rows, skipped and counted whatever the policy.
 */
class SqlErrorsTest extends SparkTestBase {

  /** One row of each column type the analysis errors need; no job ever reads it. */
  private static final String ANALYSIS_VIEW = "errs";

  /**
   * Clean rows (bad is null), one bad row per bad-row kind (bad names it) and three null rows. A
   * bad row is clean row 1 with one field changed, so it is bad only for the calls that read that
   * field: (id, bad, logits, label, dlabel, probs, p, t, sw).
   */
  private static final String ROWS_VIEW = "rows";

  private static final long CLEAN_ROWS = 4;

  // Field positions in ROWS_VIEW.
  private static final int LOGITS = 2;
  private static final int LABEL = 3;
  private static final int DLABEL = 4;
  private static final int PROBS = 5;
  private static final int P = 6;
  private static final int T = 7;
  private static final int SW = 8;

  @BeforeAll
  static void createViews() {
    spark
        .sql(
            "SELECT array(1.0D, 2.0D, 0.5D) AS logits, 1L AS label, array(0.2D, 0.3D, 0.5D) AS"
                + " probs, 0.5D AS p, 1 AS y, 'x' AS s, array('a', 'b', 'c') AS sa, 1.0D AS w")
        .createOrReplaceTempView(ANALYSIS_VIEW);

    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("bad", DataTypes.StringType, true)
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
            .add("label", DataTypes.LongType, true)
            .add("dlabel", DataTypes.DoubleType, true)
            .add("probs", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
            .add("p", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
            .add("t", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
            .add("sw", DataTypes.DoubleType, true);
    List<Row> rows = new ArrayList<>();
    rows.add(row(1, v(1.0, 2.0, 0.5), 0, v(0.2, 0.3, 0.5), v(0.9, 0.2, 0.5), v(1, 0, 1), 1.0));
    rows.add(row(2, v(0.1, -0.3, 0.8), 1, v(0.6, 0.1, 0.3), v(0.1, 0.7, 0.3), v(0, 1, 0), 2.0));
    rows.add(row(3, v(2.5, 0.0, -1.0), 2, v(1, 0, 0), v(0.6, 0.4, 0.8), v(1, 1, 0), 0.5));
    rows.add(
        row(4, v(-0.5, 0.25, 1.5), 1, v(0.25, 0.25, 0.5), v(0.35, 0.5, 0.95), v(0.5, 0, 1), 1.5));
    Row base = rows.get(0);
    rows.add(bad(base, 10, "label_out_of_range", LABEL, 7L));
    rows.add(bad(base, 11, "label_negative", LABEL, -1L));
    rows.add(bad(base, 12, "label_fractional", DLABEL, 3.5));
    rows.add(bad(base, 13, "input_shorter_than_weight", LOGITS, v(1.0, 2.0)));
    rows.add(bad(base, 14, "bce_input_above_one", P, v(0.9, 1.5, 0.5)));
    rows.add(bad(base, 15, "bce_input_nan", P, v(0.9, Double.NaN, 0.5)));
    rows.add(bad(base, 16, "bce_target_negative", T, v(1, -0.5, 1)));
    rows.add(bad(base, 17, "null_input_element", LOGITS, nv(1.0, null, 0.5)));
    rows.add(bad(base, 18, "null_target_element", T, nv(1.0, null, 1.0)));
    rows.add(bad(base, 19, "sample_weight_negative", SW, -1.0));
    rows.add(bad(base, 20, "sample_weight_nan", SW, Double.NaN));
    rows.add(bad(base, 21, "sample_weight_infinite", SW, Double.POSITIVE_INFINITY));
    rows.add(bad(base, 22, "probs_too_short", PROBS, v(0.5, 0.5)));
    // Null rows: every input column null, every target column null, a null sample weight.
    rows.add(withField(bad(base, 30, "null_input", LOGITS, null), P, null));
    Row nullTarget = bad(base, 31, "null_target", LABEL, null);
    for (int field : new int[] {DLABEL, PROBS, T}) {
      nullTarget = withField(nullTarget, field, null);
    }
    rows.add(nullTarget);
    rows.add(bad(base, 32, "null_weight", SW, null));
    spark.createDataFrame(rows, schema).createOrReplaceTempView(ROWS_VIEW);
  }

  // ---- Option, argument and type errors: spark.sql(...) itself throws, before any job ----

  static Stream<Arguments> analysisErrors() {
    return Stream.of(
        Arguments.of(
            "cross_entropy(logits, label, reduction => 'avg')",
            "cross_entropy: reduction 'avg' is not supported; expected one of none, sum, mean"),
        Arguments.of(
            "kl_div(logits, probs, reduction => 'average')",
            "kl_div: reduction 'average' is not supported; expected one of none, sum, mean,"
                + " batchmean"),
        Arguments.of(
            "cross_entropy(logits, label, reduction => 'batchmean')",
            "cross_entropy: reduction 'batchmean' is only defined for kl_div; expected one of"
                + " none, sum, mean"),
        Arguments.of(
            "binary_cross_entropy_stats(probs, probs, reduction => 'batchmean')",
            "binary_cross_entropy: reduction 'batchmean' is only defined for kl_div; expected one"
                + " of none, sum, mean"),
        Arguments.of(
            "cross_entropy(logits, label, label_smoothing => -0.1)",
            "cross_entropy: label_smoothing must be in [0, 1]: -0.1"),
        Arguments.of(
            "cross_entropy(logits, label, label_smoothing => 1.5)",
            "cross_entropy: label_smoothing must be in [0, 1]: 1.5"),
        Arguments.of(
            "cross_entropy(logits, label, weight => array(1.0D, double('NaN'), 1.0D))",
            "cross_entropy: weight[1] must be finite and >= 0: NaN in [1, NaN, 1]"),
        Arguments.of(
            "nll_loss(logits, label, weight => array(1, 0.5, -2))",
            "nll_loss: weight[2] must be finite and >= 0: -2 in [1, 0.5, -2]"),
        Arguments.of(
            "binary_cross_entropy_with_logits(logits, probs, pos_weight => array(1, -1, 1))",
            "binary_cross_entropy_with_logits: pos_weight[1] must be finite and >= 0: -1 in"
                + " [1, -1, 1]"),
        Arguments.of(
            "cross_entropy(logits, label, weight => array())",
            "cross_entropy: weight is empty; expected one entry per class"),
        Arguments.of(
            "binary_cross_entropy_with_logits(logits, probs, weight => array(1, 2, 1),"
                + " pos_weight => array(1, 2))",
            "binary_cross_entropy_with_logits: weight has 3 entries but pos_weight has 2;"
                + " expected one entry per class in both"),
        Arguments.of(
            "binary_cross_entropy(p, y, weight => array(1, 2))",
            "binary_cross_entropy: weight has 2 entries but column p holds one value per row;"
                + " expected 1 entry"),
        Arguments.of(
            "cross_entropy(logits, label, pos_weight => array(1, 2, 1))",
            "cross_entropy: option pos_weight does not apply; cross_entropy takes weight,"
                + " ignore_index, label_smoothing, input_kind, reduction, on_bad_row, confidence"),
        Arguments.of(
            "nll_loss(logits, label, label_smoothing => 0.1)",
            "nll_loss: option label_smoothing does not apply; nll_loss takes weight, ignore_index,"
                + " input_kind, reduction, on_bad_row, confidence"),
        Arguments.of(
            "binary_cross_entropy(probs, probs, log_target => true)",
            "binary_cross_entropy: option log_target does not apply; binary_cross_entropy takes"
                + " weight, reduction, on_bad_row, confidence"),
        Arguments.of(
            "kl_div(logits, probs, ignore_index => 0)",
            "kl_div: option ignore_index does not apply; kl_div takes weight, log_target,"
                + " input_kind, reduction, on_bad_row, confidence"),
        Arguments.of(
            "cross_entropy(logits, label, weight => probs)",
            "cross_entropy: option weight must be a constant, got "
                + ANALYSIS_VIEW
                + ".probs; only input, target and sample_weight may name columns"),
        Arguments.of(
            "cross_entropy(logits, label, label_smoothing => w)",
            "cross_entropy: option label_smoothing must be a constant, got "
                + ANALYSIS_VIEW
                + ".w; only input, target and sample_weight may name columns"),
        Arguments.of(
            "cross_entropy(logits, label, weight => NULL)",
            "cross_entropy: option weight is null; give a value or leave it out"),
        Arguments.of(
            "cross_entropy(logits, label, weight => 'heavy')",
            "cross_entropy: weight is 'heavy'; expected an array of numbers"),
        Arguments.of(
            "cross_entropy(logits, label, ignore_index => 1.5)",
            "cross_entropy: ignore_index is 1.5; expected a whole number"),
        Arguments.of(
            "kl_div(logits, probs, log_target => 1)",
            "kl_div: log_target is 1; expected true or false"),
        Arguments.of(
            "cross_entropy(logits, label, on_bad_row => 'ignore')",
            "cross_entropy: on_bad_row 'ignore' is not supported; expected one of fail, skip"),
        Arguments.of(
            "cross_entropy(logits, probs, ignore_index => 0)",
            "cross_entropy: ignore_index 0 does not apply to probability targets (column probs);"
                + " leave it out or give a negative value"),
        Arguments.of(
            "cross_entropy(logits, label, per_class => true)",
            "cross_entropy: per_class applies to cross_entropy_stats only; use"
                + " cross_entropy_per_class for the per-class breakdown"),
        Arguments.of(
            "kl_div_per_class(logits, probs, per_class => true)",
            "kl_div_per_class: per_class applies to kl_div_stats only; use kl_div_per_class for"
                + " the per-class breakdown"),
        Arguments.of(
            "cross_entropy_stats(logits, label, per_class => 'yes')",
            "cross_entropy_stats: per_class is 'yes'; expected true or false"),
        Arguments.of(
            "cross_entropy_stats(logits, label, reduction => 'none')",
            "cross_entropy_stats: reduction 'none' gives per-row losses; use"
                + " cross_entropy(..., reduction => 'none') for them"),
        Arguments.of(
            "nll_loss_per_class(logits, label, reduction => 'none')",
            "nll_loss_per_class: reduction 'none' gives per-row losses; use"
                + " nll_loss(..., reduction => 'none') for them"),
        Arguments.of(
            "cross_entropy(s, label)",
            "cross_entropy: input column s has type string; expected array<float>, array<double>"
                + " or an MLlib vector"),
        Arguments.of(
            "cross_entropy(sa, label)",
            "cross_entropy: input column sa has type array<string>; expected array<float>,"
                + " array<double> or an MLlib vector"),
        Arguments.of(
            "cross_entropy(p, label)",
            "cross_entropy: input column p has type double; expected array<float>, array<double>"
                + " or an MLlib vector"),
        Arguments.of(
            "binary_cross_entropy(s, y)",
            "binary_cross_entropy: input column s has type string; expected array<float>,"
                + " array<double>, an MLlib vector, or a number per row"),
        Arguments.of(
            "nll_loss(logits, probs)",
            "nll_loss: target column probs has type array<double>; expected a class index (an"
                + " integer, or a double holding a whole number)"),
        Arguments.of(
            "cross_entropy(logits, sa)",
            "cross_entropy: target column sa has type array<string>; expected a class index, or"
                + " probabilities as array<float>, array<double> or an MLlib vector"),
        Arguments.of(
            "binary_cross_entropy(probs, y)",
            "binary_cross_entropy: target column y has type int; expected array<float>,"
                + " array<double> or an MLlib vector, like the input"),
        Arguments.of(
            "binary_cross_entropy_with_logits(p, probs)",
            "binary_cross_entropy_with_logits: target column probs has type array<double>;"
                + " expected a number per row, like the input"),
        Arguments.of(
            "cross_entropy(logits, label, sample_weight => s)",
            "cross_entropy: sample_weight column s has type string; expected a number"),
        Arguments.of(
            "cross_entropy(logits, label, w)",
            "cross_entropy: takes 2 positional arguments (input, target) but got 3; give options"
                + " by name, e.g. cross_entropy(input, target, reduction => 'sum')"),
        Arguments.of(
            "cross_entropy(logits)",
            "cross_entropy: missing target; expected cross_entropy(input, target[, option =>"
                + " value ...])"),
        Arguments.of(
            "kl_div_stats(target => probs)",
            "kl_div_stats: missing input; expected kl_div_stats(input, target[, option =>"
                + " value ...])"),
        Arguments.of(
            "cross_entropy(logits, label, input => logits)",
            "cross_entropy: argument input is given twice"),
        Arguments.of(
            "cross_entropy(logits, label, reduction => 'sum', reduction => 'mean')",
            "cross_entropy: argument reduction is given twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("analysisErrors")
  void rejectedAtAnalysis(String call, String message) {
    String q = "SELECT " + call + " FROM " + ANALYSIS_VIEW;
    assertThatThrownBy(() -> spark.sql(q)).isInstanceOf(LossException.class).hasMessage(message);
  }

  @Test
  void unknownOptionSuggestsTheNearestName() {
    assertThatThrownBy(
            () ->
                spark.sql(
                    "SELECT cross_entropy(logits, label, weights => array(1, 2, 1)) FROM "
                        + ANALYSIS_VIEW))
        .isInstanceOf(LossException.class)
        .hasMessage(
            "cross_entropy: unknown option 'weights' (did you mean 'weight'?); cross_entropy"
                + " takes input, target, sample_weight, weight, ignore_index, label_smoothing,"
                + " input_kind, reduction, on_bad_row");
    assertThatThrownBy(
            () ->
                spark.sql("SELECT kl_div(logits, probs, logtarget => true) FROM " + ANALYSIS_VIEW))
        .isInstanceOf(LossException.class)
        .hasMessageStartingWith("kl_div: unknown option 'logtarget' (did you mean 'log_target'?);");
    // Nothing close: no suggestion at all.
    assertThatThrownBy(
            () ->
                spark.sql("SELECT cross_entropy(logits, label, xyzzyq => 1) FROM " + ANALYSIS_VIEW))
        .isInstanceOf(LossException.class)
        .hasMessageStartingWith("cross_entropy: unknown option 'xyzzyq'; cross_entropy takes ");
  }

  @Test
  void unknownOptionListsOnlyTheOptionsOfThatLoss() {
    assertThatThrownBy(
            () ->
                spark.sql(
                    "SELECT cross_entropy(logits, label, weights => array(1, 2, 1)) FROM "
                        + ANALYSIS_VIEW))
        .isInstanceOf(LossException.class)
        .hasMessageContaining("label_smoothing")
        .hasMessageNotContaining("pos_weight")
        .hasMessageNotContaining("log_target");
  }

  @Test
  void negativeIgnoreIndexIsAcceptedWithProbabilityTargets() {
    assertThatCode(
            () ->
                spark.sql(
                    "SELECT cross_entropy(logits, probs, ignore_index => -1) FROM "
                        + ANALYSIS_VIEW))
        .doesNotThrowAnyException();
  }

  // ---- Bad rows ----

  /**
   * A loss call over clean rows plus one bad row.
   *
   * @param function the SQL function, e.g. cross_entropy
   * @param args its arguments, without on_bad_row
   * @param badRow the bad row's key in {@link #ROWS_VIEW}
   * @param message what on_bad_row fail says
   */
  record BadRowCase(String function, String args, String badRow, String message) {
    @Override
    public String toString() {
      return badRow + ": " + function;
    }

    String from() {
      return " FROM " + ROWS_VIEW + " WHERE bad IS NULL OR bad = '" + badRow + "'";
    }
  }

  static Stream<BadRowCase> badRows() {
    return Stream.of(
        new BadRowCase(
            "cross_entropy",
            "logits, label",
            "label_out_of_range",
            "cross_entropy: target 7 in column label is out of range for 3 classes; expected a"
                + " class index in [0, 3) or ignore_index -100"),
        new BadRowCase(
            "nll_loss",
            "logits, label",
            "label_negative",
            "nll_loss: target -1 in column label is out of range for 3 classes; expected a class"
                + " index in [0, 3) or ignore_index -100"),
        new BadRowCase(
            "cross_entropy",
            "logits, dlabel, ignore_index => 5",
            "label_fractional",
            "cross_entropy: target 3.5 in column dlabel is not a whole number; expected a class"
                + " index in [0, 3) or ignore_index 5"),
        new BadRowCase(
            "cross_entropy",
            "logits, label, weight => array(1, 2, 1)",
            "input_shorter_than_weight",
            "cross_entropy: input in column logits has 2 classes but weight has 3 entries;"
                + " expected 3 values per row"),
        new BadRowCase(
            "binary_cross_entropy",
            "p, t",
            "bce_input_above_one",
            "binary_cross_entropy: input 1.5 at index 1 of column p is outside [0, 1]; expected a"
                + " probability"),
        new BadRowCase(
            "binary_cross_entropy",
            "p, t",
            "bce_input_nan",
            "binary_cross_entropy: input NaN at index 1 of column p is outside [0, 1]; expected a"
                + " probability"),
        new BadRowCase(
            "binary_cross_entropy",
            "p, t",
            "bce_target_negative",
            "binary_cross_entropy: target -0.5 at index 1 of column t is outside [0, 1]; expected"
                + " a probability"),
        new BadRowCase(
            "cross_entropy",
            "logits, label",
            "null_input_element",
            "cross_entropy: column logits has a null element at index 1; expected a number"),
        new BadRowCase(
            "binary_cross_entropy_with_logits",
            "logits, t",
            "null_target_element",
            "binary_cross_entropy_with_logits: column t has a null element at index 1; expected a"
                + " number"),
        new BadRowCase(
            "cross_entropy",
            "logits, label, sample_weight => sw",
            "sample_weight_negative",
            "cross_entropy: sample_weight -1 in column sw is not allowed; expected a finite"
                + " number >= 0"),
        new BadRowCase(
            "kl_div",
            "logits, probs, sample_weight => sw",
            "sample_weight_nan",
            "kl_div: sample_weight NaN in column sw is not allowed; expected a finite number >= 0"),
        new BadRowCase(
            "binary_cross_entropy",
            "p, t, sample_weight => sw",
            "sample_weight_infinite",
            "binary_cross_entropy: sample_weight Infinity in column sw is not allowed; expected a"
                + " finite number >= 0"),
        new BadRowCase(
            "cross_entropy",
            "logits, probs",
            "probs_too_short",
            "cross_entropy: target in column probs has 2 entries but the input has 3 classes;"
                + " expected one probability per class"),
        new BadRowCase(
            "kl_div",
            "logits, probs",
            "probs_too_short",
            "kl_div: target in column probs has 2 entries but the input has 3 elements; expected"
                + " one target per element"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRows")
  void badRowFailsTheJobByDefault(BadRowCase c) {
    String q = "SELECT " + c.function() + "(" + c.args() + ")" + c.from();
    assertThat(lossFailure(() -> spark.sql(q).collectAsList())).hasMessage(c.message());
  }

  /**
   * Each case under skip next to the same call over the clean rows, all in one query (one job):
   * columns 2i and 2i + 1 belong to case i of {@link #badRows()}.
   */
  private static Row skipResults;

  private static synchronized Row skipResults() {
    if (skipResults == null) {
      StringBuilder q = new StringBuilder("SELECT ");
      badRows()
          .forEach(
              c ->
                  q.append(c.function())
                      .append("_stats(")
                      .append(c.args())
                      .append(", on_bad_row => 'skip') FILTER (WHERE bad IS NULL OR bad = '")
                      .append(c.badRow())
                      .append("'), ")
                      .append(c.function())
                      .append("_stats(")
                      .append(c.args())
                      .append(") FILTER (WHERE bad IS NULL), "));
      q.setLength(q.length() - 2);
      skipResults = spark.sql(q.append(" FROM ").append(ROWS_VIEW).toString()).first();
    }
    return skipResults;
  }

  @AfterAll
  static void forgetSkipResults() {
    skipResults = null;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRows")
  void badRowIsSkippedAndCounted(BadRowCase c) {
    int i = badRows().toList().indexOf(c);
    Row skipped = skipResults().getStruct(2 * i);
    Row clean = skipResults().getStruct(2 * i + 1);
    assertThat(skipped.<Long>getAs("bad_rows")).isEqualTo(1L);
    assertThat(skipped.<Long>getAs("rows")).isEqualTo(CLEAN_ROWS);
    assertThat(skipped.<Long>getAs("ignored_rows")).isZero();
    assertThat(skipped.<Long>getAs("null_rows")).isZero();
    assertThat(clean.<Long>getAs("bad_rows")).isZero();
    assertThat(clean.<Long>getAs("rows")).isEqualTo(CLEAN_ROWS);
    // The value over the clean rows, bit for bit: sums are exact, so row order cannot matter.
    for (String field : new String[] {"value", "loss_sum", "weight_sum"}) {
      assertThat(skipped.<Double>getAs(field)).as(field).isEqualTo(clean.<Double>getAs(field));
    }
    assertThat(skipped.<Double>getAs("value")).isFinite();
  }

  @Test
  void badRowOfAPerRowLossFailsOrGivesNull() {
    String from = " FROM " + ROWS_VIEW + " WHERE bad IS NULL OR bad = 'label_out_of_range'";
    assertThat(
            lossFailure(
                () ->
                    spark
                        .sql("SELECT cross_entropy(logits, label, reduction => 'none')" + from)
                        .collectAsList()))
        .hasMessage(
            "cross_entropy: target 7 in column label is out of range for 3 classes; expected a"
                + " class index in [0, 3) or ignore_index -100");
    List<Row> rows =
        spark
            .sql(
                "SELECT id, cross_entropy(logits, label, reduction => 'none', on_bad_row =>"
                    + " 'skip')"
                    + from
                    + " ORDER BY id")
            .collectAsList();
    assertThat(rows).hasSize((int) CLEAN_ROWS + 1);
    for (Row row : rows) {
      assertThat(row.isNullAt(1)).as("row %s", row.getInt(0)).isEqualTo(row.getInt(0) == 10);
    }
  }

  @Test
  void skipCountsEveryBadRowOfTheGroup() {
    // weight fixes the class count at 3, so the 2-class row is a bad row rather than an error.
    Row s =
        spark
            .sql(
                "SELECT cross_entropy_stats(logits, label, weight => array(1, 1, 1), sample_weight"
                    + " => sw, on_bad_row => 'skip') FROM "
                    + ROWS_VIEW)
            .first()
            .getStruct(0);
    // label 7 and -1, the 2-class row, the null element, and weights -1, NaN and Infinity.
    assertThat(s.<Long>getAs("bad_rows")).isEqualTo(7L);
    assertThat(s.<Long>getAs("null_rows")).isEqualTo(3L);
    assertThat(s.<Long>getAs("ignored_rows")).isZero();
    // The clean rows and the rows that are bad for other calls only (p, t, probs, dlabel).
    assertThat(s.<Long>getAs("rows")).isEqualTo(CLEAN_ROWS + 6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fail", "skip"})
  void rowsOfDifferentClassCountsAreAnErrorUnderEveryPolicy(String policy) {
    String q =
        "SELECT cross_entropy(logits, label, on_bad_row => '"
            + policy
            + "') FROM "
            + ROWS_VIEW
            + " WHERE bad IS NULL OR bad = 'input_shorter_than_weight'";
    assertThat(lossFailure(() -> spark.sql(q).collectAsList()))
        .hasMessage(
            "cross_entropy: input in column logits has rows with 2 and 3 classes in the same"
                + " group; expected the same number of classes in every row (give weight to fix"
                + " the class count, and rows of other lengths become bad rows)");
  }

  // ---- Null rows ----

  private static final String NULL_ROWS =
      " WHERE bad IS NULL OR bad IN ('null_input', 'null_target', 'null_weight')";

  @Test
  void nullRowsAreSkippedAndCountedUnderEveryPolicy() {
    List<String> calls = new ArrayList<>();
    for (String policy : new String[] {"fail", "skip"}) {
      String opts = ", sample_weight => sw, on_bad_row => '" + policy + "')";
      calls.add("cross_entropy_stats(logits, label" + opts);
      calls.add("cross_entropy_stats(logits, probs" + opts);
      calls.add("nll_loss_stats(logits, dlabel" + opts);
      calls.add("binary_cross_entropy_stats(p, t" + opts);
      calls.add("binary_cross_entropy_with_logits_stats(logits, t" + opts);
      calls.add("kl_div_stats(logits, probs" + opts);
    }
    StringBuilder q = new StringBuilder("SELECT ");
    for (String call : calls) {
      q.append(call).append(", ").append(call).append(" FILTER (WHERE bad IS NULL), ");
    }
    q.setLength(q.length() - 2);
    Row r = spark.sql(q.append(" FROM ").append(ROWS_VIEW).append(NULL_ROWS).toString()).first();
    for (int i = 0; i < calls.size(); i++) {
      Row withNulls = r.getStruct(2 * i);
      Row clean = r.getStruct(2 * i + 1);
      String what = calls.get(i);
      assertThat(withNulls.<Long>getAs("null_rows")).as(what).isEqualTo(3L);
      assertThat(withNulls.<Long>getAs("bad_rows")).as(what).isZero();
      assertThat(withNulls.<Long>getAs("ignored_rows")).as(what).isZero();
      assertThat(withNulls.<Long>getAs("rows")).as(what).isEqualTo(CLEAN_ROWS);
      assertThat(clean.<Long>getAs("null_rows")).as(what).isZero();
      for (String field : new String[] {"value", "loss_sum", "weight_sum"}) {
        assertThat(withNulls.<Double>getAs(field))
            .as(what + " " + field)
            .isEqualTo(clean.<Double>getAs(field))
            .isFinite();
      }
    }
  }

  @Test
  void nullRowsGiveNullPerRowLossesUnderEveryPolicy() {
    StringBuilder q = new StringBuilder("SELECT id");
    for (String policy : new String[] {"fail", "skip"}) {
      String opts = ", sample_weight => sw, reduction => 'none', on_bad_row => '" + policy + "')";
      q.append(", cross_entropy(logits, label")
          .append(opts)
          .append(", cross_entropy(logits, probs")
          .append(opts)
          .append(", binary_cross_entropy(p, t")
          .append(opts)
          .append(", kl_div(logits, probs")
          .append(opts);
    }
    List<Row> rows =
        spark
            .sql(
                q.append(" FROM ")
                    .append(ROWS_VIEW)
                    .append(NULL_ROWS)
                    .append(" ORDER BY id")
                    .toString())
            .collectAsList();
    assertThat(rows).hasSize((int) CLEAN_ROWS + 3);
    for (Row row : rows) {
      boolean nullRow = row.getInt(0) >= 30;
      for (int c = 1; c < row.length(); c++) {
        assertThat(row.isNullAt(c)).as("row %s column %s", row.getInt(0), c).isEqualTo(nullRow);
      }
    }
  }

  // ---- helpers ----

  private static List<Double> nv(Double... values) {
    return Arrays.asList(values);
  }

  private static List<Double> v(double... values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double d : values) {
      list.add(d);
    }
    return list;
  }

  /** A clean row: dlabel holds the label as a double; p and t are BCE input and target. */
  private static Row row(
      int id,
      List<Double> logits,
      long label,
      List<Double> probs,
      List<Double> p,
      List<Double> t,
      double sw) {
    return RowFactory.create(id, null, logits, label, (double) label, probs, p, t, sw);
  }

  private static Row withField(Row r, int field, Object value) {
    Object[] values = new Object[r.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.get(i);
    }
    values[field] = value;
    return RowFactory.create(values);
  }

  private static Row bad(Row base, int id, String kind, int field, Object value) {
    return withField(withField(withField(base, 0, id), 1, kind), field, value);
  }
}
