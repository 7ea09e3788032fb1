package io.github.sparkloss.sum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The small form (an expansion of at most four doubles) against the wide form (the chunks): the
 * same value, the same bits, under any split and merge order, through both serialized forms.
 */
class ExactSumFormsTest {

  private static final int SEEDS = 300;

  /** Values of one seed: a mix of scales, signs, cancellations, subnormals and near-overflow. */
  private static double[] values(Random rnd) {
    int n = rnd.nextInt(4) == 0 ? rnd.nextInt(200) : rnd.nextInt(12);
    double[] v = new double[n];
    int style = rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      switch (style) {
        case 0: // loss-like terms
          v[i] = rnd.nextDouble() * 5;
          break;
        case 1: // products and their rounding errors, as the moments add them
          double a = rnd.nextDouble() * 3;
          double p = a * a;
          v[i] = (i & 1) == 0 ? p : Math.fma(a, a, -p);
          break;
        case 2: // wide exponent range, both signs
          v[i] =
              (rnd.nextBoolean() ? 1 : -1) * Math.scalb(rnd.nextDouble(), rnd.nextInt(200) - 100);
          break;
        case 3: // cancellation
          v[i] = (i & 1) == 0 ? 1e16 * (1 + rnd.nextInt(5)) : -1e16 * (1 + rnd.nextInt(5)) + 1;
          break;
        case 4: // subnormals and tiny values
          v[i] = (rnd.nextBoolean() ? 1 : -1) * Double.MIN_VALUE * rnd.nextInt(1 << 20);
          break;
        default: // near overflow
          v[i] = (rnd.nextBoolean() ? 1 : -1) * Double.MAX_VALUE * rnd.nextDouble();
          break;
      }
    }
    return v;
  }

  private static ExactSum wide(double[] v) {
    ExactSum s = new ExactSum().wideCopy();
    for (double x : v) {
      s.add(x);
    }
    assertThat(s.isSmall()).isFalse();
    return s;
  }

  @Test
  void randomSplitsAndMergeOrdersGiveTheWideFormsBits() throws IOException {
    for (int seed = 0; seed < SEEDS; seed++) {
      Random rnd = new Random(seed);
      double[] v = values(rnd);
      ExactSum reference = wide(v);
      // Split into partials (some empty), each maybe round-tripped, merged in a shuffled order
      // into an accumulator that is itself one of the partials.
      List<ExactSum> partials = new ArrayList<>();
      int k = 1 + rnd.nextInt(6);
      for (int i = 0; i < k; i++) {
        partials.add(new ExactSum());
      }
      for (double x : v) {
        partials.get(rnd.nextInt(k)).add(x);
      }
      for (int i = 0; i < k; i++) {
        switch (rnd.nextInt(3)) {
          case 0:
            partials.set(i, compactRoundTrip(partials.get(i)));
            break;
          case 1:
            partials.set(i, canonicalRoundTrip(partials.get(i)));
            break;
          default:
            break;
        }
      }
      Collections.shuffle(partials, rnd);
      ExactSum merged = partials.get(0);
      for (int i = 1; i < k; i++) {
        merged.add(partials.get(i));
      }
      String what = "seed " + seed + ", " + v.length + " values";
      assertThat(Double.doubleToRawLongBits(merged.doubleValue()))
          .as(what)
          .isEqualTo(Double.doubleToRawLongBits(reference.doubleValue()));
      assertThat(merged).as(what).isEqualTo(reference);
      assertThat(reference).as(what).isEqualTo(merged);
      assertThat(merged.hashCode()).as(what).isEqualTo(reference.hashCode());
      assertThat(compactRoundTrip(merged)).as(what).isEqualTo(reference);
      assertThat(bytes(merged::writeTo)).as(what).isEqualTo(bytes(reference::writeTo));
      assertThat(merged.isZero()).as(what).isEqualTo(reference.isZero());
    }
  }

  @Test
  void productsOfSmallSumsAreThoseOfWideOnes() {
    for (int seed = 0; seed < SEEDS; seed++) {
      Random rnd = new Random(seed);
      double[] v = values(rnd);
      double y = rnd.nextDouble() * 4 - 2;
      ExactSum small = new ExactSum();
      for (double x : v) {
        small.add(x);
      }
      ExactSum a = new ExactSum();
      a.addProduct(small, y);
      ExactSum b = new ExactSum();
      b.addProduct(wide(v), y);
      assertThat(a).as("seed " + seed).isEqualTo(b);
    }
  }

  @Test
  void aFewValuesStaySmallAndManyOrWideOnesDoNot() {
    ExactSum s = new ExactSum();
    s.add(0.1);
    s.addProduct(0.1, 0.1);
    assertThat(s.isSmall()).isTrue();
    assertThat(s.compactSize()).isEqualTo(1 + 8 * 3);
    ExactSum ones = new ExactSum();
    for (int i = 0; i < ExactSum.SMALL_ADDS; i++) {
      ones.add(1.0);
    }
    assertThat(ones.isSmall()).isTrue();
    assertThat(ones.compactSize()).isEqualTo(9);
    ones.add(1.0);
    assertThat(ones.isSmall()).isFalse();
    assertThat(ones.doubleValue()).isEqualTo(ExactSum.SMALL_ADDS + 1.0);
    // Five non-overlapping parts need the wide form.
    ExactSum spread = new ExactSum();
    for (int e = 0; e < 5; e++) {
      spread.add(Math.scalb(1.0, 200 * e));
    }
    assertThat(spread.isSmall()).isFalse();
    assertThat(spread.doubleValue()).isEqualTo(Math.scalb(1.0, 800));
    // Near overflow: exact where double arithmetic would give infinity.
    ExactSum big = new ExactSum();
    big.add(Double.MAX_VALUE);
    big.add(Double.MAX_VALUE);
    big.add(-Double.MAX_VALUE);
    assertThat(big.doubleValue()).isEqualTo(Double.MAX_VALUE);
    // Merging a wide sum widens; merging a small one into a wide one keeps it wide.
    ExactSum one = new ExactSum();
    one.add(2.0);
    one.add(ones);
    assertThat(one.isSmall()).isFalse();
    assertThat(one.doubleValue()).isEqualTo(ExactSum.SMALL_ADDS + 3.0);
  }

  @Test
  void compactSizesOfFewValueSums() throws IOException {
    ExactSum empty = new ExactSum();
    assertThat(bytes(empty::writeCompactTo)).hasSize(1);
    ExactSum one = new ExactSum();
    one.add(0.25);
    assertThat(bytes(one::writeCompactTo)).hasSize(9);
    ExactSum product = new ExactSum();
    product.addProduct(0.1, 0.1);
    assertThat(bytes(product::writeCompactTo)).hasSize(17);
    ExactSum nan = new ExactSum();
    nan.add(Double.NaN);
    assertThat(bytes(nan::writeCompactTo)).hasSize(1);
    assertThat(compactRoundTrip(nan).doubleValue()).isNaN();
  }

  @Test
  void invalidCompactFormsAreRejected() {
    assertThatThrownBy(() -> readCompact(new byte[] {0x50}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "ExactSum: invalid compact tag byte 0x50; expected up to 4 parts or a wide sum");
    assertThatThrownBy(() -> readCompact(new byte[] {0x10, 0, 0, 0, 0, 0, 0, 0, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: compact part 0.0 is not allowed; expected a finite non-zero double");
    assertThatThrownBy(() -> readCompact(new byte[] {0x20, 0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("ExactSum: truncated serialized form, input ended reading part 2 of 2");
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] bytes(Writer w) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  private static ExactSum readCompact(byte[] b) throws IOException {
    return ExactSum.readCompactFrom(new DataInputStream(new ByteArrayInputStream(b)));
  }

  private static ExactSum compactRoundTrip(ExactSum s) throws IOException {
    return readCompact(bytes(s::writeCompactTo));
  }

  private static ExactSum canonicalRoundTrip(ExactSum s) throws IOException {
    return ExactSum.readFrom(new DataInputStream(new ByteArrayInputStream(bytes(s::writeTo))));
  }
}
