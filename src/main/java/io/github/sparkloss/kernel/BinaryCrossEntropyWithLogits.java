package io.github.sparkloss.kernel;

/**
 * {@code torch.nn.functional.binary_cross_entropy_with_logits}, as PyTorch 2.x writes it: {@code w
 * * ((1 - t) * x - (1 + (pw - 1) * t) * log_sigmoid(x))} with the stable {@code log_sigmoid(x) =
 * min(x, 0) - log1p(exp(-|x|))}, which is {@code -softplus(-x)}.
 */
public final class BinaryCrossEntropyWithLogits {
  private BinaryCrossEntropyWithLogits() {}

  /** {@code log(sigmoid(x))} without overflow for any finite x. */
  public static double logSigmoid(double x) {
    return Math.min(x, 0.0) - Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** One element with weight {@code w} and pos_weight {@code pw}. */
  public static double element(double x, double t, double w, double pw) {
    double logWeight = (pw - 1.0) * t + 1.0;
    return ((1.0 - t) * x - logWeight * logSigmoid(x)) * w;
  }

  /**
   * The row's elements, summed in index order.
   *
   * @param w per-element weights, or null for all ones
   * @param pw per-element pos_weight, or null for all ones
   * @param out if not null, receives each element's loss
   */
  public static double row(double[] x, double[] t, int n, double[] w, double[] pw, double[] out) {
    double sum = 0.0;
    for (int k = 0; k < n; k++) {
      double l = element(x[k], t[k], w == null ? 1.0 : w[k], pw == null ? 1.0 : pw[k]);
      if (out != null) {
        out[k] = l;
      }
      sum += l;
    }
    return sum;
  }
}
