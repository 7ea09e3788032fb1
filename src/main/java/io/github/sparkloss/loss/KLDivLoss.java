package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.kernel.KlDiv;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code kl_div(input, target)}: log-probabilities against probabilities, or log-probabilities with
 * log_target; the per-element weight is this project's extension.
 */
public final class KLDivLoss extends ElementwiseLoss {
  private static final long serialVersionUID = 1L;

  /** Whether the target holds log-probabilities. */
  public static final LossOption<Boolean> LOG_TARGET = LossOption.bool("log_target", false);

  KLDivLoss() {
    super("kl_div");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT, LOG_TARGET, NLLLoss.INPUT_KIND);
  }

  @Override
  public Set<Reduction> reductions() {
    return EnumSet.allOf(Reduction.class);
  }

  @Override
  public Kernel kernel(LossOptions o, Binding b) {
    double[] w = o.get(WEIGHT);
    boolean logTarget = o.get(LOG_TARGET);
    return (r, out, checks) -> {
      out.loss = KlDiv.row(r.x, r.t, r.n, logTarget, w, out.elements);
      return Outcome.EVALUATED;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.PROBABILITY, InputKind.LOG_PROBABILITY);
  }
}
