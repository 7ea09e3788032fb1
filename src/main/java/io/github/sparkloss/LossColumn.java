package io.github.sparkloss;

import io.github.sparkloss.loss.BCEWithLogitsLoss;
import io.github.sparkloss.loss.CrossEntropyLoss;
import io.github.sparkloss.loss.KLDivLoss;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.loss.LossOption;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.spark.LossFunctions;
import io.github.sparkloss.spark.Output;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;

/**
 * A typed, immutable call of one loss, finished by {@link #value()}, {@link #perClass()} or {@link
 * #stats()}. Options are checked as they are set, with the messages SQL gives.
 *
 * <pre>{@code
 * Column ce = SparkLoss.crossEntropy(col("logits"), col("label"))
 *     .weight(1.0, 2.0, 0.5).ignoreIndex(0).sampleWeight(col("w")).value();
 * Column huber = SparkLoss.loss("huber_loss", col("prediction"), col("label"))
 *     .option("delta", 0.5).value();
 * }</pre>
 *
 * <p>The columns resolve through the session's function registry: register the functions first
 * ({@link SparkLoss#register} or the {@link SparkLossExtensions} extension).
 */
public final class LossColumn {
  private final LossOptions options;
  private final List<Column> arguments;
  private final Column sampleWeight;

  LossColumn(LossOptions options, List<Column> arguments, Column sampleWeight) {
    int expected = options.loss().arguments().size();
    if (arguments.size() != expected) {
      throw new LossException(
          options.loss()
              + ": takes "
              + expected
              + " columns ("
              + String.join(", ", options.loss().arguments().stream().map(a -> a.name()).toList())
              + ") but got "
              + arguments.size());
    }
    this.options = options;
    this.arguments = List.copyOf(arguments);
    this.sampleWeight = sampleWeight;
  }

  private LossColumn with(Consumer<LossOptions.Builder> change) {
    LossOptions.Builder b = options.toBuilder();
    change.accept(b);
    return new LossColumn(b.build(), arguments, sampleWeight);
  }

  /** The options as bound so far. */
  public LossOptions options() {
    return options;
  }

  /** Sets an option by its PyTorch name, e.g. {@code option("delta", 0.5)}. */
  public LossColumn option(String key, Object value) {
    return with(b -> b.set(key, value));
  }

  /** Sets a typed option of the loss. */
  public <T> LossColumn option(LossOption<T> option, T value) {
    return with(b -> b.set(option, value));
  }

  /** Per-class weights, one per class. */
  public LossColumn weight(double... weight) {
    return option(Loss.WEIGHT, weight);
  }

  /** Target value whose rows are ignored (cross_entropy, nll_loss); default -100. */
  public LossColumn ignoreIndex(long ignoreIndex) {
    return option(CrossEntropyLoss.IGNORE_INDEX, ignoreIndex);
  }

  /** Label smoothing in [0, 1] (cross_entropy). */
  public LossColumn labelSmoothing(double labelSmoothing) {
    return option(CrossEntropyLoss.LABEL_SMOOTHING, labelSmoothing);
  }

  /** Weight of positive examples per class (binary_cross_entropy_with_logits). */
  public LossColumn posWeight(double... posWeight) {
    return option(BCEWithLogitsLoss.POS_WEIGHT, posWeight);
  }

  /** Whether the target holds log-probabilities (kl_div). */
  public LossColumn logTarget(boolean logTarget) {
    return option(KLDivLoss.LOG_TARGET, logTarget);
  }

  /**
   * What the input column holds (cross_entropy, nll_loss, kl_div): {@code LOGITS}, {@code
   * PROBABILITY} or {@code LOG_PROBABILITY}, as the loss takes them. The default is PyTorch's
   * input: logits for cross_entropy, log-probabilities for nll_loss and kl_div. Probabilities are
   * evaluated through their logarithm ({@code ln(0) = -Infinity}); an element outside [0, 1] is a
   * bad row.
   */
  public LossColumn inputKind(Loss.InputKind inputKind) {
    return option(Loss.INPUT_KIND_KEY, inputKind);
  }

  /** {@link #inputKind(Loss.InputKind)} by name: logits, probability or log_probability. */
  public LossColumn inputKind(String inputKind) {
    return option(Loss.INPUT_KIND_KEY, inputKind);
  }

  /** none, sum, mean (the default) or batchmean (kl_div). */
  public LossColumn reduction(Reduction reduction) {
    return with(b -> b.reduction(reduction));
  }

  /**
   * The confidence level of the interval {@link #stats()} gives (ci_low, ci_high), in (0, 1); 0.95
   * by default.
   */
  public LossColumn confidence(double confidence) {
    return option(Loss.CONFIDENCE, confidence);
  }

  /** fail (the default) or skip. */
  public LossColumn onBadRow(OnBadRow onBadRow) {
    return with(b -> b.onBadRow(onBadRow));
  }

  /** A numeric column: a row of weight s counts as s copies of itself. */
  public LossColumn sampleWeight(Column weight) {
    return new LossColumn(options, arguments, weight);
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
    return LossFunctions.call(output, options, arguments, sampleWeight, perClass);
  }
}
