package io.github.sparkloss.kernel;

/**
 * {@code torch.nn.functional.cross_entropy} for one row of logits.
 *
 * <p>log_softmax is computed as PyTorch computes it: {@code (x[c] - max) - log(sum(exp(x - max)))},
 * so logits of +-1000 do not overflow, and a NaN or +Inf logit makes the whole row NaN.
 */
public final class CrossEntropy {
  private CrossEntropy() {}

  /** The maximum of {@code x[0..n)}, the shift of the log-sum-exp. */
  public static double max(double[] x, int n) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (x[i] > m) {
        m = x[i];
      }
    }
    return m;
  }

  /** {@code log(sum(exp(x - m)))} for the shift {@code m} returned by {@link #max}. */
  public static double logSumExpShifted(double[] x, int n, double m) {
    double s = 0.0;
    for (int i = 0; i < n; i++) {
      s += Math.exp(x[i] - m);
    }
    return Math.log(s);
  }

  /**
   * The loss of a class-index target {@code y} in {@code [0, n)}: {@code -w[y] * logp[y]}, with
   * label smoothing {@code e}: {@code (1 - e) * (-w[y] * logp[y]) + e / n * sum_c(-w[c] *
   * logp[c])}.
   *
   * @param w per-class weights, or null for all ones
   */
  public static double indexLoss(double[] x, int n, int y, double[] w, double e) {
    double m = max(x, n);
    double lse = logSumExpShifted(x, n, m);
    double wy = w == null ? 1.0 : w[y];
    double nll = -(((x[y] - m) - lse) * wy);
    if (e == 0.0) {
      return nll;
    }
    double smooth = 0.0;
    for (int c = 0; c < n; c++) {
      double logp = (x[c] - m) - lse;
      smooth += w == null ? logp : logp * w[c];
    }
    return nll * (1.0 - e) + (-smooth) * (e / n);
  }

  /**
   * The loss of a probability target {@code q} (not required to sum to 1): {@code -sum_c(w[c] *
   * q'[c] * logp[c])} with {@code q' = q * (1 - e) + e / n} when {@code e > 0}.
   *
   * @param w per-class weights, or null for all ones
   * @param perClass if not null, receives each class's term {@code -w[c] * q'[c] * logp[c]}
   */
  public static double probabilityLoss(
      double[] x, int n, double[] q, double[] w, double e, double[] perClass) {
    double m = max(x, n);
    double lse = logSumExpShifted(x, n, m);
    double sum = 0.0;
    for (int c = 0; c < n; c++) {
      double logp = (x[c] - m) - lse;
      double qc = e > 0.0 ? q[c] * (1.0 - e) + e / n : q[c];
      double term = logp * qc;
      if (w != null) {
        term *= w[c];
      }
      if (perClass != null) {
        perClass[c] = -term;
      }
      sum += term;
    }
    return -sum;
  }
}
