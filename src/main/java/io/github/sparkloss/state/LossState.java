package io.github.sparkloss.state;

import io.github.sparkloss.sum.ExactSum;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * The mergeable partial of one loss over a set of rows: the numerator {@code L = sum(s_n * l_n)},
 * the denominator {@code D} (the sum of each row's denominator term), the counters rows,
 * ignored_rows, null_rows and bad_rows, and optionally per-class partials.
 *
 * <p><b>Merge contract.</b> Every sum is exact ({@link ExactSum}) and every counter an integer, so
 * merging partials gives, bit for bit, what one pass over the union of their rows would give,
 * whatever the split and the order. The zero state ({@code new LossState(...)}) is the identity of
 * {@link #merge}.
 *
 * <p>The state knows nothing of the loss or of the engine; {@code BoundLoss} decides what each row
 * adds. Its serialized form starts with a version byte and is validated when read back.
 */
public final class LossState implements Externalizable {
  private static final long serialVersionUID = 1L;

  /** Version byte of the serialized form. */
  public static final byte FORMAT_VERSION = 2;

  /** The largest class count a per-class state accepts (sanity bound on deserialization). */
  public static final int MAX_CLASSES = 1 << 24;

  private boolean perClass;
  private ExactSum lossSum = new ExactSum();
  private ExactSum weightSum = new ExactSum();
  private long rows;
  private long ignoredRows;
  private long nullRows;
  private long badRows;
  private int numClasses = -1;
  private ExactSum[] classLoss;
  private ExactSum[] classWeight;
  private long[] classRows;

  /** What the state keeps for standard errors. */
  public enum Uncertainty {
    /** Nothing: the state gives values and counters only. */
    NONE,
    /** The moments of rows whose denominator term is 1 (or a constant of the group). */
    UNIT,
    /** The moments of a ratio whose rows carry their own denominator term. */
    RATIO
  }

  private Uncertainty uncertainty = Uncertainty.NONE;
  private Moments moments;

  /** Per class (per-class states with uncertainty): the moments of the class's own terms. */
  private Moments[] classMoments;

  /** For deserialization only; use {@link #LossState(boolean)}. */
  public LossState() {}

  /**
   * An empty state.
   *
   * @param perClass whether to keep per-class partials
   */
  public LossState(boolean perClass) {
    this(perClass, Uncertainty.NONE);
  }

  /**
   * An empty state that also keeps the exact moments behind standard errors.
   *
   * @param perClass whether to keep per-class partials
   */
  public LossState(boolean perClass, Uncertainty uncertainty) {
    this.perClass = perClass;
    this.uncertainty = uncertainty;
    if (uncertainty != Uncertainty.NONE) {
      moments = new Moments(uncertainty == Uncertainty.RATIO);
    }
  }

  /** What this state keeps for standard errors. */
  public Uncertainty uncertainty() {
    return uncertainty;
  }

  /** The moments of the rows, or null when the state keeps none. */
  public Moments moments() {
    return moments;
  }

  /** Class {@code c}'s moments; per-class states with uncertainty only. */
  public Moments classMoments(int c) {
    return classMoments[c];
  }

  /** Whether this state keeps per-class partials. */
  public boolean perClass() {
    return perClass;
  }

  /** The number of classes seen, or -1 before the first evaluated row. */
  public int numClasses() {
    return numClasses;
  }

  /**
   * Fixes the number of classes. The caller checks that a later value agrees; this only records.
   */
  public void setNumClasses(int c) {
    if (numClasses == c) {
      return;
    }
    if (numClasses >= 0) {
      throw new IllegalStateException("class count already " + numClasses + ", not " + c);
    }
    numClasses = c;
    if (perClass) {
      allocateClasses(c);
    }
  }

  private void allocateClasses(int c) {
    classLoss = new ExactSum[c];
    classWeight = new ExactSum[c];
    classRows = new long[c];
    for (int i = 0; i < c; i++) {
      classLoss[i] = new ExactSum();
      classWeight[i] = new ExactSum();
    }
    if (uncertainty != Uncertainty.NONE) {
      classMoments = new Moments[c];
      for (int i = 0; i < c; i++) {
        classMoments[i] = new Moments(false);
      }
    }
  }

  /**
   * Adds one evaluated row's moments: sample weight {@code s}, loss {@code a} and denominator term
   * {@code b} before the sample weight ({@code b} is read only by {@link Uncertainty#RATIO}).
   */
  public void addMoments(double s, double a, double b) {
    if (uncertainty == Uncertainty.RATIO) {
      moments.add(s, a, b);
    } else {
      moments.add(s, a);
    }
  }

  /** Adds to class {@code c}'s moments a row's share {@code a} of sample weight {@code s}. */
  public void addClassMoments(int c, double s, double a) {
    classMoments[c].add(s, a);
  }

  /** Adds one evaluated row's numerator term {@code s * l} and denominator term. */
  public void addRow(double lossTerm, double weightTerm) {
    rows++;
    lossSum.add(lossTerm);
    weightSum.add(weightTerm);
  }

  /** Adds to class {@code c}'s partials: a row of that class (index targets). */
  public void addClassRow(int c, double lossTerm, double weightTerm) {
    classLoss[c].add(lossTerm);
    classWeight[c].add(weightTerm);
    classRows[c]++;
  }

  /** Adds to class {@code c}'s loss only: one element's term (element-wise losses). */
  public void addClassLoss(int c, double lossTerm) {
    classLoss[c].add(lossTerm);
  }

  public void countIgnored() {
    ignoredRows++;
  }

  public void countNull() {
    nullRows++;
  }

  public void countBad() {
    badRows++;
  }

  /**
   * Adds {@code other} into this state. Both must agree on per-class tracking and, when both have
   * seen rows, on the class count; the caller reports a disagreement to the user.
   */
  public LossState merge(LossState other) {
    if (other.perClass != perClass) {
      throw new IllegalStateException("cannot merge a per-class state with a plain one");
    }
    if (other.uncertainty != uncertainty) {
      throw new IllegalStateException(
          "cannot merge a state of uncertainty " + other.uncertainty + " into " + uncertainty);
    }
    if (other.numClasses >= 0) {
      setNumClasses(other.numClasses);
    }
    lossSum.add(other.lossSum);
    weightSum.add(other.weightSum);
    rows += other.rows;
    ignoredRows += other.ignoredRows;
    nullRows += other.nullRows;
    badRows += other.badRows;
    if (perClass && other.classLoss != null) {
      for (int c = 0; c < numClasses; c++) {
        classLoss[c].add(other.classLoss[c]);
        classWeight[c].add(other.classWeight[c]);
        classRows[c] += other.classRows[c];
        if (classMoments != null) {
          classMoments[c].merge(other.classMoments[c]);
        }
      }
    }
    if (moments != null) {
      moments.merge(other.moments);
    }
    return this;
  }

  /** True when no row of any kind was seen: the identity of {@link #merge}. */
  public boolean isEmpty() {
    return rows == 0
        && ignoredRows == 0
        && nullRows == 0
        && badRows == 0
        && numClasses < 0
        && lossSum.isZero()
        && weightSum.isZero();
  }

  /** The correctly rounded exact sum of the numerator terms. */
  public double lossSum() {
    return lossSum.doubleValue();
  }

  /** The correctly rounded exact sum of the denominator terms. */
  public double weightSum() {
    return weightSum.doubleValue();
  }

  public long rows() {
    return rows;
  }

  public long ignoredRows() {
    return ignoredRows;
  }

  public long nullRows() {
    return nullRows;
  }

  public long badRows() {
    return badRows;
  }

  /** Class {@code c}'s loss sum; per-class states only. */
  public double classLossSum(int c) {
    return classLoss[c].doubleValue();
  }

  /** Class {@code c}'s denominator sum; per-class states only. */
  public double classWeightSum(int c) {
    return classWeight[c].doubleValue();
  }

  /** Class {@code c}'s row count; per-class states only. */
  public long classRows(int c) {
    return classRows[c];
  }

  /** Writes the compact form: version byte, flags, counters, sums, per-class partials. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeBoolean(perClass);
    out.writeByte(uncertainty.ordinal());
    out.writeLong(rows);
    out.writeLong(ignoredRows);
    out.writeLong(nullRows);
    out.writeLong(badRows);
    out.writeInt(numClasses);
    lossSum.writeTo(out);
    weightSum.writeTo(out);
    if (perClass && numClasses >= 0) {
      for (int c = 0; c < numClasses; c++) {
        classLoss[c].writeTo(out);
        classWeight[c].writeTo(out);
        out.writeLong(classRows[c]);
        if (classMoments != null) {
          classMoments[c].writeTo(out);
        }
      }
    }
    if (moments != null) {
      moments.writeTo(out);
    }
  }

  /** Reads what {@link #writeTo} wrote, rejecting a wrong version or impossible values. */
  public static LossState readFrom(DataInput in) throws IOException {
    LossState s = new LossState();
    s.readInto(in);
    return s;
  }

  private void readInto(DataInput in) throws IOException {
    byte version = in.readByte();
    if (version != FORMAT_VERSION) {
      throw new IOException(
          "LossState: unsupported serialized version " + version + ", expected " + FORMAT_VERSION);
    }
    perClass = in.readBoolean();
    int u = in.readByte();
    if (u < 0 || u >= Uncertainty.values().length) {
      throw new IOException("LossState: unknown uncertainty kind " + u);
    }
    uncertainty = Uncertainty.values()[u];
    rows = readCount(in, "rows");
    ignoredRows = readCount(in, "ignored_rows");
    nullRows = readCount(in, "null_rows");
    badRows = readCount(in, "bad_rows");
    int c = in.readInt();
    if (c < -1 || c > MAX_CLASSES) {
      throw new IOException(
          "LossState: class count " + c + " is out of range [-1, " + MAX_CLASSES + "]");
    }
    numClasses = c;
    lossSum = ExactSum.readFrom(in);
    weightSum = ExactSum.readFrom(in);
    classLoss = null;
    classWeight = null;
    classRows = null;
    classMoments = null;
    if (perClass && c >= 0) {
      allocateClasses(c);
      for (int i = 0; i < c; i++) {
        classLoss[i] = ExactSum.readFrom(in);
        classWeight[i] = ExactSum.readFrom(in);
        classRows[i] = readCount(in, "class rows");
        if (classMoments != null) {
          classMoments[i] = Moments.readFrom(in, false);
        }
      }
    }
    moments =
        uncertainty == Uncertainty.NONE
            ? null
            : Moments.readFrom(in, uncertainty == Uncertainty.RATIO);
  }

  private static long readCount(DataInput in, String what) throws IOException {
    long v = in.readLong();
    if (v < 0) {
      throw new IOException("LossState: " + what + " count " + v + " is negative");
    }
    return v;
  }

  @Override
  public void writeExternal(ObjectOutput out) throws IOException {
    writeTo(out);
  }

  @Override
  public void readExternal(ObjectInput in) throws IOException {
    readInto(in);
  }

  /** A deep copy. */
  public LossState copy() {
    return new LossState(perClass, uncertainty).merge(this);
  }

  /** Bit-exact equality of every sum and counter (used by the merge-contract tests). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LossState)) {
      return false;
    }
    LossState s = (LossState) o;
    if (perClass != s.perClass
        || uncertainty != s.uncertainty
        || (moments != null && !moments.equals(s.moments))
        || rows != s.rows
        || ignoredRows != s.ignoredRows
        || nullRows != s.nullRows
        || badRows != s.badRows
        || numClasses != s.numClasses
        || !lossSum.equals(s.lossSum)
        || !weightSum.equals(s.weightSum)) {
      return false;
    }
    if (perClass && numClasses >= 0) {
      for (int c = 0; c < numClasses; c++) {
        if (!classLoss[c].equals(s.classLoss[c])
            || !classWeight[c].equals(s.classWeight[c])
            || classRows[c] != s.classRows[c]
            || (classMoments != null && !classMoments[c].equals(s.classMoments[c]))) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(rows, numClasses, lossSum, weightSum);
  }

  @Override
  public String toString() {
    return "LossState{loss_sum="
        + lossSum()
        + ", weight_sum="
        + weightSum()
        + ", rows="
        + rows
        + ", ignored_rows="
        + ignoredRows
        + ", null_rows="
        + nullRows
        + ", bad_rows="
        + badRows
        + ", classes="
        + numClasses
        + "}";
  }
}
