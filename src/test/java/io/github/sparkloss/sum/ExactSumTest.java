package io.github.sparkloss.sum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExactSumTest {

  private static final long SIGNIFICAND_MASK = (1L << 52) - 1;

  private static final BigDecimal TWO_POW_1024 = new BigDecimal(BigInteger.ONE.shiftLeft(1024));

  /** Midpoint between MAX_VALUE and 2^1024; at or above it round-to-nearest gives infinity. */
  private static final BigDecimal OVERFLOW_THRESHOLD =
      new BigDecimal(Double.MAX_VALUE).add(TWO_POW_1024).divide(BigDecimal.valueOf(2));

  // ---------------------------------------------------------------------------------------------
  // Reference: exact BigDecimal sum, rounded by bracketing between neighbouring doubles.

  private static BigDecimal exactSum(double... xs) {
    BigDecimal s = BigDecimal.ZERO;
    for (double x : xs) {
      s = s.add(new BigDecimal(x));
    }
    return s;
  }

  /**
   * Rounds an exact value to the nearest double, ties to even, without trusting any library
   * rounding: BigDecimal.doubleValue() is only a starting guess, which is then moved until lo <= a
   * < hi for adjacent doubles lo, hi, and the nearer one (or the one with an even significand) is
   * chosen by exact comparison.
   */
  private static double referenceRound(BigDecimal exact) {
    int signum = exact.signum();
    if (signum == 0) {
      return 0.0;
    }
    BigDecimal a = exact.abs();
    double r;
    if (a.compareTo(OVERFLOW_THRESHOLD) >= 0) {
      r = Double.POSITIVE_INFINITY;
    } else {
      double d = a.doubleValue();
      if (d == Double.POSITIVE_INFINITY) {
        d = Double.MAX_VALUE;
      }
      while (d > 0 && new BigDecimal(d).compareTo(a) > 0) {
        d = Math.nextDown(d);
      }
      while (d < Double.MAX_VALUE && new BigDecimal(Math.nextUp(d)).compareTo(a) <= 0) {
        d = Math.nextUp(d);
      }
      BigDecimal lo = new BigDecimal(d);
      BigDecimal hi = d == Double.MAX_VALUE ? TWO_POW_1024 : new BigDecimal(Math.nextUp(d));
      assertThat(lo.compareTo(a) <= 0 && a.compareTo(hi) < 0).isTrue();
      int c = a.subtract(lo).compareTo(hi.subtract(a));
      if (c < 0) {
        r = d;
      } else if (c > 0) {
        r = Math.nextUp(d);
      } else {
        r = (Double.doubleToRawLongBits(d) & 1) == 0 ? d : Math.nextUp(d);
      }
    }
    return signum < 0 ? -r : r;
  }

  private static double reference(double... xs) {
    return referenceRound(exactSum(xs));
  }

  private static double pow2(int e) {
    return Math.scalb(1.0, e); // exact for e >= -1074
  }

  private static ExactSum sumOf(double... xs) {
    ExactSum s = new ExactSum();
    for (double x : xs) {
      s.add(x);
    }
    return s;
  }

  private static void assertSameDouble(double actual, double expected, String what) {
    assertThat(Double.doubleToRawLongBits(actual))
        .as(
            "%s: got %s (%s), expected %s (%s)",
            what, actual, Double.toHexString(actual), expected, Double.toHexString(expected))
        .isEqualTo(Double.doubleToRawLongBits(expected));
  }

  private static byte[] serialize(ExactSum s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      s.writeTo(new DataOutputStream(bytes));
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ExactSum deserialize(byte[] bytes) throws IOException {
    return ExactSum.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
  }

  private static ExactSum roundTrip(ExactSum s) {
    try {
      byte[] bytes = serialize(s);
      assertThat(bytes).hasSize(s.serializedSize());
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      ExactSum back = ExactSum.readFrom(in);
      assertThat(in.read()).as("readFrom consumes exactly the written bytes").isEqualTo(-1);
      return back;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Data sets.

  private static double randomFinite(Random rnd) {
    while (true) {
      double d = Double.longBitsToDouble(rnd.nextLong());
      if (Double.isFinite(d)) {
        return d;
      }
    }
  }

  /** Random sign and significand, biased exponent uniform in [minExp, maxExp] (0 = subnormal). */
  private static double randomInBinades(Random rnd, int minExp, int maxExp) {
    long exp = minExp + rnd.nextInt(maxExp - minExp + 1);
    long sign = rnd.nextBoolean() ? Long.MIN_VALUE : 0;
    return Double.longBitsToDouble(sign | exp << 52 | (rnd.nextLong() & SIGNIFICAND_MASK));
  }

  /**
   * Values followed by the negated rounded sums of themselves, repeatedly, so the final exact sum
   * is a tiny residual many orders of magnitude below the inputs: the hardest case for rounding.
   */
  private static double[] cancelling(Random rnd, int n, int minExp, int maxExp) {
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      xs.add(randomInBinades(rnd, minExp, maxExp));
    }
    for (int round = 0; round < 3; round++) {
      double r = reference(xs.stream().mapToDouble(Double::doubleValue).toArray());
      if (r == 0 || Double.isInfinite(r)) {
        break;
      }
      xs.add(-r);
    }
    Collections.shuffle(xs, rnd);
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] generate(long seed, int n, Function<Random, Double> g) {
    Random rnd = new Random(seed);
    double[] xs = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = g.apply(rnd);
    }
    return xs;
  }

  static Stream<Arguments> dataSets() {
    List<Arguments> sets = new ArrayList<>();
    sets.add(set("empty", new double[0]));
    sets.add(set("single 1.5", new double[] {1.5}));
    sets.add(set("single -MIN_VALUE", new double[] {-Double.MIN_VALUE}));
    sets.add(set("1e308, 1, -1e308", new double[] {1e308, 1, -1e308}));
    sets.add(
        set(
            "MAX, MIN_VALUE, -MAX",
            new double[] {Double.MAX_VALUE, Double.MIN_VALUE, -Double.MAX_VALUE}));
    sets.add(set("0.1 x 1000", generate(0, 1000, r -> 0.1)));
    sets.add(set("signed zeros", new double[] {-0.0, 0.0, -0.0}));
    sets.add(set("x and -x", new double[] {0.1, 1e300, -0.1, -1e300, 3e-320, -3e-320}));
    for (long seed = 1; seed <= 4; seed++) {
      for (int n : new int[] {1, 2, 5, 100, 1000}) {
        sets.add(
            set(
                "full range seed " + seed + " n " + n,
                generate(seed, n, ExactSumTest::randomFinite)));
      }
      sets.add(
          set("moderate seed " + seed, generate(seed, 1000, r -> randomInBinades(r, 993, 1053))));
      sets.add(set("subnormal seed " + seed, generate(seed, 500, r -> randomInBinades(r, 0, 0))));
      sets.add(
          set(
              "subnormal/normal edge seed " + seed,
              generate(seed, 500, r -> randomInBinades(r, 0, 2))));
      sets.add(set("huge seed " + seed, generate(seed, 300, r -> randomInBinades(r, 2040, 2046))));
      sets.add(
          set(
              "huge positive seed " + seed,
              generate(seed, 300, r -> Math.abs(randomInBinades(r, 2044, 2046)))));
      sets.add(
          set("cancelling moderate seed " + seed, cancelling(new Random(seed), 300, 990, 1060)));
      sets.add(set("cancelling wide seed " + seed, cancelling(new Random(seed), 300, 1, 2046)));
      sets.add(set("cancelling low seed " + seed, cancelling(new Random(seed), 300, 0, 80)));
      sets.add(
          set(
              "losses seed " + seed,
              generate(seed, 2000, r -> Math.exp(Math.log(0.3) + 1.2 * r.nextGaussian()))));
      sets.add(
          set(
              "integers around 2^53 seed " + seed,
              generate(seed, 200, r -> (r.nextBoolean() ? 0x1p53 : 1.0) * (r.nextInt(7) - 3))));
    }
    return sets.stream();
  }

  private static Arguments set(String name, double[] xs) {
    return Arguments.of(Named.of(name, xs));
  }

  // ---------------------------------------------------------------------------------------------
  // The reference itself.

  @Test
  void referenceRoundsKnownCases() {
    BigDecimal one = BigDecimal.ONE;
    BigDecimal halfUlpOne = new BigDecimal(pow2(-53));
    assertSameDouble(referenceRound(one.add(halfUlpOne)), 1.0, "tie to even down");
    assertSameDouble(
        referenceRound(one.add(halfUlpOne.multiply(BigDecimal.valueOf(3)))),
        1 + pow2(-51),
        "tie to even up");
    assertSameDouble(
        referenceRound(one.add(halfUlpOne).add(new BigDecimal(Double.MIN_VALUE))),
        1 + pow2(-52),
        "just above tie");
    assertSameDouble(
        referenceRound(new BigDecimal(Double.MIN_VALUE).divide(BigDecimal.valueOf(2))),
        0.0,
        "half MIN_VALUE");
    assertSameDouble(
        referenceRound(new BigDecimal(Double.MIN_VALUE).multiply(new BigDecimal("1.5"))),
        2 * Double.MIN_VALUE,
        "1.5 MIN_VALUE");
    assertSameDouble(referenceRound(OVERFLOW_THRESHOLD), Double.POSITIVE_INFINITY, "overflow tie");
    assertSameDouble(
        referenceRound(OVERFLOW_THRESHOLD.subtract(new BigDecimal(Double.MIN_VALUE)).negate()),
        -Double.MAX_VALUE,
        "just below overflow");
    assertSameDouble(referenceRound(new BigDecimal("0.1")), 0.1, "decimal 0.1");
  }

  // ---------------------------------------------------------------------------------------------
  // Exactness and rounding.

  @ParameterizedTest(name = "{0}")
  @MethodSource("dataSets")
  void matchesCorrectlyRoundedExactSum(double[] xs) {
    assertSameDouble(sumOf(xs).doubleValue(), reference(xs), "sum");
  }

  @Test
  void massiveCancellation() {
    assertSameDouble(sumOf(1e308, 1, -1e308).doubleValue(), 1.0, "1e308 + 1 - 1e308");
    assertSameDouble(sumOf(1, 1e308, -1e308).doubleValue(), 1.0, "1 + 1e308 - 1e308");
    assertSameDouble(sumOf(-1e308, 1e308, 1).doubleValue(), 1.0, "-1e308 + 1e308 + 1");
    assertSameDouble(
        sumOf(Double.MAX_VALUE, Double.MIN_VALUE, -Double.MAX_VALUE).doubleValue(),
        Double.MIN_VALUE,
        "MAX + MIN_VALUE - MAX");
    assertSameDouble(
        sumOf(Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE).doubleValue(),
        Double.MAX_VALUE,
        "intermediate beyond MAX is kept exactly");
    assertSameDouble(sumOf(0.1, 0.2, -0.3).doubleValue(), reference(0.1, 0.2, -0.3), "0.1+0.2-0.3");
    assertThat(sumOf(0.1, 0.2, -0.3).doubleValue()).isEqualTo(0x1p-55);
  }

  @Test
  void manyTinyValues() {
    ExactSum s = new ExactSum();
    int n = 1_000_000;
    for (int i = 0; i < n; i++) {
      s.add(Double.MIN_VALUE);
    }
    assertSameDouble(s.doubleValue(), n * Double.MIN_VALUE, "n * MIN_VALUE");
    ExactSum t = new ExactSum();
    for (int i = 0; i < n; i++) {
      t.add(0.1);
    }
    assertSameDouble(
        t.doubleValue(),
        referenceRound(new BigDecimal(0.1).multiply(BigDecimal.valueOf(n))),
        "n * 0.1");
    t.add(1e20);
    t.add(-1e20);
    assertSameDouble(
        t.doubleValue(),
        referenceRound(new BigDecimal(0.1).multiply(BigDecimal.valueOf(n))),
        "n * 0.1 after +-1e20");
  }

  @Test
  void subnormals() {
    double minNormal = Double.MIN_NORMAL;
    assertSameDouble(
        sumOf(minNormal - Double.MIN_VALUE, Double.MIN_VALUE).doubleValue(),
        minNormal,
        "to MIN_NORMAL");
    assertSameDouble(
        sumOf(minNormal, -Double.MIN_VALUE).doubleValue(),
        Math.nextDown(minNormal),
        "below MIN_NORMAL");
    assertSameDouble(
        sumOf(Double.MIN_VALUE, Double.MIN_VALUE, Double.MIN_VALUE).doubleValue(),
        3 * Double.MIN_VALUE,
        "3 MIN");
    assertSameDouble(sumOf(minNormal, -minNormal / 2, -minNormal / 2).doubleValue(), 0.0, "zero");
    assertSameDouble(sumOf(-Double.MIN_VALUE).doubleValue(), -Double.MIN_VALUE, "negative MIN");
    assertSameDouble(
        sumOf(1.0, Double.MIN_VALUE, -1.0).doubleValue(), Double.MIN_VALUE, "1 + MIN - 1");
    Random rnd = new Random(7);
    for (int i = 0; i < 2000; i++) {
      double a = randomInBinades(rnd, 0, 1);
      double b = randomInBinades(rnd, 0, 1);
      // IEEE addition of two doubles is correctly rounded, so plain + is a second reference.
      assertSameDouble(sumOf(a, b).doubleValue(), a + b == 0 ? 0.0 : a + b, "a + b");
    }
  }

  /** IEEE addition of two doubles is itself correctly rounded: a second, independent reference. */
  @Test
  void twoTermSumsMatchIeeeAddition() {
    Random rnd = new Random(99);
    int[][] ranges = {{0, 2046}, {0, 3}, {1000, 1050}, {2040, 2046}, {1020, 1030}};
    for (int[] range : ranges) {
      for (int i = 0; i < 20_000; i++) {
        double a = randomInBinades(rnd, range[0], range[1]);
        double b = rnd.nextInt(4) == 0 ? -a * 0.75 : randomInBinades(rnd, range[0], range[1]);
        double ieee = a + b;
        double expected = ieee == 0 ? 0.0 : ieee; // -0.0 + -0.0 is the only -0.0 IEEE result
        assertSameDouble(sumOf(a, b).doubleValue(), expected, a + " + " + b);
        assertSameDouble(sumOf(b, a).doubleValue(), expected, b + " + " + a);
      }
    }
  }

  @Test
  void halfwayCasesRoundToEven() {
    assertSameDouble(sumOf(1.0, pow2(-53)).doubleValue(), 1.0, "1 + half ulp");
    assertSameDouble(
        sumOf(1.0 + pow2(-52), pow2(-53)).doubleValue(), 1.0 + pow2(-51), "odd + half ulp");
    assertSameDouble(
        sumOf(1.0, pow2(-53), Double.MIN_VALUE).doubleValue(),
        1.0 + pow2(-52),
        "sticky bit far below");
    assertSameDouble(sumOf(1.0, pow2(-53), -Double.MIN_VALUE).doubleValue(), 1.0, "just below tie");
    assertSameDouble(sumOf(-1.0, -pow2(-53)).doubleValue(), -1.0, "negative tie");
    assertSameDouble(
        sumOf(-1.0 - pow2(-52), -pow2(-53)).doubleValue(), -1.0 - pow2(-51), "negative odd tie");
    assertSameDouble(sumOf(0x1p53, 1).doubleValue(), 0x1p53, "2^53 + 1");
    assertSameDouble(sumOf(0x1p53, 3).doubleValue(), 0x1p53 + 4, "2^53 + 3");
    assertSameDouble(sumOf(0x1p53, 1, 1).doubleValue(), 0x1p53 + 2, "2^53 + 1 + 1");
    // A tie where the carry out of the significand bumps the exponent.
    assertSameDouble(
        sumOf(Math.nextDown(2.0), pow2(-53)).doubleValue(), 2.0, "round up into next binade");
    // A tie in the smallest normal binade, where the spacing equals that of subnormals.
    assertSameDouble(
        sumOf(0x1p-1022, 0x1p-1074).doubleValue(), 0x1p-1022 + 0x1p-1074, "exact near MIN_NORMAL");
  }

  @Test
  void overflowRoundsToInfinityLikeIeee() {
    double max = Double.MAX_VALUE;
    double halfUlpMax = pow2(970);
    assertSameDouble(sumOf(max, max).doubleValue(), Double.POSITIVE_INFINITY, "MAX + MAX");
    assertSameDouble(sumOf(-max, -max).doubleValue(), Double.NEGATIVE_INFINITY, "-MAX - MAX");
    assertSameDouble(
        sumOf(max, halfUlpMax).doubleValue(), Double.POSITIVE_INFINITY, "tie at overflow");
    assertSameDouble(
        sumOf(-max, -halfUlpMax).doubleValue(),
        Double.NEGATIVE_INFINITY,
        "negative tie at overflow");
    assertSameDouble(
        sumOf(max, halfUlpMax, -Double.MIN_VALUE).doubleValue(), max, "just below the tie");
    assertSameDouble(sumOf(max, pow2(969)).doubleValue(), max, "quarter ulp");
    assertSameDouble(
        sumOf(max, pow2(969), pow2(969)).doubleValue(),
        Double.POSITIVE_INFINITY,
        "two quarter ulps");
    // IEEE agrees on all of these when evaluated in one step.
    assertSameDouble(max + halfUlpMax, Double.POSITIVE_INFINITY, "IEEE tie");
    assertSameDouble(max + pow2(969), max, "IEEE quarter ulp");
    double[] xs = generate(11, 100, r -> Double.MAX_VALUE / 64);
    assertSameDouble(sumOf(xs).doubleValue(), Double.POSITIVE_INFINITY, "100 * MAX/64");
    assertSameDouble(reference(xs), Double.POSITIVE_INFINITY, "reference 100 * MAX/64");
  }

  @Test
  void zeroSumIsPositiveZero() {
    assertSameDouble(new ExactSum().doubleValue(), 0.0, "empty");
    assertSameDouble(sumOf(-0.0).doubleValue(), 0.0, "-0.0");
    assertSameDouble(sumOf(-0.0, -0.0).doubleValue(), 0.0, "-0.0 + -0.0");
    assertSameDouble(sumOf(-1.5, 1.5).doubleValue(), 0.0, "-1.5 + 1.5");
    assertThat(new ExactSum().isZero()).isTrue();
    assertThat(sumOf(-0.0).isZero()).isTrue();
    assertThat(sumOf(1e300, -1e300, 5e-324, -5e-324).isZero()).isTrue();
    assertThat(sumOf(Double.MIN_VALUE).isZero()).isFalse();
    assertThat(sumOf(-Double.MIN_VALUE).isZero()).isFalse();
    assertThat(sumOf(Double.NaN).isZero()).isFalse();
    assertThat(sumOf(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).isZero()).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // Specials.

  @Test
  void specialsFollowIeeeAddition() {
    double inf = Double.POSITIVE_INFINITY;
    assertThat(sumOf(Double.NaN).doubleValue()).isNaN();
    assertThat(sumOf(1, Double.NaN, 2).doubleValue()).isNaN();
    assertThat(sumOf(Double.longBitsToDouble(0xFFF8_0000_0000_1234L)).doubleValue()).isNaN();
    assertThat(sumOf(inf, Double.NaN).doubleValue()).isNaN();
    assertThat(sumOf(inf, -inf).doubleValue()).isNaN();
    assertThat(sumOf(-inf, 1, inf).doubleValue()).isNaN();
    assertSameDouble(sumOf(inf).doubleValue(), inf, "+Inf");
    assertSameDouble(sumOf(inf, inf, -1e308).doubleValue(), inf, "+Inf twice");
    assertSameDouble(sumOf(-inf).doubleValue(), -inf, "-Inf");
    assertSameDouble(sumOf(-inf, -inf, 1e308).doubleValue(), -inf, "-Inf twice");
    // The finite part is kept apart: an overflowing finite sum does not turn +Inf into NaN.
    assertSameDouble(
        sumOf(inf, -Double.MAX_VALUE, -Double.MAX_VALUE).doubleValue(), inf, "Inf + -overflow");
    // Specials merge.
    ExactSum pos = sumOf(1, inf);
    ExactSum neg = sumOf(2, -inf);
    ExactSum merged = pos.copy();
    merged.add(neg);
    assertThat(merged.doubleValue()).isNaN();
    ExactSum withNan = sumOf(3);
    withNan.add(sumOf(Double.NaN));
    assertThat(withNan.doubleValue()).isNaN();
    // Specials survive serialization.
    assertThat(roundTrip(merged).doubleValue()).isNaN();
    assertThat(roundTrip(withNan).doubleValue()).isNaN();
    assertSameDouble(roundTrip(pos).doubleValue(), inf, "+Inf round trip");
    assertSameDouble(roundTrip(neg).doubleValue(), -inf, "-Inf round trip");
    assertThat(roundTrip(merged)).isEqualTo(merged);
    // Specials take part in equality, the finite part too.
    assertThat(sumOf(inf))
        .isNotEqualTo(sumOf())
        .isNotEqualTo(sumOf(-inf))
        .isEqualTo(sumOf(inf, inf));
    assertThat(sumOf(inf, 1)).isNotEqualTo(sumOf(inf, 2));
  }

  // ---------------------------------------------------------------------------------------------
  // Order and partition independence.

  @ParameterizedTest(name = "{0}")
  @MethodSource("dataSets")
  void anyOrderAndSplitGivesIdenticalBits(double[] xs) {
    double expected = sumOf(xs).doubleValue();
    Random rnd = new Random(Arrays.hashCode(xs));
    for (int trial = 0; trial < 3; trial++) {
      List<Double> shuffled = new ArrayList<>();
      for (double x : xs) {
        shuffled.add(x);
      }
      Collections.shuffle(shuffled, rnd);
      assertSameDouble(
          sumOf(shuffled.stream().mapToDouble(Double::doubleValue).toArray()).doubleValue(),
          expected,
          "permutation " + trial);
      for (int k : new int[] {1, 2, 7, 64}) {
        List<ExactSum> parts = split(shuffled, k, rnd, trial == 1);
        Collections.shuffle(parts, rnd);
        ExactSum folded = new ExactSum();
        for (ExactSum p : parts) {
          folded.add(p);
        }
        assertSameDouble(folded.doubleValue(), expected, "fold of " + k + " partials");
        assertSameDouble(
            treeMerge(parts, rnd).doubleValue(), expected, "tree of " + k + " partials");
        assertThat(folded).isEqualTo(sumOf(xs)).hasSameHashCodeAs(sumOf(xs));
      }
    }
  }

  /** Splits at k - 1 random cut points, so some partials are empty or hold a single value. */
  private static List<ExactSum> split(List<Double> xs, int k, Random rnd, boolean viaBytes) {
    int[] cuts = new int[k + 1];
    for (int i = 1; i < k; i++) {
      cuts[i] = rnd.nextInt(xs.size() + 1);
    }
    cuts[k] = xs.size();
    Arrays.sort(cuts);
    List<ExactSum> parts = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      ExactSum p = new ExactSum();
      for (int j = cuts[i]; j < cuts[i + 1]; j++) {
        p.add(xs.get(j));
      }
      parts.add(viaBytes ? roundTrip(p) : p);
    }
    return parts;
  }

  /** Merges random pairs until one is left, without modifying the inputs. */
  private static ExactSum treeMerge(List<ExactSum> parts, Random rnd) {
    List<ExactSum> work = new ArrayList<>();
    for (ExactSum p : parts) {
      work.add(p.copy());
    }
    while (work.size() > 1) {
      ExactSum a = work.remove(rnd.nextInt(work.size()));
      ExactSum b = work.remove(rnd.nextInt(work.size()));
      a.add(b);
      work.add(a);
    }
    return work.get(0);
  }

  @Test
  void zeroIsIdentityAndMergeLeavesOtherUnchanged() {
    ExactSum a = sumOf(1e300, -3.5, 1e-300, -1e300);
    ExactSum before = a.copy();
    a.add(new ExactSum());
    assertThat(a).isEqualTo(before);
    ExactSum z = new ExactSum();
    z.add(a);
    assertThat(z).isEqualTo(a);
    assertSameDouble(z.doubleValue(), a.doubleValue(), "0 + a");

    ExactSum b = sumOf(-2.25, Double.MAX_VALUE);
    ExactSum bBefore = b.copy();
    a.add(b);
    assertThat(b).isEqualTo(bBefore);
    assertSameDouble(
        a.doubleValue(), reference(1e300, -3.5, 1e-300, -1e300, -2.25, Double.MAX_VALUE), "a + b");

    ExactSum self = sumOf(0.1, -7);
    self.add(self);
    assertThat(self).isEqualTo(sumOf(0.1, -7, 0.1, -7));
  }

  @Test
  void mergeOfUnnormalizedAccumulators() {
    // Each accumulator sits just below its carry interval, so the merge reads raw chunks that
    // are close to their largest allowed size.
    double x = Double.longBitsToDouble((2016L << 52) | SIGNIFICAND_MASK);
    for (int n : new int[] {2046, 2047, 2048, 4095}) {
      ExactSum a = new ExactSum();
      ExactSum b = new ExactSum();
      for (int i = 0; i < n; i++) {
        a.add(x);
        b.add(-x / 2);
      }
      ExactSum c = a.copy();
      c.add(b);
      BigDecimal bx = new BigDecimal(x).multiply(BigDecimal.valueOf(n));
      assertSameDouble(
          c.doubleValue(), referenceRound(bx.divide(BigDecimal.valueOf(2))), "n = " + n);
      assertSameDouble(a.doubleValue(), referenceRound(bx), "a, n = " + n);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Capacity.

  /**
   * The significand 2^53 - 1 at an exponent position that is 31 mod 32 puts the largest possible
   * piece (2^52 - 1) into the upper chunk on every add, which is the worst case for the carry
   * interval. 3 * 2^26 adds cross the carry interval about 98,000 times; the sum is about 2^1021.6,
   * still finite.
   */
  @Test
  void manyAddsOfWorstCaseValueStayExact() {
    double x = Double.longBitsToDouble((2016L << 52) | SIGNIFICAND_MASK);
    long n = 3L << 26;
    ExactSum pos = new ExactSum();
    ExactSum neg = new ExactSum();
    for (long i = 0; i < n; i++) {
      pos.add(x);
      neg.add(-x);
    }
    BigDecimal exact = new BigDecimal(x).multiply(BigDecimal.valueOf(n));
    assertSameDouble(pos.doubleValue(), referenceRound(exact), "n * x");
    assertSameDouble(neg.doubleValue(), referenceRound(exact.negate()), "n * -x");
    assertThat(roundTrip(pos)).isEqualTo(pos);
    ExactSum both = pos.copy();
    both.add(neg);
    assertThat(both.isZero()).isTrue();
    both.add(Double.MIN_VALUE);
    assertSameDouble(both.doubleValue(), Double.MIN_VALUE, "n x - n x + MIN_VALUE");
  }

  /**
   * The full 3 * 2^31 adds of one large worst-case value (more than 2^32, so no 32-bit count could
   * wrap unnoticed; the exact sum, about 2^1025.6, lies beyond MAX_VALUE). The slowest test of the
   * suite (about 15 s); {@link #manyAddsOfWorstCaseValueStayExact} and {@link
   * #hugeCountsViaSelfMerge} cover the same limits quickly.
   */
  @Test
  void threeTimesTwoPow31Adds() {
    double x = Double.longBitsToDouble((2016L << 52) | SIGNIFICAND_MASK);
    long n = 3L << 31;
    ExactSum s = new ExactSum();
    for (long i = 0; i < n; i++) {
      s.add(x);
    }
    BigDecimal exact = new BigDecimal(x).multiply(BigDecimal.valueOf(n));
    assertSameDouble(s.doubleValue(), referenceRound(exact), "3 * 2^31 * x");
    assertSameDouble(s.doubleValue(), Double.POSITIVE_INFINITY, "3 * 2^31 * x overflows");
    // Cancel it exactly with -x * 2^31 (by doubling) taken three times.
    ExactSum minus = sumOf(-x);
    for (int i = 0; i < 31; i++) {
      minus.add(minus);
    }
    s.add(minus);
    s.add(minus);
    s.add(1.0);
    s.add(minus);
    assertSameDouble(s.doubleValue(), 1.0, "3 * 2^31 * x + 1 - 3 * 2^31 * x");
  }

  /** Doubling by self-merge stands in for 2^62 and 2^78 adds of MAX_VALUE. */
  @Test
  void hugeCountsViaSelfMerge() {
    for (int doublings : new int[] {62, 78}) {
      ExactSum big = sumOf(Double.MAX_VALUE, 1.0);
      ExactSum negBig = sumOf(-Double.MAX_VALUE);
      for (int i = 0; i < doublings; i++) {
        big.add(big);
        negBig.add(negBig);
      }
      assertSameDouble(big.doubleValue(), Double.POSITIVE_INFINITY, "2^k MAX");
      assertSameDouble(negBig.doubleValue(), Double.NEGATIVE_INFINITY, "-2^k MAX");
      ExactSum back = roundTrip(big);
      assertThat(back).isEqualTo(big);
      back.add(roundTrip(negBig));
      // Left over: 2^k * 1.0, exactly.
      assertSameDouble(back.doubleValue(), pow2(doublings), "2^k (MAX + 1) - 2^k MAX");
      back.add(-pow2(doublings));
      assertThat(back.isZero()).isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Serialization.

  @ParameterizedTest(name = "{0}")
  @MethodSource("dataSets")
  void serializationRoundTrips(double[] xs) {
    ExactSum s = sumOf(xs);
    ExactSum back = roundTrip(s);
    assertThat(back).isEqualTo(s).hasSameHashCodeAs(s);
    assertSameDouble(back.doubleValue(), s.doubleValue(), "round trip");
    // The copy keeps working as an accumulator.
    back.add(1.0);
    s.add(1.0);
    assertSameDouble(back.doubleValue(), s.doubleValue(), "after round trip + 1");
    ExactSum negated = new ExactSum();
    for (double x : xs) {
      negated.add(-x);
    }
    assertSameDouble(
        roundTrip(negated).doubleValue(), reference(xs) == 0 ? 0.0 : -reference(xs), "negated");
  }

  @Test
  void serializedFormIsCompact() throws IOException {
    assertThat(serialize(new ExactSum())).containsExactly(1, 0, 0);
    assertThat(new ExactSum().serializedSize()).isEqualTo(3);
    assertThat(serialize(sumOf(1.0))).hasSize(8);
    assertThat(serialize(sumOf(-1.0))).hasSize(8);
    assertThat(serialize(sumOf(Double.NaN))).containsExactly(1, 1, 0);
    ExactSum losses =
        sumOf(generate(3, 100_000, r -> Math.exp(Math.log(0.3) + 1.2 * r.nextGaussian())));
    assertThat(losses.serializedSize()).isLessThanOrEqualTo(4 + 4 * 4);
    // Concatenated records read back one at a time.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    sumOf(-2.5).writeTo(out);
    losses.writeTo(out);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertSameDouble(ExactSum.readFrom(in).doubleValue(), -2.5, "first record");
    assertThat(ExactSum.readFrom(in)).isEqualTo(losses);
  }

  @Test
  void rejectsCorruptInput() {
    assertThatThrownBy(() -> deserialize(new byte[] {7, 0, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: unsupported serialized version 7, expected 1");
    assertThatThrownBy(() -> deserialize(new byte[] {0, 0, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: unsupported serialized version 0, expected 1");
    assertThatThrownBy(() -> deserialize(new byte[] {1, 0x10, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: invalid flags byte 0x10, allowed bits 0xf");
    assertThatThrownBy(() -> deserialize(new byte[] {1, 0, 69, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: chunk count 69 out of range, at most 68");
    assertThatThrownBy(() -> deserialize(new byte[] {1, 0, 10, 60}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: chunk range [60, 70) out of range, at most 68 chunks");
    assertThatThrownBy(() -> deserialize(new byte[] {1, 8, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: negative flag set on a zero sum");
    assertThatThrownBy(() -> deserialize(new byte[] {1, 0, 2, 5, 0, 0, 0, 1, 0, 0, 0, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: zero chunk at the end of the serialized chunk range");
    assertThatThrownBy(() -> deserialize(new byte[0]))
        .isInstanceOf(EOFException.class)
        .hasMessage("ExactSum: truncated serialized form, input ended reading version byte");
    byte[] valid = serialize(sumOf(0.1, 1e10, -3));
    assertThat(valid.length).isGreaterThan(8);
    for (int len = 0; len < valid.length; len++) {
      byte[] prefix = Arrays.copyOf(valid, len);
      assertThatThrownBy(() -> deserialize(prefix))
          .as("prefix of length %d", len)
          .isInstanceOf(EOFException.class)
          .hasMessageStartingWith("ExactSum: truncated serialized form, input ended reading ");
    }
    assertThatThrownBy(() -> deserialize(Arrays.copyOf(valid, valid.length - 1)))
        .hasMessageMatching("ExactSum: truncated .* reading chunk (\\d+) of \\1");
  }

  // ---------------------------------------------------------------------------------------------
  // Object methods.

  @Test
  void equalsHashCodeToStringCopyReset() {
    ExactSum a = sumOf(1, 2);
    ExactSum b = sumOf(3);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(sumOf(3, Double.MIN_VALUE));
    assertThat(sumOf(0.1, 0.2)).isNotEqualTo(sumOf(0.30000000000000004));
    assertThat(a).isNotEqualTo("3.0").isNotEqualTo(null);
    assertThat(a.toString()).isEqualTo("ExactSum[3.0]");
    assertThat(sumOf(Double.NaN).toString()).isEqualTo("ExactSum[NaN]");

    ExactSum c = a.copy();
    c.add(1);
    assertThat(a.doubleValue()).isEqualTo(3.0);
    assertThat(c.doubleValue()).isEqualTo(4.0);

    c.add(Double.NaN);
    c.reset();
    assertThat(c.isZero()).isTrue();
    assertThat(c).isEqualTo(new ExactSum());
    c.add(2.5);
    assertThat(c.doubleValue()).isEqualTo(2.5);
  }

  @Test
  void addProductOfASumIsExactForEitherSign() {
    java.util.Random rnd = new java.util.Random(17);
    for (int trial = 0; trial < 200; trial++) {
      ExactSum x = new ExactSum();
      java.math.BigDecimal exactX = java.math.BigDecimal.ZERO;
      for (int i = 0; i < 1 + rnd.nextInt(20); i++) {
        double v =
            (rnd.nextDouble() - (trial % 2 == 0 ? 0.8 : 0.2)) * Math.pow(2, rnd.nextInt(80) - 40);
        x.add(v);
        exactX = exactX.add(new java.math.BigDecimal(v));
      }
      double y = (rnd.nextDouble() - 0.5) * Math.pow(2, rnd.nextInt(40) - 20);
      ExactSum p = new ExactSum();
      p.add(1.0);
      p.addProduct(x, y);
      java.math.BigDecimal expected =
          java.math.BigDecimal.ONE.add(exactX.multiply(new java.math.BigDecimal(y)));
      assertThat(p.doubleValue()).as("trial " + trial).isEqualTo(expected.doubleValue());
    }
  }
}
