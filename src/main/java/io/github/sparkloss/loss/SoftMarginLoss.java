package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code soft_margin_loss(input, target)}: {@code ln(1 + exp(-y x))} per element, targets +-1
 * (other values are computed as given, as PyTorch does).
 */
public final class SoftMarginLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  SoftMarginLoss() {
    super("soft_margin_loss");
  }

  @Override
  Element element(LossOptions options) {
    return (x, y) -> Math.log1p(Math.exp(-x * y));
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.LOGITS);
  }
}
