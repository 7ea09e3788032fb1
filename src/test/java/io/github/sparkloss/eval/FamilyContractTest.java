package io.github.sparkloss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sparkloss.loss.Arg;
import io.github.sparkloss.loss.Binding;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.state.LossState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The merge contract of every loss of the family, driven by its descriptor: any split of the rows
 * into partials, merged in any order after a round trip through the binary state form, gives the
 * state of the whole, bit for bit; integer sample weights equal repeated rows; a bad sample weight
 * is a bad row with its message.
 */
class FamilyContractTest {
  private static final int C = 5;
  private static final int ROWS = 300;

  /** One loss with options that exercise it. */
  static Stream<Arguments> losses() {
    return Stream.of(
        Arguments.of("mse_loss", Map.of()),
        Arguments.of("l1_loss", Map.of()),
        Arguments.of("smooth_l1_loss", Map.of("beta", 0.3)),
        Arguments.of("huber_loss", Map.of("delta", 0.4)),
        Arguments.of("poisson_nll_loss", Map.of("full", true)),
        Arguments.of("poisson_nll_loss", Map.of("log_input", false, "eps", 1e-3)),
        Arguments.of("gaussian_nll_loss", Map.of("full", true, "eps", 1e-3)),
        Arguments.of("soft_margin_loss", Map.of()),
        Arguments.of("multilabel_soft_margin_loss", Map.of("weight", List.of(1, 2, 0.5, 3, 1e-3))),
        Arguments.of(
            "multi_margin_loss", Map.of("p", 2, "margin", 0.7, "weight", List.of(1, 2, 3, 4, 5))),
        Arguments.of("multilabel_margin_loss", Map.of()),
        Arguments.of("hinge_embedding_loss", Map.of("margin", 0.5)),
        Arguments.of("margin_ranking_loss", Map.of("margin", 0.2)),
        Arguments.of("cosine_embedding_loss", Map.of("margin", 0.1)),
        Arguments.of("triplet_margin_loss", Map.of("p", 1.0, "swap", true)),
        Arguments.of("sigmoid_focal_loss", Map.of("alpha", 0.4, "gamma", 1.5)));
  }

  @org.junit.jupiter.api.Test
  void everyLossBeyondTheFirstFiveIsCovered() {
    java.util.Set<String> covered = new java.util.HashSet<>();
    losses().forEach(a -> covered.add((String) a.get()[0]));
    // The first five have a contract test class each (CrossEntropyIndexContractTest, ...).
    java.util.Set<String> expected =
        new java.util.HashSet<>(io.github.sparkloss.loss.Losses.names());
    expected.removeAll(
        List.of(
            "cross_entropy",
            "nll_loss",
            "binary_cross_entropy",
            "binary_cross_entropy_with_logits",
            "kl_div"));
    assertThat(covered).isEqualTo(expected);
  }

  /** One row: each argument's values (or class index), and the sample weight. */
  record GRow(double[][] args, long index, double sw) {
    GRow withWeight(double w) {
      return new GRow(args, index, w);
    }

    void fill(Loss loss, RowInput r) {
      List<Arg> params = loss.arguments();
      for (int a = 0; a < params.size(); a++) {
        if (params.get(a).accepts() == Arg.Accepts.CLASS_INDEX) {
          r.indexIsDouble = false;
          r.index = index;
        } else {
          System.arraycopy(args[a], 0, r.slot(a, args[a].length), 0, args[a].length);
        }
      }
      r.sampleWeight = sw;
    }
  }

  private static GRow row(Loss loss, Random rnd) {
    List<Arg> params = loss.arguments();
    double[][] args = new double[params.size()][];
    double scale = Math.pow(10, rnd.nextInt(5) - 2);
    for (int a = 0; a < args.length; a++) {
      switch (params.get(a).accepts()) {
        case ROW_VALUE:
          args[a] = new double[] {rnd.nextInt(3) - 1};
          break;
        case CLASS_INDICES:
          {
            double[] t = new double[C];
            java.util.Arrays.fill(t, -1);
            int k = rnd.nextInt(C + 1);
            List<Integer> classes = new ArrayList<>(List.of(0, 1, 2, 3, 4));
            Collections.shuffle(classes, rnd);
            for (int i = 0; i < k; i++) {
              t[i] = classes.get(i);
            }
            args[a] = t;
            break;
          }
        default:
          {
            double[] v = new double[C];
            for (int c = 0; c < C; c++) {
              // Positive values (var, Poisson targets) spanning orders of magnitude; signs where
              // the loss reads them as labels come from the value itself.
              v[c] =
                  a == 0
                      ? rnd.nextGaussian() * scale
                      : a == 2 || loss.sqlName().startsWith("poisson")
                          ? Math.exp(rnd.nextGaussian() * 2)
                          : rnd.nextBoolean() ? rnd.nextInt(3) - 1 : rnd.nextDouble();
            }
            args[a] = v;
          }
      }
    }
    return new GRow(args, rnd.nextInt(C), Math.exp(rnd.nextGaussian() * 6));
  }

