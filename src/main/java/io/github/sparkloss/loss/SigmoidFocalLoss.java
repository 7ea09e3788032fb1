package io.github.sparkloss.loss;

import io.github.sparkloss.kernel.BinaryCrossEntropyWithLogits;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * torchvision's {@code sigmoid_focal_loss(input, target, alpha => 0.25, gamma => 2.0)}: per
 * element, {@code bce_with_logits * (1 - p_t)^gamma * alpha_t}; a negative alpha disables the class
 * balance.
 */
public final class SigmoidFocalLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  /** The weight of positives in [0, 1]; negative disables it. */
  public static final LossOption<Double> ALPHA = LossOption.number("alpha", 0.25, null);

  /** The focusing exponent. */
  public static final LossOption<Double> GAMMA = LossOption.number("gamma", 2.0, null);

  SigmoidFocalLoss() {
    super("sigmoid_focal_loss");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(ALPHA, GAMMA);
  }

  @Override
  public String reference() {
    return "torchvision.ops.sigmoid_focal_loss";
  }

  @Override
  Element element(LossOptions options) {
    double alpha = options.get(ALPHA);
    double gamma = options.get(GAMMA);
    return (x, y) -> {
      double p = 1.0 / (1.0 + Math.exp(-x));
      double ce = BinaryCrossEntropyWithLogits.element(x, y, 1.0, 1.0);
      double pt = p * y + (1.0 - p) * (1.0 - y);
      double l = ce * Math.pow(1.0 - pt, gamma);
      if (alpha >= 0.0) {
        l = (alpha * y + (1.0 - alpha) * (1.0 - y)) * l;
      }
      return l;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.LOGITS);
  }
}
