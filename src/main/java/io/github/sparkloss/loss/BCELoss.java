package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.kernel.BinaryCrossEntropy;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code binary_cross_entropy(input, target)}: probabilities and targets in [0, 1], element by
 * element; a value outside [0, 1] is a bad row.
 */
public final class BCELoss extends ElementwiseLoss {
  private static final long serialVersionUID = 1L;

  BCELoss() {
    super("binary_cross_entropy");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT);
  }

  @Override
  public Kernel kernel(LossOptions o, Binding b) {
    double[] w = o.get(WEIGHT);
    return (r, out, checks) -> {
      for (int k = 0; k < r.n; k++) {
        if (checks.probability(r.x[k], "input", 0, k) == Outcome.BAD
            || checks.probability(r.t[k], "target", 1, k) == Outcome.BAD) {
          return Outcome.BAD;
        }
      }
      out.loss = BinaryCrossEntropy.row(r.x, r.t, r.n, w, out.elements);
      return Outcome.EVALUATED;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.PROBABILITY);
  }

  @Override
  public String inputKindHint() {
    return "for logits use loss binary_cross_entropy_with_logits";
  }
}
