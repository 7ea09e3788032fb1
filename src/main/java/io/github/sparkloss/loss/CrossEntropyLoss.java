package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.kernel.CrossEntropy;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import java.util.List;

/**
 * {@code cross_entropy(input, target)}: logits and a class index (with ignore_index and label
 * smoothing) or a vector of class probabilities.
 */
public final class CrossEntropyLoss extends Loss {
  private static final long serialVersionUID = 1L;

  /** The target value whose rows are ignored; PyTorch's default -100. */
  public static final LossOption<Long> IGNORE_INDEX =
      LossOption.whole("ignore_index", LossOptions.DEFAULT_IGNORE_INDEX, null);

  /** Label smoothing e in [0, 1]. */
  public static final LossOption<Double> LABEL_SMOOTHING =
      LossOption.number(
          "label_smoothing", 0.0, e -> e >= 0.0 && e <= 1.0 ? null : "must be in [0, 1]");

  /**
   * What the input holds: logits (the default, as PyTorch's cross_entropy takes), probabilities or
   * log-probabilities.
   */
  public static final LossOption<InputKind> INPUT_KIND = inputKind(InputKind.LOGITS);

  CrossEntropyLoss() {
    super("cross_entropy");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(
        Arg.of("input", Accepts.VECTOR), Arg.of("target", Accepts.CLASS_INDEX_OR_PROBABILITIES));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT, IGNORE_INDEX, LABEL_SMOOTHING, INPUT_KIND);
  }

  @Override
  public TargetKind targetKind(boolean targetIsVector) {
    return targetIsVector ? TargetKind.PROBABILITIES : TargetKind.CLASS_INDEX;
  }

  @Override
  public Denominator denominator(TargetKind kind) {
    return kind == TargetKind.CLASS_INDEX ? Denominator.TARGET_WEIGHT : Denominator.ROWS;
  }

  @Override
  public PerClass perClass(TargetKind kind) {
    return kind == TargetKind.CLASS_INDEX ? PerClass.TARGET_CLASS : PerClass.ELEMENT;
  }

  @Override
  public void checkBinding(LossOptions o, Binding b) {
    if (b.kind() == TargetKind.PROBABILITIES && o.isSet(IGNORE_INDEX) && o.get(IGNORE_INDEX) >= 0) {
      throw new LossException(
          this
              + ": ignore_index "
              + o.get(IGNORE_INDEX)
              + " does not apply to probability targets (column "
              + b.column(1)
              + "); leave it out or give a negative value");
    }
  }

  @Override
  public Kernel kernel(LossOptions o, Binding b) {
    double[] w = o.get(WEIGHT);
    double e = o.get(LABEL_SMOOTHING);
    if (b.kind() == TargetKind.PROBABILITIES) {
      return (r, out, checks) -> {
        out.loss = CrossEntropy.probabilityLoss(r.x, r.n, r.t, w, e, out.elements);
        return Outcome.EVALUATED;
      };
    }
    long ignoreIndex = o.get(IGNORE_INDEX);
    return (r, out, checks) -> {
      Outcome c = checks.classIndex(r, 1, true, ignoreIndex, out);
      if (c != Outcome.EVALUATED) {
        return c;
      }
      int y = out.targetClass;
      out.loss = CrossEntropy.indexLoss(r.x, r.n, y, w, e);
      out.denominator = w == null ? 1.0 : w[y];
      return Outcome.EVALUATED;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.LOGITS, InputKind.PROBABILITY, InputKind.LOG_PROBABILITY);
  }

  /**
   * Probabilities and log-probabilities are a distribution already: with a class-index target and
   * no label smoothing, cross_entropy of a normalised row is nll_loss of its logarithm (nll_loss(ln
   * p), or nll_loss(x) for log-probabilities); otherwise cross_entropy of the logarithm, whose
   * log-softmax leaves a normalised row as it is.
   */
  @Override
  public Evaluation evaluation(InputKind kind, LossOptions o, boolean indexTarget) {
    if (kind == InputKind.LOGITS) {
      return new Evaluation(o, false);
    }
    if (o.get(LABEL_SMOOTHING) == 0.0 && indexTarget) {
      LossOptions.Builder nll = LossOptions.builder(Losses.NLL_LOSS);
      if (o.isSet(WEIGHT)) {
        nll.set(WEIGHT, o.get(WEIGHT));
      }
      if (o.isSet(IGNORE_INDEX)) {
        nll.set(IGNORE_INDEX, o.get(IGNORE_INDEX));
      }
      if (o.isSet(CONFIDENCE)) {
        nll.set(CONFIDENCE, o.get(CONFIDENCE));
      }
      o = nll.reduction(o.reduction()).onBadRow(o.onBadRow()).build();
    }
    return new Evaluation(o, kind == InputKind.PROBABILITY);
  }
}
