package io.github.sparkloss.eval;

import static io.github.sparkloss.options.LossOptions.formatNumber;

import io.github.sparkloss.loss.Binding;
import io.github.sparkloss.options.LossException;
import java.io.Serializable;

/**
 * The checks and messages of one bound loss's rows: a bad row fails with a message naming the loss,
 * the column, the value and what was expected, or is counted under {@code on_bad_row => 'skip'}.
 */
public final class RowChecks implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String loss;
  private final Binding binding;
  private final boolean skipBadRows;

  RowChecks(String loss, Binding binding, boolean skipBadRows) {
    this.loss = loss;
    this.binding = binding;
    this.skipBadRows = skipBadRows;
  }

  /** Fails with {@code loss: what}, or returns {@link Outcome#BAD} under skip. */
  public Outcome reject(String what) {
    if (!skipBadRows) {
      throw new LossException(loss + ": " + what);
    }
    return Outcome.BAD;
  }

  /** The column name of argument {@code i}. */
  public String column(int i) {
    return binding.column(i);
  }

  /** Where element {@code k} of argument {@code i} is: " at index k of column c", or the column. */
  public String where(int i, int k) {
    return binding.isVector(i)
        ? " at index " + k + " of column " + binding.column(i)
        : " in column " + binding.column(i);
  }

  /**
   * Reads the class index target of argument {@code arg} into {@code out.targetClass}: {@link
   * Outcome#IGNORED} when it equals {@code ignoreIndex} (if {@code ignorable}), {@link Outcome#BAD}
   * (or a failure) when it is not a whole number in {@code [0, n)}.
   */
  public Outcome classIndex(
      RowInput r, int arg, boolean ignorable, long ignoreIndex, RowResult out) {
    long y;
    if (r.indexIsDouble) {
      double d = r.indexAsDouble;
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        return notWhole(d, r.n, arg, ignorable, ignoreIndex);
      }
      if (Math.abs(d) >= 0x1p62) {
        return outOfRange(formatNumber(d), r.n, arg, ignorable, ignoreIndex);
      }
      y = (long) d;
    } else {
      y = r.index;
    }
    if (ignorable && y == ignoreIndex) {
      return Outcome.IGNORED;
    }
    if (y < 0 || y >= r.n) {
      return outOfRange(Long.toString(y), r.n, arg, ignorable, ignoreIndex);
    }
    out.targetClass = (int) y;
    return Outcome.EVALUATED;
  }

  private Outcome notWhole(double d, int n, int arg, boolean ignorable, long ignoreIndex) {
    return reject(
        "target "
            + formatNumber(d)
            + " in column "
            + column(arg)
            + " is not a whole number; expected "
            + expectedIndex(n, ignorable, ignoreIndex));
  }

  private Outcome outOfRange(String y, int n, int arg, boolean ignorable, long ignoreIndex) {
    return reject(
        "target "
            + y
            + " in column "
            + column(arg)
            + " is out of range for "
            + n
            + " classes; expected "
            + expectedIndex(n, ignorable, ignoreIndex));
  }

  private static String expectedIndex(int n, boolean ignorable, long ignoreIndex) {
    return "a class index in [0, " + n + ")" + (ignorable ? " or ignore_index " + ignoreIndex : "");
  }

  /** Checks that element {@code k} of argument {@code i}, {@code v}, is in [0, 1]. */
  public Outcome probability(double v, String role, int i, int k) {
    if (!(v >= 0.0 && v <= 1.0)) {
      return reject(
          role
              + " "
              + formatNumber(v)
              + where(i, k)
              + " is outside [0, 1]; expected a probability");
    }
    return Outcome.EVALUATED;
  }
}
