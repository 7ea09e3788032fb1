package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import java.util.List;

/**
 * {@code triplet_margin_loss(anchor, positive, negative, margin => 1.0, p => 2.0, eps => 1e-6, swap
 * => false)}: per row {@code max(margin + d(a, p) - d(a, n), 0)} with {@code d(u, v) = ||u - v +
 * eps||_p}, PyTorch's pairwise_distance; swap uses {@code min(d(a, n), d(p, n))}.
 */
public final class TripletMarginLoss extends RowLoss {
  private static final long serialVersionUID = 1L;

  /** The margin between the positive and the negative distance. */
  public static final LossOption<Double> MARGIN = LossOption.number("margin", 1.0, null);

  /** The norm degree of the distance, >= 0 (0 counts non-zero differences, Infinity the max). */
  public static final LossOption<Double> P =
      LossOption.number("p", 2.0, p -> p >= 0.0 ? null : "must be >= 0");

  /** Added to each difference before the norm. */
  public static final LossOption<Double> EPS = LossOption.number("eps", 1e-6, null);

  /** Whether to use the positive-negative distance when it is smaller. */
  public static final LossOption<Boolean> SWAP = LossOption.bool("swap", false);

  TripletMarginLoss() {
    super("triplet_margin_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(
        Arg.of("anchor", Accepts.VECTOR),
        Arg.of("positive", Accepts.LIKE_FIRST),
        Arg.of("negative", Accepts.LIKE_FIRST));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(MARGIN, P, EPS, SWAP);
  }

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    double margin = options.get(MARGIN);
    double p = options.get(P);
    double eps = options.get(EPS);
    boolean swap = options.get(SWAP);
    return (r, out, checks) -> {
      double dp = distance(r.x, r.t, r.n, p, eps);
      double dn = distance(r.x, r.u, r.n, p, eps);
      if (swap) {
        dn = Math.min(dn, distance(r.t, r.u, r.n, p, eps));
      }
      out.loss = Math.max(margin + dp - dn, 0.0);
      return Outcome.EVALUATED;
    };
  }

  /** {@code torch.pairwise_distance(u, v, p, eps)}: the p-norm of {@code u - v + eps}. */
  static double distance(double[] u, double[] v, int n, double p, double eps) {
    if (p == 2.0) {
      double s = 0.0;
      for (int k = 0; k < n; k++) {
        double d = u[k] - v[k] + eps;
        s += d * d;
      }
      return Math.sqrt(s);
    }
    if (p == 1.0) {
      double s = 0.0;
      for (int k = 0; k < n; k++) {
        s += Math.abs(u[k] - v[k] + eps);
      }
      return s;
    }
    if (p == Double.POSITIVE_INFINITY) {
      double m = 0.0;
      for (int k = 0; k < n; k++) {
        double d = Math.abs(u[k] - v[k] + eps);
        if (!(d <= m)) {
          m = d;
        }
      }
      return m;
    }
    if (p == 0.0) {
      double c = 0.0;
      for (int k = 0; k < n; k++) {
        double d = u[k] - v[k] + eps;
        if (d != 0.0) {
          c += 1.0;
        }
      }
      return c;
    }
    double s = 0.0;
    for (int k = 0; k < n; k++) {
      s += Math.pow(Math.abs(u[k] - v[k] + eps), p);
    }
    return Math.pow(s, 1.0 / p);
  }
}
