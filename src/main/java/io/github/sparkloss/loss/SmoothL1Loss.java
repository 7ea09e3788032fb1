package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code smooth_l1_loss(input, target, beta => 1.0)}: {@code 0.5 d^2 / beta} where {@code |d| <
 * beta}, else {@code |d| - 0.5 beta}; beta 0 is l1_loss, as in PyTorch.
 */
public final class SmoothL1Loss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  /** The threshold between the squared and the absolute part, >= 0. */
  public static final LossOption<Double> BETA =
      LossOption.number("beta", 1.0, b -> b >= 0.0 ? null : "must be >= 0");

  SmoothL1Loss() {
    super("smooth_l1_loss");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(BETA);
  }

  @Override
  Element element(LossOptions options) {
    double beta = options.get(BETA);
    if (beta == 0.0) {
      return (x, y) -> Math.abs(x - y);
    }
    return (x, y) -> {
      double z = Math.abs(x - y);
      return z < beta ? 0.5 * z * z / beta : z - 0.5 * beta;
    };
  }
}
