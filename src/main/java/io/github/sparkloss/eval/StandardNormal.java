package io.github.sparkloss.eval;

import org.apache.commons.math3.special.Erf;

/** The standard normal distribution's quantile and two-sided tail, for intervals and p-values. */
public final class StandardNormal {
  private static final double SQRT2 = Math.sqrt(2.0);

  private StandardNormal() {}

  /** The quantile at {@code p} in (0, 1): z with P(Z <= z) = p. */
  public static double quantile(double p) {
    if (!(p > 0.0 && p < 1.0)) {
      throw new IllegalArgumentException("p must be in (0, 1): " + p);
    }
    return SQRT2 * Erf.erfInv(2.0 * p - 1.0);
  }

  /** z of a two-sided interval at {@code confidence} in (0, 1): value -+ z * std_error. */
  public static double intervalZ(double confidence) {
    return quantile((1.0 + confidence) / 2.0);
  }

  /** The two-sided p-value of a standard normal statistic: P(|Z| >= |z|); NaN stays NaN. */
  public static double twoSidedPValue(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    return Erf.erfc(Math.abs(z) / SQRT2);
  }
}
