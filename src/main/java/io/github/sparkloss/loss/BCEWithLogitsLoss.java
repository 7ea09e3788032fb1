package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.kernel.BinaryCrossEntropyWithLogits;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/** {@code binary_cross_entropy_with_logits(input, target)}: logits and targets, with pos_weight. */
public final class BCEWithLogitsLoss extends ElementwiseLoss {
  private static final long serialVersionUID = 1L;

  /** The weight of positive examples, per class; all ones when not given. */
  public static final LossOption<double[]> POS_WEIGHT = LossOption.classVector("pos_weight");

  BCEWithLogitsLoss() {
    super("binary_cross_entropy_with_logits");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT, POS_WEIGHT);
  }

  @Override
  public void validate(LossOptions o) {
    double[] w = o.get(WEIGHT);
    double[] pw = o.get(POS_WEIGHT);
    if (w != null && pw != null && w.length != pw.length) {
      throw new LossException(
          this
              + ": weight has "
              + w.length
              + " entries but pos_weight has "
              + pw.length
              + "; expected one entry per class in both");
    }
  }

  @Override
  public Kernel kernel(LossOptions o, Binding b) {
    double[] w = o.get(WEIGHT);
    double[] pw = o.get(POS_WEIGHT);
    return (r, out, checks) -> {
      out.loss = BinaryCrossEntropyWithLogits.row(r.x, r.t, r.n, w, pw, out.elements);
      return Outcome.EVALUATED;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.LOGITS);
  }

  @Override
  public String inputKindHint() {
    return "for probabilities use loss binary_cross_entropy";
  }
}
