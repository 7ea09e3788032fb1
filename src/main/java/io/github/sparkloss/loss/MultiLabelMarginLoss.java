package io.github.sparkloss.loss;

import static io.github.sparkloss.options.LossOptions.formatNumber;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code multilabel_margin_loss(input, target)}: the target lists a row's classes, ended by the
 * first -1 (any negative value ends it, as in PyTorch); per row {@code (1/C) sum over target j,
 * non-target i of max(0, 1 - (x[j] - x[i]))}.
 */
public final class MultiLabelMarginLoss extends RowLoss {
  private static final long serialVersionUID = 1L;

  MultiLabelMarginLoss() {
    super("multilabel_margin_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(Arg.of("input", Accepts.VECTOR), Arg.of("target", Accepts.CLASS_INDICES));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of();
  }

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    return (r, out, checks) -> {
      int c = r.n;
      double[] x = r.x;
      double[] t = r.t;
      // The classes before the first -1 are the row's targets.
      int targets = 0;
      while (targets < c && !(t[targets] < 0.0)) {
        double j = t[targets];
        if (!(j >= 0.0 && j < c && j == Math.rint(j))) {
          return checks.reject(
              "target "
                  + formatNumber(j)
                  + checks.where(1, targets)
                  + " is not a class index; expected a class index in [0, "
                  + c
                  + ") or -1 to end the row's targets");
        }
        targets++;
      }
      double sum = 0.0;
      for (int a = 0; a < targets; a++) {
        double xj = x[(int) t[a]];
        for (int i = 0; i < c; i++) {
          if (isTarget(t, targets, i)) {
            continue;
          }
          double z = 1.0 - xj + x[i];
          if (z > 0.0) {
            sum += z;
          }
        }
      }
      out.loss = sum / c;
      return Outcome.EVALUATED;
    };
  }

  private static boolean isTarget(double[] t, int targets, int i) {
    for (int a = 0; a < targets; a++) {
      if (t[a] == i) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.LOGITS);
  }
}
