package io.github.sparkloss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import io.github.sparkloss.state.LossState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The merge contract every loss inherits: partials over any split of the rows, in any order, merged
 * in any order, equal one pass over all of them, bit for bit; the zero state is an identity; every
 * state survives serialization; empty input, single rows, nulls and bad rows. A subclass supplies
 * the loss and a generator of valid rows.
 */
abstract class LossContractTest {
  static final int ROWS = 600;
  static final long SEED = 20261127L;

  /** A row as plain values: input, class index or vector target, sample weight. */
  record Row(double[] x, long index, double[] t, double s) {
    void fill(RowInput r) {
      System.arraycopy(x, 0, r.input(x.length), 0, x.length);
      if (t == null) {
        r.indexIsDouble = false;
        r.index = index;
      } else {
        System.arraycopy(t, 0, r.target(t.length), 0, t.length);
      }
      r.sampleWeight = s;
    }
  }

  /** The options under test, with reduction {@code r}. */
  abstract LossOptions options(Reduction r);

  abstract TargetKind kind();

  /**
   * A valid random row; magnitudes vary widely so that a plain double sum would depend on order.
   */
  abstract Row row(Random rnd);

  /** A row the loss must reject, and the message it gives under on_bad_row fail. */
  abstract Row badRow();

  abstract String badRowMessage();

  BoundLoss bind(Reduction r, boolean perClass) {
    return BoundLoss.bind(
        options(r), kind(), BoundLoss.ColumnNames.of("x", "y", "w"), perClass, false);
  }

  BoundLoss bindSkip(Reduction r) {
    return BoundLoss.bind(
        options(r).toBuilder().onBadRow("skip").build(),
        kind(),
        BoundLoss.ColumnNames.of("x", "y", "w"),
        false,
        false);
  }

