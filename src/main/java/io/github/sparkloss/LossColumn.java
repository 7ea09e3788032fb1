package io.github.sparkloss;

import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.shim.SparkShim;
import io.github.sparkloss.spark.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
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
  private final LossOptions options;
  private final Column input;
  private final Column target;
  private final Column sampleWeight;

  LossColumn(LossOptions options, Column input, Column target, Column sampleWeight) {
    this.options = options;
    this.input = input;
    this.target = target;
    this.sampleWeight = sampleWeight;
  }

  private LossColumn with(Consumer<LossOptions.Builder> change) {
    LossOptions.Builder b = options.toBuilder();
    change.accept(b);
    return new LossColumn(b.build(), input, target, sampleWeight);
  }

  /** The options as bound so far. */
  public LossOptions options() {
    return options;
  }

  /** Per-class weights, one per class. */
  public LossColumn weight(double... weight) {
    return with(b -> b.weight(weight));
  }

  /** Target value whose rows are ignored (cross_entropy, nll_loss); default -100. */
  public LossColumn ignoreIndex(long ignoreIndex) {
    return with(b -> b.ignoreIndex(ignoreIndex));
  }

  /** Label smoothing in [0, 1] (cross_entropy). */
  public LossColumn labelSmoothing(double labelSmoothing) {
    return with(b -> b.labelSmoothing(labelSmoothing));
  }

  /** Weight of positive examples per class (binary_cross_entropy_with_logits). */
  public LossColumn posWeight(double... posWeight) {
    return with(b -> b.posWeight(posWeight));
  }

  /** Whether the target holds log-probabilities (kl_div). */
  public LossColumn logTarget(boolean logTarget) {
    return with(b -> b.logTarget(logTarget));
  }

  /** none, sum, mean (the default) or batchmean (kl_div). */
  public LossColumn reduction(Reduction reduction) {
    return with(b -> b.reduction(reduction));
  }

  /** fail (the default) or skip. */
  public LossColumn onBadRow(OnBadRow onBadRow) {
    return with(b -> b.onBadRow(onBadRow));
  }

  /** A numeric column: a row of weight s counts as s copies of itself. */
  public LossColumn sampleWeight(Column weight) {
    return new LossColumn(options, input, target, weight);
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
    options.namedArguments().forEach((k, v) -> args.add(named(k, functions.lit(v))));
    if (perClass) {
      args.add(named("per_class", functions.lit(true)));
    }
    return functions.call_function(
        output.functionName(options.loss()), args.toArray(new Column[0]));
  }

  private static Column named(String key, Column value) {
    return SparkShim.column(new NamedArgumentExpression(key, SparkShim.expression(value)));
  }
}
