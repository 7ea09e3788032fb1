package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code margin_ranking_loss(input1, input2, target, margin => 0.0)}: per element {@code max(0, -y
 * (x1 - x2) + margin)}, target 1 when input1 should rank higher and -1 when input2 should.
 */
public final class MarginRankingLoss extends ElementwiseLoss {
  private static final long serialVersionUID = 1L;

  /** The margin by which the right input should win. */
  public static final LossOption<Double> MARGIN = LossOption.number("margin", 0.0, null);

  MarginRankingLoss() {
    super("margin_ranking_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(
        Arg.of("input1", Accepts.VALUES),
        Arg.of("input2", Accepts.LIKE_FIRST),
        Arg.of("target", Accepts.LIKE_FIRST));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(MARGIN);
  }

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    double margin = options.get(MARGIN);
    return (r, out, checks) -> {
      double[] x1 = r.x;
      double[] x2 = r.t;
      double[] y = r.u;
      double[] e = out.elements;
      double sum = 0.0;
      for (int k = 0; k < r.n; k++) {
        double l = Math.max(-y[k] * (x1[k] - x2[k]) + margin, 0.0);
        if (e != null) {
          e[k] = l;
        }
        sum += l;
      }
      out.loss = sum;
      return Outcome.EVALUATED;
    };
  }
}
