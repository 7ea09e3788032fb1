package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import java.util.List;

/** {@code nll_loss(input, target)}: log-probabilities and a class index, used as given. */
public final class NLLLoss extends Loss {
  private static final long serialVersionUID = 1L;

  /**
   * What the input holds: log-probabilities (the default, as PyTorch's nll_loss takes) or
   * probabilities, whose logarithm is taken first. kl_div's input_kind is this one.
   */
  public static final LossOption<InputKind> INPUT_KIND = inputKind(InputKind.LOG_PROBABILITY);

  NLLLoss() {
    super("nll_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(Arg.of("input", Accepts.VECTOR), Arg.of("target", Accepts.CLASS_INDEX));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT, CrossEntropyLoss.IGNORE_INDEX, INPUT_KIND);
  }

  @Override
  public Denominator denominator(TargetKind kind) {
    return Denominator.TARGET_WEIGHT;
  }

  @Override
  public PerClass perClass(TargetKind kind) {
    return PerClass.TARGET_CLASS;
  }

  @Override
  public Kernel kernel(LossOptions o, Binding b) {
    double[] w = o.get(WEIGHT);
    long ignoreIndex = o.get(CrossEntropyLoss.IGNORE_INDEX);
    return (r, out, checks) -> {
      Outcome c = checks.classIndex(r, 1, true, ignoreIndex, out);
      if (c != Outcome.EVALUATED) {
        return c;
      }
      int y = out.targetClass;
      out.loss = w == null ? -r.x[y] : -(r.x[y] * w[y]);
      out.denominator = w == null ? 1.0 : w[y];
      return Outcome.EVALUATED;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.PROBABILITY, InputKind.LOG_PROBABILITY);
  }

  @Override
  public String inputKindHint() {
    return "for logits use loss cross_entropy";
  }
}
