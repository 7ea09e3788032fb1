package io.github.sparkloss.eval;

import java.util.List;

/**
 * A reduced loss with everything needed to audit it: the value, its numerator and denominator, and
 * the row counters. {@code rows} counts the rows that were evaluated; ignored, null and bad rows
 * are counted apart, so the four counters add up to every row seen.
 *
 * @param value the reduced loss (NaN for a mean over nothing, 0 for a sum over nothing)
 * @param lossSum the numerator, {@code sum(s_n * l_n)}
 * @param weightSum the denominator before the class count factor of element-wise means
 * @param perClass per-class partials, or null when not asked for
 * @param stdError the value's standard error (NaN when not kept, or over fewer than 2 rows)
 * @param ciLow the interval's lower end, {@code value - z * stdError}
 * @param ciHigh the interval's upper end, {@code value + z * stdError}
 */
public record LossResult(
    double value,
    double lossSum,
    double weightSum,
    long rows,
    long ignoredRows,
    long nullRows,
    long badRows,
    List<ClassResult> perClass,
    double stdError,
    double ciLow,
    double ciHigh) {

  /**
   * One class's share. For class-index targets class c groups the rows whose target is c; for
   * probability targets and element-wise losses it is element column c.
   *
   * @param value the class's loss under the same reduction (mean: lossSum / weightSum)
   * @param stdError its standard error over the class's rows (NaN when not kept)
   */
  public record ClassResult(
      int classIndex,
      double value,
      double lossSum,
      double weightSum,
      long rows,
      double stdError,
      double ciLow,
      double ciHigh) {}
}
