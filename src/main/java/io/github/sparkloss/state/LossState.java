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
 *
 * <p><b>Size.</b> A state that saw few rows is small, in memory and serialized: its sums stay in
 * {@link ExactSum}'s small form, and a per-class state keeps partials only for the classes it saw.
 * The serialized form writes counters as variable-length integers and sums in {@link
 * ExactSum#writeCompactTo compact form}: a cross_entropy state of one row takes 25 bytes.
 */
public final class LossState implements Externalizable {
  private static final long serialVersionUID = 1L;

  /** Version byte of the serialized form. */
  public static final byte FORMAT_VERSION = 3;

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

  /** Per class (per-class states): the partials of the classes seen, null for the others. */
  private ClassPartial[] classes;

  /** One class's partials: its loss and denominator sums, its rows and its moments. */
  private static final class ClassPartial {
    ExactSum loss = new ExactSum();
    ExactSum weight = new ExactSum();
    long rows;

    /** The moments of the class's own terms, or null when the state keeps none. */
    Moments moments;

    ClassPartial(boolean moments) {
      this.moments = moments ? new Moments(false) : null;
    }

    void merge(ClassPartial other) {
      loss.add(other.loss);
      weight.add(other.weight);
      rows += other.rows;
      if (moments != null) {
        moments.merge(other.moments);
      }
    }

    /** Whether it holds nothing: the same as a class never seen. */
    boolean isEmpty() {
      return rows == 0
          && loss.isZero()
          && weight.isZero()
          && (moments == null || moments.equals(new Moments(false)));
    }

    boolean sameAs(ClassPartial o) {
      return loss.equals(o.loss)
          && weight.equals(o.weight)
          && rows == o.rows
          && (moments == null || moments.equals(o.moments));
    }
  }

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
    ClassPartial p = classes[c];
    return p == null ? new Moments(false) : p.moments;
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
    classes = new ClassPartial[c];
  }

  /** Class {@code c}'s partials, made when the class is first seen. */
  private ClassPartial entry(int c) {
    ClassPartial p = classes[c];
    if (p == null) {
      p = classes[c] = new ClassPartial(uncertainty != Uncertainty.NONE);
    }
    return p;
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
    entry(c).moments.add(s, a);
  }

  /** Adds one evaluated row's numerator term {@code s * l} and denominator term. */
  public void addRow(double lossTerm, double weightTerm) {
    rows++;
    lossSum.add(lossTerm);
    weightSum.add(weightTerm);
  }

  /** Adds to class {@code c}'s partials: a row of that class (index targets). */
  public void addClassRow(int c, double lossTerm, double weightTerm) {
    ClassPartial p = entry(c);
    p.loss.add(lossTerm);
    p.weight.add(weightTerm);
    p.rows++;
  }

  /** Adds to class {@code c}'s loss only: one element's term (element-wise losses). */
  public void addClassLoss(int c, double lossTerm) {
    entry(c).loss.add(lossTerm);
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
    if (perClass && other.classes != null) {
      for (int c = 0; c < numClasses; c++) {
        ClassPartial o = other.classes[c];
        if (o != null) {
          entry(c).merge(o);
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
    ClassPartial p = classes[c];
    return p == null ? 0.0 : p.loss.doubleValue();
  }

  /** Class {@code c}'s denominator sum; per-class states only. */
  public double classWeightSum(int c) {
    ClassPartial p = classes[c];
    return p == null ? 0.0 : p.weight.doubleValue();
  }

  /** Class {@code c}'s row count; per-class states only. */
  public long classRows(int c) {
    ClassPartial p = classes[c];
    return p == null ? 0 : p.rows;
  }

  /**
   * Writes the compact form: the version byte (3); a flags byte (bit 0 per-class, bits 1-2 the
   * uncertainty kind); rows, ignored_rows, null_rows, bad_rows and the class count plus one as
   * unsigned variable-length integers (7 bits a byte, low first); the loss and denominator sums in
   * {@link ExactSum#writeCompactTo compact form}; for a per-class state that saw rows, the number
   * of classes seen, then for each, in increasing order, the gap from the previous class index
   * (minus one), its two sums, its rows and its moments; then the moments.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeByte((perClass ? 1 : 0) | (uncertainty.ordinal() << 1));
    writeVarLong(out, rows);
    writeVarLong(out, ignoredRows);
    writeVarLong(out, nullRows);
    writeVarLong(out, badRows);
    writeVarLong(out, numClasses + 1L);
    lossSum.writeCompactTo(out);
    weightSum.writeCompactTo(out);
    if (perClass && numClasses >= 0) {
      int seen = 0;
      for (ClassPartial p : classes) {
        seen += p == null ? 0 : 1;
      }
      writeVarLong(out, seen);
      int previous = -1;
      for (int c = 0; c < numClasses; c++) {
        ClassPartial p = classes[c];
        if (p == null) {
          continue;
        }
        writeVarLong(out, c - previous - 1);
        previous = c;
        p.loss.writeCompactTo(out);
        p.weight.writeCompactTo(out);
        writeVarLong(out, p.rows);
        if (p.moments != null) {
          p.moments.writeTo(out);
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
    int flags = in.readUnsignedByte();
    int u = flags >>> 1;
    if (u >= Uncertainty.values().length) {
      throw new IOException("LossState: unknown uncertainty kind " + u);
    }
    perClass = (flags & 1) != 0;
    uncertainty = Uncertainty.values()[u];
    rows = readCount(in, "rows");
    ignoredRows = readCount(in, "ignored_rows");
    nullRows = readCount(in, "null_rows");
    badRows = readCount(in, "bad_rows");
    long c = readVarLong(in, "class count") - 1;
    if (c > MAX_CLASSES) {
      throw new IOException(
          "LossState: class count " + c + " is out of range [-1, " + MAX_CLASSES + "]");
    }
    numClasses = (int) c;
    lossSum = ExactSum.readCompactFrom(in);
    weightSum = ExactSum.readCompactFrom(in);
    classes = null;
    if (perClass && c >= 0) {
      allocateClasses(numClasses);
      long seen = readVarLong(in, "classes seen");
      if (seen > numClasses) {
        throw new IOException(
            "LossState: " + seen + " classes seen of " + numClasses + "; expected at most that");
      }
      long index = -1;
      for (long i = 0; i < seen; i++) {
        index += readVarLong(in, "class index gap") + 1;
        if (index >= numClasses) {
          throw new IOException(
              "LossState: class index " + index + " out of range for " + numClasses + " classes");
        }
        ClassPartial p = new ClassPartial(false);
        p.loss = ExactSum.readCompactFrom(in);
        p.weight = ExactSum.readCompactFrom(in);
        p.rows = readCount(in, "class rows");
        if (uncertainty != Uncertainty.NONE) {
          p.moments = Moments.readFrom(in, false);
        }
        classes[(int) index] = p;
      }
    }
    moments =
        uncertainty == Uncertainty.NONE
            ? null
            : Moments.readFrom(in, uncertainty == Uncertainty.RATIO);
  }

  private static long readCount(DataInput in, String what) throws IOException {
    return readVarLong(in, what + " count");
  }

  /** Writes a non-negative long as 7-bit groups, lowest first, the high bit marking more. */
  static void writeVarLong(DataOutput out, long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  /** Reads what {@link #writeVarLong} wrote: a non-negative long of at most 9 groups of 7 bits. */
  static long readVarLong(DataInput in, String what) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("LossState: " + what + " is longer than 9 bytes; expected a long >= 0");
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
        ClassPartial a = classes[c];
        ClassPartial b = s.classes[c];
        if (a == null || b == null
            ? !(a == null ? b == null || b.isEmpty() : a.isEmpty())
            : !a.sameAs(b)) {
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
