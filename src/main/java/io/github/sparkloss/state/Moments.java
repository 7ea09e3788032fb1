package io.github.sparkloss.state;

import io.github.sparkloss.sum.ExactSum;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The exact sums behind a standard error, kept beside a state's loss sums: over the evaluated rows
 * n, with sample weight s_n, numerator term a_n and denominator term b_n, the sums N = sum s_n, sum
 * s_n a_n, sum s_n a_n^2 and, for a ratio whose denominators differ from row to row, sum s_n b_n,
 * sum s_n a_n b_n and sum s_n b_n^2. Every product is added exactly ({@link ExactSum#addProduct}),
 * so the sums are exact and merge bit for bit like every other sum.
 *
 * <p>The standard errors follow the contract's delta method: for a ratio R = A / B, Var(R) = N / (N
 * - 1) * sum s (a - R b)^2 / B^2; for a sum A, Var(A) = N / (N - 1) * sum s (a - A / N)^2. The
 * residual sum is expanded as sum s a^2 - 2 R sum s a b + R^2 sum s b^2 and evaluated exactly, with
 * R carried as two doubles, before one rounding: a loss that is a constant plus tiny noise keeps
 * its true standard error instead of losing it to cancellation.
 */
public final class Moments {
  private final boolean ratio;
  private ExactSum weights = new ExactSum();
  private ExactSum first = new ExactSum();
  private ExactSum second = new ExactSum();
  private ExactSum denominators;
  private ExactSum cross;
  private ExactSum denominatorSquares;

  /**
   * Empty sums.
   *
   * @param ratio whether rows carry their own denominator term b_n (else every b_n is 1)
   */
  public Moments(boolean ratio) {
    this.ratio = ratio;
    if (ratio) {
      denominators = new ExactSum();
      cross = new ExactSum();
      denominatorSquares = new ExactSum();
    }
  }

  /** Whether rows carry their own denominator term. */
  public boolean ratio() {
    return ratio;
  }

  /** Adds a row of sample weight {@code s} and numerator term {@code a} (b = 1). */
  public void add(double s, double a) {
    if (s == 0.0) {
      return;
    }
    weights.add(s);
    if (s == 1.0) {
      first.add(a);
      second.addProduct(a, a);
    } else {
      first.addProduct(s, a);
      addWeighted(second, s, a, a);
    }
  }

  /** Adds a row of sample weight {@code s}, numerator term {@code a} and denominator term b. */
  public void add(double s, double a, double b) {
    if (s == 0.0) {
      return;
    }
    add(s, a);
    if (s == 1.0) {
      denominators.add(b);
    } else {
      denominators.addProduct(s, b);
    }
    addWeighted(cross, s, a, b);
    addWeighted(denominatorSquares, s, b, b);
  }

  /** sum += s * x * y exactly: x * y is two doubles, each times s two more. */
  private static void addWeighted(ExactSum sum, double s, double x, double y) {
    if (s == 1.0) {
      sum.addProduct(x, y);
      return;
    }
    double p = x * y;
    if (!Double.isFinite(p)) {
      sum.add(s * p);
      return;
    }
    sum.addProduct(s, p);
    double e = Math.fma(x, y, -p);
    if (e != 0.0) {
      sum.addProduct(s, e);
    }
  }

  /** Adds {@code other}'s sums into these. */
  public void merge(Moments other) {
    if (other.ratio != ratio) {
      throw new IllegalStateException("cannot merge ratio moments with plain ones");
    }
    weights.add(other.weights);
    first.add(other.first);
    second.add(other.second);
    if (ratio) {
      denominators.add(other.denominators);
      cross.add(other.cross);
      denominatorSquares.add(other.denominatorSquares);
    }
  }

  /** N, the sum of the sample weights of the rows added. */
  public double weightSum() {
    return weights.doubleValue();
  }

  /**
   * The standard error of the ratio sum s a / sum s b (with b = 1 unless {@link #ratio}): NaN when
   * N <= 1 or the ratio is not finite.
   */
  public double ratioStdError() {
    ExactSum b = ratio ? denominators : weights;
    ExactSum ab = ratio ? cross : first;
    ExactSum bb = ratio ? denominatorSquares : weights;
    double n = weights.doubleValue();
    double bd = b.doubleValue();
    if (!(n > 1.0) || bd == 0.0) {
      return Double.NaN;
    }
    double residual = residual(first, b, ab, bb);
    return Math.sqrt(residual / bd / bd * (n / (n - 1.0)));
  }

  /** The standard error of the sum s a: NaN when N <= 1. */
  public double sumStdError() {
    double n = weights.doubleValue();
    if (!(n > 1.0)) {
      return Double.NaN;
    }
    return Math.sqrt(residual(first, weights, first, weights) * (n / (n - 1.0)));
  }

  /**
   * sum s (a - R b)^2 = saa - 2 R sab + R^2 sbb with R = sa / sb, evaluated exactly for R taken as
   * hi + lo (the quotient and its correction), then rounded once; never negative.
   */
  private double residual(ExactSum sa, ExactSum sb, ExactSum sab, ExactSum sbb) {
    double bd = sb.doubleValue();
    double hi = sa.doubleValue() / bd;
    if (!Double.isFinite(hi)) {
      return Double.NaN;
    }
    ExactSum rest = sa.copy();
    rest.addProduct(sb, -hi);
    double lo = rest.doubleValue() / bd;
    ExactSum e = second.copy();
    e.addProduct(sab, -2.0 * hi);
    e.addProduct(sab, -2.0 * lo);
    ExactSum bbHi = new ExactSum();
    bbHi.addProduct(sbb, hi);
    e.addProduct(bbHi, hi);
    e.addProduct(bbHi, 2.0 * lo);
    double r = e.doubleValue();
    return r < 0.0 ? 0.0 : r;
  }

  /**
   * Writes the sums in {@link ExactSum#writeCompactTo compact form} (the reader knows {@link
   * #ratio} from the state's flags).
   */
  void writeTo(DataOutput out) throws IOException {
    weights.writeCompactTo(out);
    first.writeCompactTo(out);
    second.writeCompactTo(out);
    if (ratio) {
      denominators.writeCompactTo(out);
      cross.writeCompactTo(out);
      denominatorSquares.writeCompactTo(out);
    }
  }

  static Moments readFrom(DataInput in, boolean ratio) throws IOException {
    Moments m = new Moments(ratio);
    m.weights = ExactSum.readCompactFrom(in);
    m.first = ExactSum.readCompactFrom(in);
    m.second = ExactSum.readCompactFrom(in);
    if (ratio) {
      m.denominators = ExactSum.readCompactFrom(in);
      m.cross = ExactSum.readCompactFrom(in);
      m.denominatorSquares = ExactSum.readCompactFrom(in);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Moments)) {
      return false;
    }
    Moments m = (Moments) o;
    return ratio == m.ratio
        && weights.equals(m.weights)
        && first.equals(m.first)
        && second.equals(m.second)
        && (!ratio
            || (denominators.equals(m.denominators)
                && cross.equals(m.cross)
                && denominatorSquares.equals(m.denominatorSquares)));
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(ratio, weights, first);
  }
}