  List<Row> rows(long seed, int n) {
    Random rnd = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(rnd));
    }
    return rows;
  }

  static LossState fold(BoundLoss loss, List<Row> rows) {
    LossState s = loss.newState();
    RowInput r = new RowInput();
    for (Row row : rows) {
      row.fill(r);
      loss.add(s, r);
    }
    return s;
  }

  static LossState roundTrip(LossState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(s);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (LossState) in.readObject();
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 2, 7, 64})
  void anySplitAndOrderGivesTheSameBits(int partitions) {
    for (boolean perClass : new boolean[] {false, true}) {
      BoundLoss loss = bind(Reduction.MEAN, perClass);
      List<Row> rows = rows(SEED, ROWS);
      LossState whole = fold(loss, rows);
      for (long trial = 0; trial < 5; trial++) {
        Random rnd = new Random(SEED * 31 + trial * 7 + partitions);
        List<List<Row>> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          parts.add(new ArrayList<>());
        }
        List<Row> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, rnd);
        for (Row row : shuffled) {
          // Skewed assignment: some partitions stay empty or get a single row.
          int p =
              partitions == 1 ? 0 : (int) Math.floor(Math.pow(rnd.nextDouble(), 3) * partitions);
          parts.get(p).add(row);
        }
        if (partitions > 2) {
          // Keep the count: the last partition becomes empty, the one before holds one row.
          parts.get(0).addAll(parts.get(partitions - 1));
          parts.get(partitions - 1).clear();
          List<Row> single = parts.get(partitions - 2);
          if (single.isEmpty()) {
            single.add(parts.get(0).remove(0));
          }
          while (single.size() > 1) {
            parts.get(0).add(single.remove(single.size() - 1));
          }
        }
        List<LossState> partials = new ArrayList<>();
        for (List<Row> part : parts) {
          partials.add(roundTrip(fold(loss, part)));
        }
        Collections.shuffle(partials, rnd);
        LossState merged = loss.newState();
        for (LossState partial : partials) {
          loss.merge(merged, partial);
        }
        assertThat(merged).isEqualTo(whole);
        assertThat(Double.doubleToRawLongBits(loss.value(merged)))
            .isEqualTo(Double.doubleToRawLongBits(loss.value(whole)));
        assertThat(loss.result(merged)).isEqualTo(loss.result(whole));
      }
    }
  }

  @Test
  void singleRowPartitionsMergeToTheWhole() {
    BoundLoss loss = bind(Reduction.SUM, true);
    List<Row> rows = rows(SEED + 1, 50);
    LossState merged = loss.newState();
    for (int i = rows.size() - 1; i >= 0; i--) {
      loss.merge(merged, roundTrip(fold(loss, List.of(rows.get(i)))));
    }
    assertThat(merged).isEqualTo(fold(loss, rows));
  }

  @Test
  void zeroStateIsAnIdentity() {
    BoundLoss loss = bind(Reduction.MEAN, true);
    LossState s = fold(loss, rows(SEED + 2, 40));
    assertThat(loss.merge(loss.newState(), s)).isEqualTo(s);
    assertThat(loss.merge(s.copy(), loss.newState())).isEqualTo(s);
    assertThat(loss.newState().isEmpty()).isTrue();
    assertThat(s.isEmpty()).isFalse();
  }

  @Test
  void everyStateSurvivesSerialization() throws IOException {
    for (boolean perClass : new boolean[] {false, true}) {
      BoundLoss loss = bind(Reduction.MEAN, perClass);
      for (int n : new int[] {0, 1, 17, ROWS}) {
        LossState s = fold(loss, rows(SEED + n, n));
        s.countNull();
        assertThat(roundTrip(s)).isEqualTo(s);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(bytes));
        LossState back =
            LossState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(s);
        assertThat(back.nullRows()).isEqualTo(1);
      }
    }
  }

  @Test
  void corruptStateIsRejected() {
    byte[] bytes = {9, 0, 0};
    assertThatThrownBy(
            () -> LossState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes))))
        .isInstanceOf(IOException.class)
        .hasMessage("LossState: unsupported serialized version 9, expected 3");
  }

  @Test
  void emptyInputMeanIsNanAndSumIsZero() {
    assertThat(bind(Reduction.MEAN, false).value(fold(bind(Reduction.MEAN, false), List.of())))
        .isNaN();
    assertThat(bind(Reduction.SUM, false).value(fold(bind(Reduction.SUM, false), List.of())))
        .isEqualTo(0.0);
  }

  @Test
  void singleRowSumIsItsRowLoss() {
    Row row = rows(SEED + 3, 1).get(0);
    Row unweighted = new Row(row.x(), row.index(), row.t(), 1.0);
    BoundLoss none = bind(Reduction.NONE, false);
    RowInput r = new RowInput();
    unweighted.fill(r);
    double expected = none.rowLoss(r);
    BoundLoss sum = bind(Reduction.SUM, false);
    assertThat(sum.value(fold(sum, List.of(unweighted)))).isEqualTo(expected);
  }

  @Test
  void integerSampleWeightsEqualRepeatedRows() {
    BoundLoss loss = bind(Reduction.MEAN, false);
    List<Row> weighted = new ArrayList<>();
    List<Row> repeated = new ArrayList<>();
    Random rnd = new Random(SEED + 4);
    for (Row row : rows(SEED + 5, 40)) {
      int k = rnd.nextInt(4);
      weighted.add(new Row(row.x(), row.index(), row.t(), k));
      for (int i = 0; i < k; i++) {
        repeated.add(new Row(row.x(), row.index(), row.t(), 1.0));
      }
    }
    double a = loss.value(fold(loss, weighted));
    double b = loss.value(fold(loss, repeated));
    assertThat(a).isCloseTo(b, org.assertj.core.data.Percentage.withPercentage(1e-10));
  }

  @Test
  void nullRowsAreSkippedAndCounted() {
    BoundLoss loss = bind(Reduction.MEAN, false);
    List<Row> rows = rows(SEED + 6, 10);
    LossState s = fold(loss, rows);
    double before = loss.value(s);
    loss.addNullRow(s);
    loss.addNullRow(s);
    assertThat(s.nullRows()).isEqualTo(2);
    assertThat(s.rows() + s.ignoredRows()).isEqualTo(10);
    assertThat(loss.value(s)).isEqualTo(before);
  }

  @Test
  void badRowFailsWithItsMessage() {
    BoundLoss loss = bind(Reduction.MEAN, false);
    RowInput r = new RowInput();
    badRow().fill(r);
    assertThatThrownBy(() -> loss.add(loss.newState(), r))
        .isInstanceOf(LossException.class)
        .hasMessage(badRowMessage());
  }

  @Test
  void badRowUnderSkipIsCountedAndLeftOut() {
    BoundLoss loss = bindSkip(Reduction.MEAN);
    List<Row> rows = rows(SEED + 7, 10);
    LossState clean = fold(loss, rows);
    List<Row> withBad = new ArrayList<>(rows);
    withBad.add(3, badRow());
    withBad.add(badRow());
    LossState s = fold(loss, withBad);
    assertThat(s.badRows()).isEqualTo(2);
    assertThat(loss.value(s)).isEqualTo(loss.value(clean));
    RowInput r = new RowInput();
    badRow().fill(r);
    assertThat(loss.rowLoss(r)).isNull();
  }

  @Test
  void negativeSampleWeightIsABadRow() {
    Row row = rows(SEED + 8, 1).get(0);
    RowInput r = new RowInput();
    new Row(row.x(), row.index(), row.t(), -2.0).fill(r);
    BoundLoss loss = bind(Reduction.MEAN, false);
    assertThatThrownBy(() -> loss.add(loss.newState(), r))
        .hasMessage(
            options(Reduction.MEAN).loss()
                + ": sample_weight -2 in column w is not allowed; expected a finite number >= 0");
  }

  // ---- shared generators ----

  static double[] logits(Random rnd, int c) {
    double[] x = new double[c];
    double scale = Math.pow(10, rnd.nextInt(5) - 1);
    for (int i = 0; i < c; i++) {
      x[i] = rnd.nextGaussian() * scale;
    }
    return x;
  }

  static double[] probabilities(Random rnd, int c) {
    double[] p = new double[c];
    double sum = 0;
    for (int i = 0; i < c; i++) {
      p[i] = rnd.nextDouble() < 0.2 ? 0.0 : Math.exp(rnd.nextGaussian() * 3);
      sum += p[i];
    }
    for (int i = 0; i < c; i++) {
      p[i] = sum == 0 ? 1.0 / c : p[i] / sum;
    }
    return p;
  }

  static double sampleWeight(Random rnd) {
    double u = rnd.nextDouble();
    return u < 0.5 ? 1.0 : u < 0.6 ? 0.0 : u < 0.8 ? rnd.nextInt(5) : rnd.nextDouble() * 1e3;
  }

  static final int C = 5;
}
