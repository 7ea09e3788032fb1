package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossOptions;

/** {@code l1_loss(input, target)}: the absolute difference of each element. */
public final class L1Loss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  L1Loss() {
    super("l1_loss");
  }

  @Override
  Element element(LossOptions options) {
    return (x, y) -> Math.abs(x - y);
  }
}
