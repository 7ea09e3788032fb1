package io.github.sparkloss;

import io.github.sparkloss.options.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.spark.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.functions;

/**
 * A typed, immutable call of one loss, finished by {@link #value()}, {@link #perClass()} or {@link
 * #stats()}. Options are checked as they are set, with the messages SQL gives.
 *
 * <pre>{@code
 * Column ce = SparkLoss.crossEntropy(col("logits"), col("label"))
 *     .weight(1.0, 2.0, 0.5).ignoreIndex(0).sampleWeight(col("w")).value();
 * }</pre>
 *
 * <p>The columns resolve through the session's function registry; the first use registers the
 * sparkloss functions in the active session if they are not there yet.
 */
public final class LossColumn {
  private final Loss loss;
  private final Column input;
  private final Column target;
  private final Column sampleWeight;
  private final Map<String, Object> options;

  LossColumn(Loss loss, Column input, Column target) {
    this(loss, input, target, null, new LinkedHashMap<>());
  }

  private LossColumn(
      Loss loss, Column input, Column target, Column sampleWeight, Map<String, Object> options) {
    this.loss = loss;
    this.input = input;
    this.target = target;
    this.sampleWeight = sampleWeight;
    this.options = options;
  }

  private LossColumn with(LossOptions.Option option, Object value) {
    Map<String, Object> next = new LinkedHashMap<>(options);
    next.put(option.key(), value);
    LossOptions.Builder check = LossOptions.builder(loss);
    next.forEach(check::set);
    check.build();
    return new LossColumn(loss, input, target, sampleWeight, next);
  }

  /** Per-class weights, one per class. */
  public LossColumn weight(double... weight) {
    return with(LossOptions.Option.WEIGHT, weight.clone());
  }

  /** Target value whose rows are ignored (cross_entropy, nll_loss); default -100. */
  public LossColumn ignoreIndex(long ignoreIndex) {
    return with(LossOptions.Option.IGNORE_INDEX, ignoreIndex);
  }

  /** Label smoothing in [0, 1] (cross_entropy). */
  public LossColumn labelSmoothing(double labelSmoothing) {
    return with(LossOptions.Option.LABEL_SMOOTHING, labelSmoothing);
  }

  /** Weight of positive examples per class (binary_cross_entropy_with_logits). */
  public LossColumn posWeight(double... posWeight) {
    return with(LossOptions.Option.POS_WEIGHT, posWeight.clone());
  }

  /** Whether the target holds log-probabilities (kl_div). */
  public LossColumn logTarget(boolean logTarget) {
    return with(LossOptions.Option.LOG_TARGET, logTarget);
  }

  /** none, sum, mean (the default) or batchmean (kl_div). */
  public LossColumn reduction(Reduction reduction) {
    return with(LossOptions.Option.REDUCTION, reduction.sqlName());
  }

  /** fail (the default) or skip. */
  public LossColumn onBadRow(OnBadRow onBadRow) {
    return with(LossOptions.Option.ON_BAD_ROW, onBadRow.sqlName());
  }

  /** A numeric column: a row of weight s counts as s copies of itself. */
  public LossColumn sampleWeight(Column weight) {
    return new LossColumn(loss, input, target, weight, options);
  }

  /** The reduced loss (or, with reduction none, the per-row loss). */
  public Column value() {
    return call(Output.VALUE, false);
  }

  /** The per-class breakdown, {@code array<struct<class, value, loss_sum, weight_sum, rows>>}. */
  public Column perClass() {
    return call(Output.PER_CLASS, false);
  }

  /** Value, sums and row counters as one struct; see {@code Results.STATS_TYPE}. */
  public Column stats() {
    return call(Output.STATS, false);
  }

  /** Like {@link #stats()}, with the per-class breakdown filled in. */
  public Column statsPerClass() {
    return call(Output.STATS, true);
  }

  private Column call(Output output, boolean perClass) {
    SparkSession.getActiveSession()
        .foreach(
            spark -> {
              if (!SparkLoss.isRegistered(spark)) {
                SparkLoss.register(spark);
              }
              return null;
            });
    List<Column> args = new ArrayList<>();
    args.add(input);
    args.add(target);
    if (sampleWeight != null) {
      args.add(named("sample_weight", sampleWeight));
    }
    options.forEach((k, v) -> args.add(named(k, functions.lit(v))));
    if (perClass) {
      args.add(named("per_class", functions.lit(true)));
    }
    return functions.call_function(output.functionName(loss), args.toArray(new Column[0]));
  }

  private static Column named(String key, Column value) {
    return ExpressionUtils.column(
        new NamedArgumentExpression(key, ExpressionUtils.expression(value)));
  }
}
