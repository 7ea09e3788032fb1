package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.kernel.KlDiv;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code kl_div(input, target)}: log-probabilities against probabilities, or log-probabilities with
 * log_target; the per-element weight is this project's extension.
 */
public final class KLDivLoss extends Loss {
  private static final long serialVersionUID = 1L;

  /** Whether the target holds log-probabilities. */
  public static final LossOption<Boolean> LOG_TARGET = LossOption.bool("log_target", false);

  KLDivLoss() {
    super("kl_div");
  }

  @Override
  public List<Arg> arguments() {
    return List.of(Arg.of("input", Accepts.VALUES), Arg.of("target", Accepts.LIKE_FIRST));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT, LOG_TARGET);
  }

  @Override
  public Set<Reduction> reductions() {
    return EnumSet.allOf(Reduction.class);
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
