package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code hinge_embedding_loss(input, target, margin => 1.0)}: per element, {@code x} where {@code y
 * != -1} plus {@code max(0, margin - x)} where {@code y != 1}, PyTorch's masks.
 */
public final class HingeEmbeddingLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  /** The margin for targets -1. */
  public static final LossOption<Double> MARGIN = LossOption.number("margin", 1.0, null);

  HingeEmbeddingLoss() {
    super("hinge_embedding_loss");
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(MARGIN);
  }

  @Override
  Element element(LossOptions options) {
    double margin = options.get(MARGIN);
    return (x, y) -> {
      double outMargin = y != 1.0 ? Math.max(margin - x, 0.0) : 0.0;
      double outSelf = y != -1.0 ? x : 0.0;
      return outMargin + outSelf;
    };
  }
}
