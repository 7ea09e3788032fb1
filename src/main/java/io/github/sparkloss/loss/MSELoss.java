package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossOptions;

/** {@code mse_loss(input, target)}: the squared difference of each element. */
public final class MSELoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  MSELoss() {
    super("mse_loss");
  }

  @Override
  Element element(LossOptions options) {
    return (x, y) -> {
      double d = x - y;
      return d * d;
    };
  }
}
