package io.github.sparkloss.sum;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * An exact accumulator for sums of {@code double} values (a "superaccumulator" in the style of
 * Radford Neal's xsum small accumulator).
 *
 * <p>Every finite value added is kept exactly: nothing is rounded until {@link #doubleValue()},
 * which returns the exact mathematical sum correctly rounded to the nearest double (ties to even),
 * overflowing to ±Infinity exactly as IEEE 754 round-to-nearest would. Because the state is the
 * exact sum, the result does not depend on the order of the additions.
 *
 * <p><b>Merge contract.</b> For any multiset of doubles split in any way into partial accumulators
 * (including empty ones) which are then merged with {@link #add(ExactSum)} in any order or tree
 * shape, possibly after a {@link #writeTo}/{@link #readFrom} round trip, {@link #doubleValue()} of
 * the merged accumulator is bit for bit what a single accumulator fed the whole multiset in one
 * pass returns. This is what makes the class safe to use as the buffer of a distributed aggregate.
 *
 * <p><b>Specials</b> follow IEEE addition and are tracked in flags, not in the exact sum: if any
 * NaN was added, or both +Infinity and -Infinity, the result is NaN; otherwise if +Infinity (resp.
 * -Infinity) was added the result is +Infinity (resp. -Infinity).
 *
 * <p><b>Zero.</b> An exact sum of zero (including a sum of only {@code -0.0} values and the empty
 * sum) yields {@code +0.0}; the sign of zero is not tracked.
 *
 * <p><b>Representation.</b> A sum that has seen few values is small: it holds its exact value as at
 * most {@value #MAX_PARTS} non-zero, non-overlapping doubles of increasing magnitude (a
 * floating-point expansion, Shewchuk 1997), each value added by error-free transformations, and
 * allocates nothing but those four doubles. A sum whose expansion would need more parts, that has
 * taken {@value #SMALL_ADDS} additions, that nears the overflow range, or that merges a wide one
 * becomes wide, keeping its value: the exact sum is then an integer multiple of 2<sup>-1074</sup>
 * (the smallest subnormal), held as {@value #NUM_CHUNKS} signed 64-bit chunks, chunk {@code i}
 * weighing 2<sup>32i-1074</sup>. Each {@link #add(double)} adds the 53-bit significand, shifted by
 * the low 5 bits of the exponent, as two pieces into two adjacent chunks without any carry; the 11
 * spare bits of each chunk absorb {@value #CARRY_INTERVAL} additions, after which carries are
 * propagated once so that every chunk but the top one is again a 32-bit digit. The top chunks only
 * ever receive carries, so the sum stays exact as long as the absolute values added sum to less
 * than 2<sup>1102</sup> (for example 2<sup>78</sup> additions of {@link Double#MAX_VALUE}).
 *
 * <p>Instances are not thread-safe. Read-only looking methods ({@link #doubleValue()}, {@link
 * #equals}, {@link #writeTo}, ...) may rewrite the internal representation without changing the
 * value.
 */
public final class ExactSum {

  /** Version byte written first by {@link #writeTo}. */
  private static final int SERIAL_VERSION = 1;

  /** Chunk {@code i} holds a digit weighing 2^(32 i - 1074). */
  private static final int CHUNK_BITS = 32;

  private static final long DIGIT_MASK = 0xFFFF_FFFFL;

  /**
   * 64 chunks cover every double's lowest bit (exponent positions 0..2045, shifted right by 5), one
   * more takes the high piece of the largest exponents, and three more take carries: the largest
   * double has its top bit at position 2097 (chunk 65), and three chunks of headroom keep the total
   * exact up to 2^2176 units = 2^1102.
   */
  private static final int NUM_CHUNKS = 68;

  private static final int TOP = NUM_CHUNKS - 1;

  /**
   * Additions allowed between carry propagations. After propagation a chunk is in [0, 2^32); one
   * addition changes a chunk by at most 2^52 - 1 in magnitude (a high piece is a 53-bit significand
   * shifted right by at least 1), and propagation adds a carry below 2^31, so after 2047 additions
   * every chunk stays within 2^32 + 2047 * (2^52 - 1) + 2^31 < 2^63. A count-down of this size
   * costs one predictable branch per addition and an amortized 68-chunk pass.
   */
  private static final int CARRY_INTERVAL = 2047;

  private static final long SIGNIFICAND_MASK = (1L << 52) - 1;

  private static final int FLAG_NAN = 1;
  private static final int FLAG_POS_INF = 2;
  private static final int FLAG_NEG_INF = 4;

  /** Serialized form only: the finite sum is negative (chunks hold its magnitude). */
  private static final int FLAG_NEGATIVE = 8;

  private static final int SPECIAL_FLAGS = FLAG_NAN | FLAG_POS_INF | FLAG_NEG_INF;

  /**
   * Bit length of the smallest magnitude (in units of 2^-1074) that rounds to infinity for sure:
   * 2^2098 units = 2^1024.
   */
  private static final int OVERFLOW_BIT_LENGTH = 1024 + 1074 + 1;

  /**
   * Parts a small sum holds at most. One row's terms need one or two (a product and its rounding
   * error); sums of tens of values of a few binades apart usually fit in two or three.
   */
  static final int MAX_PARTS = 4;

  /**
   * Additions a sum takes in the small form before it becomes wide: a group with more rows than
   * this is large, so the wide form's size no longer matters, and its additions are cheaper.
   */
  static final int SMALL_ADDS = 64;

  /**
   * A small sum whose largest part or next value reaches this magnitude becomes wide first, so the
   * error-free additions never overflow: the parts sum to less than twice the largest, so every
   * intermediate stays below 3 * 2^1000.
   */
  private static final double SMALL_LIMIT = 0x1p1000;

  /** The wide form, or null while the sum is small. */
  private long[] chunks;

  /** The small form's parts: non-zero, non-overlapping, increasing in magnitude. */
  private double p0;

  private double p1;
  private double p2;
  private double p3;

  /** The number of parts of the small form. */
  private int parts;

  /**
   * Wide form: additions still allowed before carries must be propagated. Small form: additions
   * still allowed before the sum becomes wide.
   */
  private int room = SMALL_ADDS;

  /** Bit set of FLAG_NAN, FLAG_POS_INF, FLAG_NEG_INF. */
  private int specials;

  /** Creates an accumulator holding the exact sum zero. */
  public ExactSum() {}

  /**
   * Adds {@code x} exactly. Allocation-free; intended for the per-row hot path.
   *
   * @param x any double, including subnormals, infinities and NaN
   */
  public void add(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int exp = (int) (bits >>> 52) & 0x7FF;
    if (exp == 0x7FF) {
      addSpecial(bits);
      return;
    }
    long[] chunks = this.chunks;
    if (chunks == null) {
      addSmall(x);
      return;
    }
    addWide(chunks, bits, exp);
  }

  /** Adds a finite value to the wide form, of bits {@code bits} and biased exponent {@code exp}. */
  private void addWide(long[] chunks, long bits, int exp) {
    int r = room - 1;
    if (r < 0) {
      propagateCarries();
      r = CARRY_INTERVAL - 1;
    }
    room = r;
    // Branch-free subnormal handling: normal numbers (exp > 0) get the implicit bit, subnormals
    // (exp == 0) use exponent 1 without it. normal is 1 iff exp > 0.
    int normal = (-exp) >>> 31;
    long significand = (bits & SIGNIFICAND_MASK) | ((long) normal << 52);
    // x = significand * 2^(pos - 1074), pos in [0, 2045].
    int pos = exp - normal;
    int shift = pos & (CHUNK_BITS - 1);
    int index = pos >>> 5;
    long low = (significand << shift) & DIGIT_MASK;
    long high = significand >>> (CHUNK_BITS - shift);
    // Conditional negation without a branch: sign is 0 or -1.
    long sign = bits >> 63;
    chunks[index] += (low ^ sign) - sign;
    chunks[index + 1] += (high ^ sign) - sign;
  }

  /** Adds a finite value to the wide form. */
  private void addWide(double x) {
    long bits = Double.doubleToRawLongBits(x);
    addWide(chunks, bits, (int) (bits >>> 52) & 0x7FF);
  }

  /**
   * Adds a finite value to the small form by Shewchuk's Grow-Expansion with zero elimination: the
   * value runs through the parts from the smallest, each step an exact two-sum whose rounding error
   * stays as a part. Becomes wide when the result needs more parts than it has, after {@value
   * #SMALL_ADDS} additions, or near the overflow range.
   */
  private void addSmall(double x) {
    if (x == 0.0) {
      return;
    }
    int n = parts;
    if (--room < 0
        || !(Math.abs(x) < SMALL_LIMIT)
        || (n > 0 && !(Math.abs(part(n - 1)) < SMALL_LIMIT))) {
      widen();
      addWide(x);
      return;
    }
    double q = x;
    int m = 0;
    for (int i = 0; i < n; i++) {
      double e = part(i);
      double sum = q + e;
      double bv = sum - q;
      double h = (q - (sum - bv)) + (e - bv);
      q = sum;
      if (h != 0.0) {
        // m <= i: the parts not yet read are never overwritten.
        setPart(m++, h);
      }
    }
    if (q != 0.0) {
      if (m == MAX_PARTS) {
        // Five parts: the four kept and q are the exact sum.
        parts = m;
        widen();
        addWide(q);
        return;
      }
      setPart(m++, q);
    }
    for (int i = m; i < n; i++) {
      setPart(i, 0.0);
    }
    parts = m;
  }

  private double part(int i) {
    switch (i) {
      case 0:
        return p0;
      case 1:
        return p1;
      case 2:
        return p2;
      default:
        return p3;
    }
  }

  private void setPart(int i, double v) {
    switch (i) {
      case 0:
        p0 = v;
        break;
      case 1:
        p1 = v;
        break;
      case 2:
        p2 = v;
        break;
      default:
        p3 = v;
        break;
    }
  }

  /** Turns a small sum into the wide form of the same value. */
  private void widen() {
    if (chunks != null) {
      return;
    }
    int n = parts;
    chunks = new long[NUM_CHUNKS];
    room = CARRY_INTERVAL;
    for (int i = 0; i < n; i++) {
      addWide(part(i));
    }
    p0 = p1 = p2 = p3 = 0.0;
    parts = 0;
  }

  /** Whether the sum is in the small form (for tests). */
  boolean isSmall() {
    return chunks == null;
  }

  /** A wide accumulator of the same value and specials; this one is not changed. */
  ExactSum wideCopy() {
    ExactSum c = copy();
    c.widen();
    return c;
  }

  private void addSpecial(long bits) {
    if ((bits & SIGNIFICAND_MASK) != 0) {
      specials |= FLAG_NAN;
    } else if (bits < 0) {
      specials |= FLAG_NEG_INF;
    } else {
      specials |= FLAG_POS_INF;
    }
  }

  /**
   * Adds the exact sum (and the specials) of {@code other} to this accumulator. Afterwards this
   * holds the exact sum of both; the value of {@code other} is unchanged (it may be {@code this}).
   *
   * @param other the accumulator to merge in
   */
  public void add(ExactSum other) {
    if (other == this) {
      other = other.copy();
    }
    specials |= other.specials;
    if (other.chunks == null) {
      for (int i = 0; i < other.parts; i++) {
        addFinite(other.part(i));
      }
      return;
    }
    widen();
    propagateCarries();
    // Propagate other's carries on the fly instead of normalizing it, so other is not written.
    // Its chunks are below 2^63 - 2^52 in magnitude and the running carry below 2^31, so v cannot
    // overflow; the digits added here are below 2^32, so neither can this chunk.
    long[] o = other.chunks;
    long carry = 0;
    for (int i = 0; i < TOP; i++) {
      long v = o[i] + carry;
      chunks[i] += v & DIGIT_MASK;
      carry = v >> CHUNK_BITS;
    }
    chunks[TOP] += o[TOP] + carry;
    propagateCarries();
  }

  /** Adds a finite value in whichever form the sum is. */
  private void addFinite(double x) {
    if (chunks == null) {
      addSmall(x);
    } else {
      addWide(x);
    }
  }

  /**
   * Adds the product {@code x * y} exactly, as its rounded value plus the rounding error that a
   * fused multiply-add recovers. Exact unless the product lies below the normal range (|x * y| <
   * 2^-969), where the error term itself may round at 2^-1074.
   */
  public void addProduct(double x, double y) {
    double p = x * y;
    add(p);
    if (Double.isFinite(p)) {
      double e = Math.fma(x, y, -p);
      if (e != 0.0) {
        add(e);
      }
    }
  }

  /**
   * Adds {@code x * y} exactly, where {@code x} is the exact sum of another accumulator (which is
   * not changed): each of its 32-bit digits times {@code y} is two doubles. Exact under the same
   * condition as {@link #addProduct(double, double)}; specials follow IEEE multiplication of {@code
   * x}'s rounded value.
   */
  public void addProduct(ExactSum x, double y) {
    if (x.specials != 0 || !Double.isFinite(y)) {
      add(x.doubleValue() * y);
      return;
    }
    if (y == 0.0) {
      return;
    }
    if (x.chunks == null) {
      // The parts' products, each exact as a product and its rounding error.
      for (int i = 0; i < x.parts; i++) {
        addProduct(x.part(i), y);
      }
      return;
    }
    ExactSum n = x.copy();
    n.propagateCarries();
    if (n.chunks[TOP] < 0) {
      // A negative sum's digits are those of its complement: multiply its magnitude by -y.
      n.negate();
      y = -y;
    }
    for (int i = 0; i < NUM_CHUNKS; i++) {
      long d = n.chunks[i];
      if (d != 0) {
        // d < 2^32 except in the top chunk, which is non-zero only for sums beyond 2^1070.
        addProduct(Math.scalb((double) d, CHUNK_BITS * i - 1074), y);
      }
    }
  }

  /**
   * Rewrites the chunks so that chunks 0..TOP-1 are digits in [0, 2^32) and the signed top chunk
   * holds the rest; the value is unchanged. This form is unique, so it can be compared directly.
   */
  private void propagateCarries() {
    long carry = 0;
    for (int i = 0; i < TOP; i++) {
      long v = chunks[i] + carry;
      chunks[i] = v & DIGIT_MASK;
      carry = v >> CHUNK_BITS;
    }
    chunks[TOP] += carry;
    room = CARRY_INTERVAL;
  }

  /** Negates the value in place and re-normalizes. */
  private void negate() {
    for (int i = 0; i < NUM_CHUNKS; i++) {
      chunks[i] = -chunks[i];
    }
    propagateCarries();
  }

  /**
   * Returns the exact sum correctly rounded to the nearest double, ties to even; ±Infinity if it
   * overflows; NaN or ±Infinity as described for specials; {@code +0.0} for an exact zero.
   *
   * @return the correctly rounded sum
   */
  public double doubleValue() {
    if (specials != 0) {
      return specialValue();
    }
    if (chunks == null) {
      // One part is the value; IEEE addition rounds the sum of two correctly (+ 0.0 gives +0.0
      // for an exact zero and overflows to infinity exactly as the wide form rounds); more parts
      // are rounded by the wide form.
      switch (parts) {
        case 0:
          return 0.0;
        case 1:
          return p0;
        case 2:
          return p0 + p1;
        default:
          return wideCopy().doubleValue();
      }
    }
    propagateCarries();
    boolean negative = chunks[TOP] < 0;
    if (negative) {
      negate();
    }
    double magnitude = roundMagnitude();
    if (negative) {
      negate();
    }
    return negative ? -magnitude : magnitude;
  }

  private double specialValue() {
    if ((specials & FLAG_NAN) != 0 || specials == (FLAG_POS_INF | FLAG_NEG_INF)) {
      return Double.NaN;
    }
    return (specials & FLAG_POS_INF) != 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  /**
   * Rounds the non-negative normalized value to a double. Works on raw bit patterns: for a value M
   * * 2^-1074 with bit length L <= 53 the double's bits are M itself (subnormal or smallest
   * binade), and for L > 53 they are ((L - 53) << 52) + T where T is M's top 53 bits, so rounding T
   * up to 2^53 carries into the exponent and exponent 0x7FF is exactly +Infinity.
   */
  private double roundMagnitude() {
    int top = highestNonZeroChunk();
    if (top < 0) {
      return 0.0;
    }
    int bitLength = top * CHUNK_BITS + 64 - Long.numberOfLeadingZeros(chunks[top]);
    if (bitLength >= OVERFLOW_BIT_LENGTH) {
      return Double.POSITIVE_INFINITY;
    }
    if (bitLength <= 53) {
      // Here top <= 1, so the value fits in a long and is exactly representable.
      long m = chunks[0] | (top == 1 ? chunks[1] << CHUNK_BITS : 0);
      return Double.longBitsToDouble(m);
    }
    // window = bits [bitLength - 64, bitLength) of the value; bitLength > 53 but may be < 64.
    int windowLow = bitLength - 64;
    long window = 0;
    boolean sticky = false;
    for (int i = top; i >= 0; i--) {
      int offset = i * CHUNK_BITS - windowLow; // where chunk i's bit 0 lands in the window
      long d = chunks[i];
      if (offset >= 0) {
        window |= d << offset; // offset < 64 here because i <= top
      } else if (offset > -CHUNK_BITS) {
        window |= d >>> -offset;
        sticky |= (d & ((1L << -offset) - 1)) != 0;
      } else {
        sticky |= d != 0;
      }
    }
    long t = window >>> 11; // top 53 bits
    boolean guard = (window & (1L << 10)) != 0;
    sticky |= (window & ((1L << 10) - 1)) != 0;
    if (guard && (sticky || (t & 1) != 0)) {
      t++;
    }
    // bitLength <= 2098, so this is at most 0x7FF0_0000_0000_0000L, the bits of +Infinity.
    return Double.longBitsToDouble(((long) (bitLength - 53) << 52) + t);
  }

  /**
   * Returns whether the exact sum is zero and no NaN or infinity was added.
   *
   * @return true iff {@link #doubleValue()} is zero because the exact sum is zero
   */
  public boolean isZero() {
    if (specials != 0) {
      return false;
    }
    if (chunks == null) {
      // A non-empty expansion of non-overlapping parts is never zero.
      return parts == 0;
    }
    propagateCarries();
    for (long c : chunks) {
      if (c != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns an independent accumulator with the same state.
   *
   * @return a copy
   */
  public ExactSum copy() {
    ExactSum c = new ExactSum();
    if (chunks != null) {
      c.chunks = chunks.clone();
    }
    c.p0 = p0;
    c.p1 = p1;
    c.p2 = p2;
    c.p3 = p3;
    c.parts = parts;
    c.room = room;
    c.specials = specials;
    return c;
  }

  /** Resets to the exact sum zero with no specials. */
  public void reset() {
    chunks = null;
    p0 = p1 = p2 = p3 = 0.0;
    parts = 0;
    room = SMALL_ADDS;
    specials = 0;
  }

  /**
   * Writes the canonical serialized form: a version byte (1), a flags byte (bit 0 NaN, bit 1
   * +Infinity, bit 2 -Infinity, bit 3 negative finite sum), an unsigned byte count of 32-bit digit
   * chunks and, if it is non-zero, an unsigned byte index of the lowest one followed by the digits
   * of the magnitude, lowest first, as big-endian ints. Only the non-zero range is written, so e.g.
   * the sum of 1.0 takes 8 bytes. Equal sums write equal bytes, whatever their form.
   *
   * @param out where to write
   * @throws IOException if {@code out} fails
   * @throws IllegalStateException if the absolute values added sum to 2^1102 or more (beyond the
   *     documented capacity; unreachable in practice)
   */
  public void writeTo(DataOutput out) throws IOException {
    if (chunks == null) {
      wideCopy().writeTo(out);
      return;
    }
    out.writeByte(SERIAL_VERSION);
    writeDigits(out, 0);
  }

  /**
   * Writes the flags byte (bits 0-2 the specials, bit 3 a negative sum, or'ed with {@code tag}),
   * the chunk count, the lowest chunk's index and the digits of the wide form.
   */
  private void writeDigits(DataOutput out, int tag) throws IOException {
    propagateCarries();
    boolean negative = chunks[TOP] < 0;
    if (negative) {
      negate();
    }
    try {
      int hi = highestNonZeroChunk();
      int lo = lowestNonZeroChunk();
      if (chunks[TOP] > DIGIT_MASK) {
        // Only reachable beyond the documented capacity (sum of |x| >= 2^1102).
        throw new IllegalStateException("ExactSum: magnitude exceeds the serializable range");
      }
      out.writeByte(tag | specials | (negative ? FLAG_NEGATIVE : 0));
      int count = hi < 0 ? 0 : hi - lo + 1;
      out.writeByte(count);
      if (count > 0) {
        out.writeByte(lo);
        for (int i = lo; i <= hi; i++) {
          out.writeInt((int) chunks[i]);
        }
      }
    } finally {
      if (negative) {
        negate();
      }
    }
  }

  /**
   * Returns the number of bytes {@link #writeTo} writes for the current state.
   *
   * @return the serialized size in bytes
   */
  public int serializedSize() {
    if (chunks == null) {
      return wideCopy().serializedSize();
    }
    return 1 + digitsSize();
  }

  /** The bytes {@link #writeDigits} writes. */
  private int digitsSize() {
    propagateCarries();
    boolean negative = chunks[TOP] < 0;
    if (negative) {
      negate();
    }
    int hi = highestNonZeroChunk();
    int lo = lowestNonZeroChunk();
    if (negative) {
      negate();
    }
    return hi < 0 ? 2 : 3 + 4 * (hi - lo + 1);
  }

  /** The compact form's tag of a wide sum, in bits 4-6 of its first byte. */
  private static final int COMPACT_WIDE = 7;

  /**
   * Writes the compact form, for a container that carries its own version: a tag byte whose bits
   * 0-2 are the specials (as in {@link #writeTo}) and bits 4-6 the number of parts of a small sum,
   * then those parts as 8-byte doubles, smallest first; or, for a wide sum, bits 4-6 set to 7, bit
   * 3 set for a negative sum, then the chunk count, lowest chunk index and digits as {@link
   * #writeTo} writes them. The empty sum takes 1 byte, the sum of one value 9.
   *
   * @param out where to write
   * @throws IOException if {@code out} fails
   */
  public void writeCompactTo(DataOutput out) throws IOException {
    if (chunks != null) {
      writeDigits(out, COMPACT_WIDE << 4);
      return;
    }
    out.writeByte(specials | (parts << 4));
    for (int i = 0; i < parts; i++) {
      out.writeDouble(part(i));
    }
  }

  /**
   * Returns the number of bytes {@link #writeCompactTo} writes for the current state.
   *
   * @return the compact size in bytes
   */
  public int compactSize() {
    return chunks == null ? 1 + 8 * parts : digitsSize();
  }

  /**
   * Reads the form written by {@link #writeCompactTo}, validating it. A small sum's parts are added
   * afresh, so the value read is their exact sum whatever they are.
   *
   * @param in where to read from
   * @return the accumulator that was written
   * @throws IOException if {@code in} fails, or with a message naming the problem if the input is
   *     truncated ({@link EOFException}) or not a valid compact ExactSum
   */
  public static ExactSum readCompactFrom(DataInput in) throws IOException {
    String reading = "tag byte";
    try {
      int tag = in.readUnsignedByte();
      int kind = tag >>> 4;
      if (kind == COMPACT_WIDE) {
        ExactSum s = new ExactSum();
        s.widen();
        readDigits(in, tag & 0xF, s);
        return s;
      }
      if (kind > MAX_PARTS || (tag & FLAG_NEGATIVE) != 0) {
        throw new IOException(
            "ExactSum: invalid compact tag byte 0x"
                + Integer.toHexString(tag)
                + "; expected up to "
                + MAX_PARTS
                + " parts or a wide sum");
      }
      ExactSum s = new ExactSum();
      for (int i = 0; i < kind; i++) {
        reading = "part " + (i + 1) + " of " + kind;
        double x = in.readDouble();
        if (x == 0.0 || !Double.isFinite(x)) {
          throw new IOException(
              "ExactSum: compact part " + x + " is not allowed; expected a finite non-zero double");
        }
        s.add(x);
      }
      s.specials = tag & SPECIAL_FLAGS;
      return s;
    } catch (EOFException e) {
      throw truncated(reading, e);
    }
  }

  private static EOFException truncated(String reading, EOFException e) {
    EOFException wrapped =
        new EOFException("ExactSum: truncated serialized form, input ended reading " + reading);
    wrapped.initCause(e);
    return wrapped;
  }

  /** Returns the index of the highest non-zero chunk, or -1 if all are zero. */
  private int highestNonZeroChunk() {
    int i = TOP;
    while (i >= 0 && chunks[i] == 0) {
      i--;
    }
    return i;
  }

  /** Returns the index of the lowest non-zero chunk, or NUM_CHUNKS if all are zero. */
  private int lowestNonZeroChunk() {
    int i = 0;
    while (i < NUM_CHUNKS && chunks[i] == 0) {
      i++;
    }
    return i;
  }

  /**
   * Reads the form written by {@link #writeTo}, validating it.
   *
   * @param in where to read from
   * @return the accumulator that was written
   * @throws IOException if {@code in} fails, or with a message naming the problem if the input is
   *     truncated ({@link EOFException}) or not a valid serialized ExactSum
   */
  public static ExactSum readFrom(DataInput in) throws IOException {
    ExactSum s = new ExactSum();
    s.widen();
    try {
      int version = in.readUnsignedByte();
      if (version != SERIAL_VERSION) {
        throw new IOException(
            "ExactSum: unsupported serialized version " + version + ", expected " + SERIAL_VERSION);
      }
    } catch (EOFException e) {
      throw truncated("version byte", e);
    }
    String reading = "flags byte";
    try {
      int flags = in.readUnsignedByte();
      if ((flags & ~(SPECIAL_FLAGS | FLAG_NEGATIVE)) != 0) {
        throw new IOException(
            "ExactSum: invalid flags byte 0x" + Integer.toHexString(flags) + ", allowed bits 0xf");
      }
      readDigits(in, flags, s);
      return s;
    } catch (EOFException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("ExactSum:")) {
        throw e;
      }
      throw truncated(reading, e);
    }
  }

  /** Reads the chunk count, lowest index and digits into the wide sum {@code s}. */
  private static void readDigits(DataInput in, int flags, ExactSum s) throws IOException {
    String reading = "chunk count";
    try {
      int count = in.readUnsignedByte();
      if (count > NUM_CHUNKS) {
        throw new IOException(
            "ExactSum: chunk count " + count + " out of range, at most " + NUM_CHUNKS);
      }
      boolean negative = (flags & FLAG_NEGATIVE) != 0;
      if (count == 0 && negative) {
        throw new IOException("ExactSum: negative flag set on a zero sum");
      }
      if (count > 0) {
        reading = "lowest chunk index";
        int lo = in.readUnsignedByte();
        if (lo + count > NUM_CHUNKS) {
          throw new IOException(
              "ExactSum: chunk range ["
                  + lo
                  + ", "
                  + (lo + count)
                  + ") out of range, at most "
                  + NUM_CHUNKS
                  + " chunks");
        }
        for (int i = 0; i < count; i++) {
          reading = "chunk " + (i + 1) + " of " + count;
          s.chunks[lo + i] = in.readInt() & DIGIT_MASK;
        }
        if (s.chunks[lo] == 0 || s.chunks[lo + count - 1] == 0) {
          // A non-canonical form would still decode to a valid value, but no writer produces it,
          // so it indicates corruption.
          throw new IOException("ExactSum: zero chunk at the end of the serialized chunk range");
        }
      }
      s.specials = flags & SPECIAL_FLAGS;
      if (negative) {
        s.negate();
      }
    } catch (EOFException e) {
      throw truncated(reading, e);
    }
  }

  /**
   * Two accumulators are equal iff they hold the same exact sum and the same specials (whether a
   * NaN, +Infinity or -Infinity was added).
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ExactSum)) {
      return false;
    }
    ExactSum other = (ExactSum) o;
    if (specials != other.specials) {
      return false;
    }
    if (chunks == null && other.chunks == null && parts == other.parts) {
      boolean same = true;
      for (int i = 0; i < parts; i++) {
        same &= Double.doubleToRawLongBits(part(i)) == Double.doubleToRawLongBits(other.part(i));
      }
      if (same) {
        return true;
      }
    }
    // The same value may be held as different parts, or in the other form.
    ExactSum a = chunks == null ? wideCopy() : this;
    ExactSum b = other.chunks == null ? other.wideCopy() : other;
    a.propagateCarries();
    b.propagateCarries();
    return Arrays.equals(a.chunks, b.chunks);
  }

  @Override
  public int hashCode() {
    ExactSum a = chunks == null ? wideCopy() : this;
    a.propagateCarries();
    return 31 * Arrays.hashCode(a.chunks) + specials;
  }

  /** Returns {@code ExactSum[<doubleValue()>]}. */
  @Override
  public String toString() {
    return "ExactSum[" + doubleValue() + "]";
  }
}
