package io.github.sparkloss.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The standard errors of {@link Moments} against the contract's formulas evaluated in exact decimal
 * arithmetic, on data where a double-precision evaluation of the same formulas would cancel.
 */
class MomentsTest {
  private static final MathContext MC = new MathContext(60);

  /** One row: sample weight, numerator term, denominator term. */
  private record Row(double s, double a, double b) {}

  @Test
  void unweightedMeanIsTheStandardErrorOfTheMean() {
    // sem([1, 2, 4]) = sqrt(7/3) / sqrt(3) = 0.8819171036881969
    Moments m = new Moments(false);
    m.add(1, 1);
    m.add(1, 2);
    m.add(1, 4);
    assertThat(m.ratioStdError()).isCloseTo(0.8819171036881969, within(1e-15));
    // The sum's: sqrt(3/2 * 14/3) = sqrt(7)
    assertThat(m.sumStdError()).isCloseTo(Math.sqrt(7), within(1e-15));
  }

  @Test
  void negativeSumsKeepTheirStandardError() {
    // sem([-1, -2, -4]) = sem([1, 2, 4])
    Moments m = new Moments(false);
    m.add(1, -1);
    m.add(1, -2);
    m.add(1, -4);
    assertThat(m.ratioStdError()).isCloseTo(0.8819171036881969, within(1e-15));
    assertThat(m.sumStdError()).isCloseTo(Math.sqrt(7), within(1e-15));
    Random rnd = new Random(3);
    for (int trial = 0; trial < 50; trial++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 40 + rnd.nextInt(100); i++) {
        double b = 0.5 + rnd.nextInt(3);
        rows.add(new Row(0.25 + rnd.nextDouble(), b * (rnd.nextGaussian() - (trial % 3)), b));
      }
      assertRelative(moments(rows, true).ratioStdError(), exactRatio(rows, true), 1e-13);
      assertRelative(moments(rows, false).ratioStdError(), exactRatio(rows, false), 1e-13);
      assertRelative(moments(rows, false).sumStdError(), exactSum(rows), 1e-13);
    }
  }

  @Test
  void ratioAndSumAgreeWithExactArithmeticOnRandomData() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      List<Row> rows = new ArrayList<>();
      int n = 20 + rnd.nextInt(300);
      boolean weighted = trial % 2 == 0;
      for (int i = 0; i < n; i++) {
        double s = weighted ? rnd.nextInt(4) == 0 ? 0.0 : rnd.nextDouble() * 3 : 1.0;
        double b = 0.25 + rnd.nextInt(4) * 0.5;
        rows.add(new Row(s, b * Math.exp(rnd.nextGaussian()), b));
      }
      Moments ratio = moments(rows, true);
      Moments unit = moments(rows, false);
      assertRelative(ratio.ratioStdError(), exactRatio(rows, true), 1e-13);
      assertRelative(unit.ratioStdError(), exactRatio(rows, false), 1e-13);
      assertRelative(unit.sumStdError(), exactSum(rows), 1e-13);
    }
  }

  @Test
  void aConstantLossWithTinyNoiseKeepsItsStandardError() {
    Random rnd = new Random(5);
    List<Row> rows = new ArrayList<>();
    List<Row> weighted = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      double a = 2.302585092994046 + 1e-9 * rnd.nextGaussian();
      rows.add(new Row(1.0, a, 1.0));
      double b = i % 3 == 0 ? 2.0 : 0.5;
      weighted.add(new Row(0.5 + (i % 5), a * b, b));
    }
    double expected = exactRatio(rows, false);
    assertThat(expected).isBetween(1e-11, 2e-11);
    assertRelative(moments(rows, false).ratioStdError(), expected, 1e-9);
    assertRelative(moments(rows, false).sumStdError(), exactSum(rows), 1e-9);
    assertRelative(moments(weighted, true).ratioStdError(), exactRatio(weighted, true), 1e-9);

    // The textbook one-pass formula in doubles loses every digit here.
    double s1 = 0;
    double s2 = 0;
    for (Row r : rows) {
      s1 += r.a;
      s2 += r.a * r.a;
    }
    double naive = Math.sqrt(Math.max(0, (s2 - s1 * s1 / 5000) / 4999 / 5000));
    assertThat(Math.abs(naive - expected) / expected).isGreaterThan(1e-3);
  }

  @Test
  void theBitsDoNotDependOnHowRowsAreSplitOrOrdered() throws IOException {
    Random rnd = new Random(9);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double b = 1 + rnd.nextInt(3);
      rows.add(new Row(rnd.nextDouble() * 2, b * rnd.nextDouble() * 1e3, b));
    }
    Moments whole = moments(rows, true);
    for (int split = 1; split < 7; split++) {
      List<Row> shuffled = new ArrayList<>(rows);
      Collections.shuffle(shuffled, new Random(split));
      Moments merged = new Moments(true);
      int size = shuffled.size() / split + 1;
      for (int from = 0; from < shuffled.size(); from += size) {
        Moments part =
            moments(shuffled.subList(from, Math.min(shuffled.size(), from + size)), true);
        merged.merge(roundTrip(part));
      }
      assertThat(merged).isEqualTo(whole);
      assertThat(Double.doubleToRawLongBits(merged.ratioStdError()))
          .isEqualTo(Double.doubleToRawLongBits(whole.ratioStdError()));
    }
  }

  @Test
  void fewerThanTwoRowsOfWeightGiveNaN() {
    assertThat(new Moments(false).ratioStdError()).isNaN();
    assertThat(new Moments(false).sumStdError()).isNaN();
    Moments one = new Moments(false);
    one.add(1.0, 3.0);
    one.add(0.0, 7.0);
    assertThat(one.ratioStdError()).isNaN();
    assertThat(one.sumStdError()).isNaN();
    Moments nan = new Moments(false);
    nan.add(1.0, 1.0);
    nan.add(1.0, Double.NaN);
    assertThat(nan.ratioStdError()).isNaN();
  }

  private static Moments moments(List<Row> rows, boolean ratio) {
    Moments m = new Moments(ratio);
    for (Row r : rows) {
      if (ratio) {
        m.add(r.s, r.a, r.b);
      } else {
        m.add(r.s, r.a);
      }
    }
    return m;
  }

  private static Moments roundTrip(Moments m) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    m.writeTo(new DataOutputStream(bytes));
    return Moments.readFrom(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), m.ratio());
  }

  /** sqrt(N / (N - 1) * sum s (a - R b)^2 / B^2), R = A / B, in exact decimal arithmetic. */
  private static double exactRatio(List<Row> rows, boolean ratio) {
    BigDecimal n = BigDecimal.ZERO;
    BigDecimal a = BigDecimal.ZERO;
    BigDecimal b = BigDecimal.ZERO;
    for (Row r : rows) {
      BigDecimal s = new BigDecimal(r.s);
      n = n.add(s);
      a = a.add(s.multiply(new BigDecimal(r.a)));
      b = b.add(s.multiply(new BigDecimal(ratio ? r.b : 1.0)));
    }
    BigDecimal q = a.divide(b, MC);
    BigDecimal e = BigDecimal.ZERO;
    for (Row r : rows) {
      BigDecimal d = new BigDecimal(r.a).subtract(q.multiply(new BigDecimal(ratio ? r.b : 1.0)));
      e = e.add(new BigDecimal(r.s).multiply(d).multiply(d));
    }
    BigDecimal var = n.divide(n.subtract(BigDecimal.ONE), MC).multiply(e).divide(b.multiply(b), MC);
    return var.sqrt(MC).doubleValue();
  }

  /** sqrt(N / (N - 1) * sum s (a - A / N)^2) in exact decimal arithmetic. */
  private static double exactSum(List<Row> rows) {
    BigDecimal n = BigDecimal.ZERO;
    BigDecimal a = BigDecimal.ZERO;
    for (Row r : rows) {
      BigDecimal s = new BigDecimal(r.s);
      n = n.add(s);
      a = a.add(s.multiply(new BigDecimal(r.a)));
    }
    BigDecimal m = a.divide(n, MC);
    BigDecimal e = BigDecimal.ZERO;
    for (Row r : rows) {
      BigDecimal d = new BigDecimal(r.a).subtract(m);
      e = e.add(new BigDecimal(r.s).multiply(d).multiply(d));
    }
    return n.divide(n.subtract(BigDecimal.ONE), MC).multiply(e).sqrt(MC).doubleValue();
  }

  private static void assertRelative(double actual, double expected, double tolerance) {
    assertThat(Math.abs(actual - expected))
        .as("%s vs %s", actual, expected)
        .isLessThanOrEqualTo(tolerance * Math.abs(expected));
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
