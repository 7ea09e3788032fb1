package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code huber_loss(input, target, delta => 1.0)}: {@code 0.5 d^2} where {@code |d| < delta}, else
 * {@code delta (|d| - 0.5 delta)}.
 */
public final class HuberLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  /** The threshold between the squared and the linear part, > 0. */
  public static final LossOption<Double> DELTA =
      LossOption.number("delta", 1.0, d -> d > 0.0 ? null : "must be > 0");

  HuberLoss() {
    super("huber_loss");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(DELTA);
  }

  @Override
  Element element(LossOptions options) {
    double delta = options.get(DELTA);
    return (x, y) -> {
      double z = Math.abs(x - y);
      return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
    };
  }
}
