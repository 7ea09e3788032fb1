package io.github.sparkloss.loss;

import static io.github.sparkloss.options.LossOptions.formatNumber;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code gaussian_nll_loss(input, target, var, full => false, eps => 1e-6)}: per element {@code 0.5
 * (ln v + d^2 / v)} with {@code v = max(var, eps)}, plus {@code 0.5 ln(2 pi)} when full; var is
 * given per element or once per row. A negative var is a bad row, as PyTorch rejects it.
 */
public final class GaussianNLLLoss extends ElementwiseLoss {
  private static final long serialVersionUID = 1L;

  /** Whether to add the constant {@code 0.5 ln(2 pi)}. */
  public static final LossOption<Boolean> FULL = LossOption.bool("full", false);

  /** The smallest variance used, for stability. */
  public static final LossOption<Double> EPS =
      LossOption.number("eps", 1e-6, e -> e >= 0.0 ? null : "must be >= 0");

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2.0 * Math.PI);

  GaussianNLLLoss() {
    super("gaussian_nll_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(
        Arg.of("input", Accepts.VALUES),
        Arg.of("target", Accepts.LIKE_FIRST),
        Arg.of("var", Accepts.LIKE_FIRST_OR_ROW_VALUE));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(FULL, EPS);
  }

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    boolean full = options.get(FULL);
    double eps = options.get(EPS);
    boolean perElement = binding.isVector(2);
    return (r, out, checks) -> {
      double[] x = r.x;
      double[] y = r.t;
      double[] var = r.u;
      for (int k = 0; k < (perElement ? r.n : 1); k++) {
        if (var[k] < 0.0) {
          return checks.reject(
              "var "
                  + formatNumber(var[k])
                  + checks.where(2, k)
                  + " is negative; expected a variance >= 0");
        }
      }
      double[] e = out.elements;
      double sum = 0.0;
      for (int k = 0; k < r.n; k++) {
        double v = Math.max(perElement ? var[k] : var[0], eps);
        double d = x[k] - y[k];
        double l = 0.5 * (Math.log(v) + d * d / v);
        if (full) {
          l += HALF_LOG_2PI;
        }
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
