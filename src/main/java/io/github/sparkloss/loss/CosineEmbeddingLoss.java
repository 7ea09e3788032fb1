package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code cosine_embedding_loss(input1, input2, target, margin => 0.0)}: per row {@code 1 - cos} for
 * target 1, {@code max(0, cos - margin)} for target -1, 0 for any other target; the squared norms
 * get PyTorch's EPSILON (a C++ float 1e-12) added, so zero vectors give cos 0.
 */
public final class CosineEmbeddingLoss extends RowLoss {
  private static final long serialVersionUID = 1L;

  /** The margin below which dissimilar pairs cost nothing. */
  public static final LossOption<Double> MARGIN = LossOption.number("margin", 0.0, null);

  /** PyTorch's {@code EPSILON = 1e-12} is a float: this is its exact value as a double. */
  static final double EPSILON = (double) 1e-12f;

  CosineEmbeddingLoss() {
    super("cosine_embedding_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(
        Arg.of("input1", Accepts.VECTOR),
        Arg.of("input2", Accepts.LIKE_FIRST),
        Arg.of("target", Accepts.ROW_VALUE));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(MARGIN);
  }

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    double margin = options.get(MARGIN);
    return (r, out, checks) -> {
      double[] a = r.x;
      double[] b = r.t;
      double prod = 0.0;
      double sa = 0.0;
      double sb = 0.0;
      for (int k = 0; k < r.n; k++) {
        prod += a[k] * b[k];
        sa += a[k] * a[k];
        sb += b[k] * b[k];
      }
      double cos = prod / Math.sqrt((sa + EPSILON) * (sb + EPSILON));
      double y = r.u[0];
      double pos = y == 1.0 ? 1.0 - cos : 0.0;
      double neg = y == -1.0 ? Math.max(cos - margin, 0.0) : 0.0;
      out.loss = pos + neg;
      return Outcome.EVALUATED;
    };
  }
}
