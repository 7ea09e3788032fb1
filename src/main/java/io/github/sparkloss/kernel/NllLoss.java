package io.github.sparkloss.kernel;

/** {@code torch.nn.functional.nll_loss} for one row of log-probabilities, used as given. */
public final class NllLoss {
  private NllLoss() {}

  /**
   * {@code -w[y] * x[y]} for a class index {@code y} in {@code [0, x.length)}.
   *
   * @param w per-class weights, or null for all ones
   */
  public static double indexLoss(double[] x, int y, double[] w) {
    return w == null ? -x[y] : -(x[y] * w[y]);
  }
}
