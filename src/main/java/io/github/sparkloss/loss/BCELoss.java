package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.kernel.BinaryCrossEntropy;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import java.util.List;

/**
 * {@code binary_cross_entropy(input, target)}: probabilities and targets in [0, 1], element by
 * element; a value outside [0, 1] is a bad row.
 */
public final class BCELoss extends Loss {
  private static final long serialVersionUID = 1L;

  BCELoss() {
    super("binary_cross_entropy");
  }

  @Override
  public List<Arg> arguments() {
    return List.of(Arg.of("input", Accepts.VALUES), Arg.of("target", Accepts.LIKE_FIRST));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT);
  }

  @Override
  public Denominator denominator(TargetKind kind) {
    return Denominator.ELEMENTS;
  }

  @Override
  public PerClass perClass(TargetKind kind) {
    return PerClass.ELEMENT;
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

  @Override
  public Evaluation evaluation(InputKind kind, LossOptions o, boolean indexTarget) {
    return new Evaluation(o, false);
  }
}
