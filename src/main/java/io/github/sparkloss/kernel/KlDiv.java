package io.github.sparkloss.kernel;

/**
 * {@code torch.nn.functional.kl_div}, input as log-probabilities, as PyTorch 2.x writes it: {@code
 * xlogy(t, t) - t * x}, or with log_target {@code exp(t) * (t - x)}. The per-element weight is this
 * project's extension (PyTorch's kl_div has none).
 */
public final class KlDiv {
  private KlDiv() {}

  /** {@code x * log(y)} with {@code xlogy(0, y) = 0} for any y but NaN, as {@code torch.xlogy}. */
  public static double xlogy(double x, double y) {
    if (Double.isNaN(y)) {
      return Double.NaN;
    }
    if (x == 0.0) {
      return 0.0;
    }
    return x * Math.log(y);
  }

  /** One element with weight {@code w}. */
  public static double element(double x, double t, boolean logTarget, double w) {
    double l = logTarget ? Math.exp(t) * (t - x) : xlogy(t, t) - t * x;
    return l * w;
  }

  /**
   * The row's elements, summed in index order.
   *
   * @param w per-element weights, or null for all ones
   * @param out if not null, receives each element's loss
   */
  public static double row(
      double[] x, double[] t, int n, boolean logTarget, double[] w, double[] out) {
    double sum = 0.0;
    for (int k = 0; k < n; k++) {
      double l = element(x[k], t[k], logTarget, w == null ? 1.0 : w[k]);
      if (out != null) {
        out[k] = l;
      }
      sum += l;
    }
    return sum;
  }
}
