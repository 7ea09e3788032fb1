package io.github.sparkloss.kernel;

/**
 * {@code torch.nn.functional.binary_cross_entropy}: probabilities in [0, 1], the logs clamped at
 * -100 as PyTorch does, and {@code ln(1 - x)} computed as {@code log1p(-x)} (PyTorch 2.x).
 */
public final class BinaryCrossEntropy {
  /** PyTorch clamps both logs at -100 so that x = 0 or 1 gives a finite loss. */
  public static final double LOG_CLAMP = -100.0;

  private BinaryCrossEntropy() {}

  /** One element: {@code w * ((t - 1) * max(log1p(-x), -100) - t * max(log(x), -100))}. */
  public static double element(double x, double t, double w) {
    double logX = Math.max(Math.log(x), LOG_CLAMP);
    double log1mX = Math.max(Math.log1p(-x), LOG_CLAMP);
    return ((t - 1.0) * log1mX - t * logX) * w;
  }

  /**
   * The row's elements, summed in index order.
   *
   * @param w per-element weights, or null for all ones
   * @param out if not null, receives each element's loss
   */
  public static double row(double[] x, double[] t, int n, double[] w, double[] out) {
    double sum = 0.0;
    for (int k = 0; k < n; k++) {
      double l = element(x[k], t[k], w == null ? 1.0 : w[k]);
      if (out != null) {
        out[k] = l;
      }
      sum += l;
    }
    return sum;
  }
}
