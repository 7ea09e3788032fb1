package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code poisson_nll_loss(input, target, log_input => true, full => false, eps => 1e-8)}: {@code
 * exp(x) - y x} for a log rate, or {@code x - y ln(x + eps)} for a rate; {@code full} adds
 * Stirling's approximation {@code y ln y - y + 0.5 ln(2 pi y)} where {@code y > 1}.
 */
public final class PoissonNLLLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  /** Whether the input is the log of the rate (else the rate itself). */
  public static final LossOption<Boolean> LOG_INPUT = LossOption.bool("log_input", true);

  /** Whether to add the Stirling term. */
  public static final LossOption<Boolean> FULL = LossOption.bool("full", false);

  /** Added to the rate before its log when log_input is false. */
  public static final LossOption<Double> EPS = LossOption.number("eps", 1e-8, null);

  PoissonNLLLoss() {
    super("poisson_nll_loss");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(LOG_INPUT, FULL, EPS);
  }

  @Override
  Element element(LossOptions options) {
    boolean logInput = options.get(LOG_INPUT);
    boolean full = options.get(FULL);
    double eps = options.get(EPS);
    return (x, y) -> {
      double l = logInput ? Math.exp(x) - y * x : x - y * Math.log(x + eps);
      if (full && !(y <= 1.0)) {
        l += y * Math.log(y) - y + 0.5 * Math.log(2.0 * Math.PI * y);
      }
      return l;
    };
  }
}
