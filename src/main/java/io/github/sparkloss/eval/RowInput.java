package io.github.sparkloss.eval;

/**
 * One row's values as primitives, filled by an engine adapter and read by {@link BoundLoss}. It is
 * reused from row to row, so evaluating a row allocates nothing.
 */
public final class RowInput {
  /** The input vector (logits, log-probabilities or probabilities); {@code n} entries are used. */
  public double[] x = new double[16];

  /** The number of classes (input entries) of this row; 1 for scalar binary columns. */
  public int n;

  /** The target vector (probability or element-wise targets); {@code tn} entries are used. */
  public double[] t = new double[16];

  /** The number of target entries. */
  public int tn;

  /** The third argument's values (var, a target after two inputs, or the negative). */
  public double[] u = new double[16];

  /** The number of third-argument entries. */
  public int un;

  /** A class-index target read from an integer column. */
  public long index;

  /** A class-index target read from a floating-point column, checked to be a whole number. */
  public double indexAsDouble;

  /** Whether the class index came from a floating-point column ({@link #indexAsDouble}). */
  public boolean indexIsDouble;

  /** The row's sample weight (1 when the function has none). */
  public double sampleWeight = 1.0;

  /** Makes {@link #x} hold at least {@code size} entries and sets {@link #n}. */
  public double[] input(int size) {
    if (x.length < size) {
      x = new double[Math.max(size, x.length * 2)];
    }
    n = size;
    return x;
  }

  /** Makes {@link #u} hold at least {@code size} entries and sets {@link #un}. */
  public double[] third(int size) {
    if (u.length < size) {
      u = new double[Math.max(size, u.length * 2)];
    }
    un = size;
    return u;
  }

  /** The number of entries of argument {@code i}: {@link #n}, {@link #tn} or {@link #un}. */
  public int length(int i) {
    return i == 0 ? n : i == 1 ? tn : un;
  }

  /** Makes argument {@code i}'s array hold at least {@code size} entries and sets its length. */
  public double[] slot(int i, int size) {
    return i == 0 ? input(size) : i == 1 ? target(size) : third(size);
  }

  /** Makes {@link #t} hold at least {@code size} entries and sets {@link #tn}. */
  public double[] target(int size) {
    if (t.length < size) {
      t = new double[Math.max(size, t.length * 2)];
    }
    tn = size;
    return t;
  }
}