  private static List<GRow> rows(Loss loss, long seed, int n) {
    Random rnd = new Random(seed);
    List<GRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(loss, rnd));
    }
    return rows;
  }

  private static BoundLoss bind(
      Loss loss, Map<String, Object> opts, Reduction r, boolean perClass, OnBadRow policy) {
    LossOptions.Builder b = LossOptions.builder(loss);
    opts.forEach(b::set);
    LossOptions options = b.reduction(r).onBadRow(policy).build();
    List<Arg> params = loss.arguments();
    boolean[] vector = new boolean[params.size()];
    List<String> names = new ArrayList<>();
    boolean index = false;
    for (int a = 0; a < vector.length; a++) {
      Arg.Accepts acc = params.get(a).accepts();
      vector[a] = acc != Arg.Accepts.ROW_VALUE && acc != Arg.Accepts.CLASS_INDEX;
      index |= acc == Arg.Accepts.CLASS_INDEX;
      names.add("c" + a);
    }
    Binding binding =
        new Binding(
            loss.targetKind(!index && vector.length > 1 && vector[1]),
            vector,
            new BoundLoss.ColumnNames(names, "w"));
    return BoundLoss.bind(options, binding, perClass);
  }

  private static LossState fold(BoundLoss bound, List<GRow> rows) {
    LossState s = bound.newState();
    RowInput r = new RowInput();
    for (GRow row : rows) {
      row.fill(bound.loss(), r);
      bound.add(s, r);
    }
    return s;
  }

  private static LossState roundTrip(LossState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      s.writeTo(new DataOutputStream(bytes));
      return LossState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("losses")
  void anySplitAndOrderGivesTheSameBits(String name, Map<String, Object> opts) {
    Loss loss = Loss.fromSqlName(name);
    for (boolean perClass :
        loss.hasPerClass() ? new boolean[] {false, true} : new boolean[] {false}) {
      BoundLoss bound = bind(loss, opts, Reduction.MEAN, perClass, OnBadRow.FAIL);
      List<GRow> rows = rows(loss, 41, ROWS);
      LossState whole = fold(bound, rows);
      assertThat(whole.rows()).isEqualTo(ROWS);
      for (int partitions : new int[] {1, 2, 7, 64}) {
        Random rnd = new Random(partitions * 131L);
        List<List<GRow>> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          parts.add(new ArrayList<>());
        }
        List<GRow> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, rnd);
        for (GRow row : shuffled) {
          parts.get((int) Math.floor(Math.pow(rnd.nextDouble(), 3) * partitions)).add(row);
        }
        List<LossState> partials = new ArrayList<>();
        for (List<GRow> part : parts) {
          partials.add(roundTrip(fold(bound, part)));
        }
        Collections.shuffle(partials, rnd);
        LossState merged = bound.newState();
        for (LossState partial : partials) {
          bound.merge(merged, partial);
        }
        assertThat(merged).as("%s partitions", partitions).isEqualTo(whole);
        assertThat(Double.doubleToRawLongBits(bound.value(merged)))
            .isEqualTo(Double.doubleToRawLongBits(bound.value(whole)));
        assertThat(bound.result(merged)).isEqualTo(bound.result(whole));
      }
      assertThat(bound.merge(bound.newState(), whole.copy())).isEqualTo(whole);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("losses")
  void integerSampleWeightsEqualRepeatedRows(String name, Map<String, Object> opts) {
    Loss loss = Loss.fromSqlName(name);
    for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
      BoundLoss bound = bind(loss, opts, r, false, OnBadRow.FAIL);
      List<GRow> weighted = new ArrayList<>();
      List<GRow> repeated = new ArrayList<>();
      Random rnd = new Random(7);
      for (GRow row : rows(loss, 43, 60)) {
        int k = rnd.nextInt(4);
        weighted.add(row.withWeight(k));
        for (int i = 0; i < k; i++) {
          repeated.add(row.withWeight(1.0));
        }
      }
      double a = bound.value(fold(bound, weighted));
      double b = bound.value(fold(bound, repeated));
      assertThat(a).isCloseTo(b, org.assertj.core.data.Percentage.withPercentage(1e-10));
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("losses")
  void badSampleWeightFailsOrIsCounted(String name, Map<String, Object> opts) {
    Loss loss = Loss.fromSqlName(name);
    GRow bad = rows(loss, 44, 1).get(0).withWeight(-2.0);
    RowInput r = new RowInput();
    bad.fill(loss, r);
    BoundLoss fail = bind(loss, opts, Reduction.MEAN, false, OnBadRow.FAIL);
    assertThatThrownBy(() -> fail.add(fail.newState(), r))
        .isInstanceOf(LossException.class)
        .hasMessage(
            name + ": sample_weight -2 in column w is not allowed; expected a finite number >= 0");
    BoundLoss skip = bind(loss, opts, Reduction.MEAN, false, OnBadRow.SKIP);
    List<GRow> rows = rows(loss, 45, 20);
    LossState clean = fold(skip, rows);
    List<GRow> withBad = new ArrayList<>(rows);
    withBad.add(5, bad);
    LossState s = fold(skip, withBad);
    assertThat(s.badRows()).isEqualTo(1);
    assertThat(Double.doubleToRawLongBits(skip.value(s)))
        .isEqualTo(Double.doubleToRawLongBits(skip.value(clean)));
  }
}
