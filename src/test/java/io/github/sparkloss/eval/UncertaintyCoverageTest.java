package io.github.sparkloss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.sparkloss.loss.Binding;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import io.github.sparkloss.state.LossState;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 95% interval of the stats covers the true value about 95% of the time: thousands of seeded
 * synthetic datasets drawn from distributions whose expected loss is known in closed form, each
 * folded through the per-row path ({@link BoundLoss#add}, {@link BoundLoss#merge}, {@link
 * BoundLoss#result}) into partial states that are merged, as Spark merges them. The seeds are
 * fixed, so the fractions are reproducible; with 4,000 datasets a fraction's sampling standard
 * deviation is about 0.0034, so the band [0.935, 0.965] is about four of them either side of 0.95.
 * The same datasets with the interval narrowed by 20% or widened by 25% fall outside the band,
 * which shows the band would catch a standard error that far off.
 */
class UncertaintyCoverageTest {
  private static final int DATASETS = 4000;
  private static final double Z95 = 1.959963984540054;
  private static final double LOW = 0.935;
  private static final double HIGH = 0.965;

  /**
   * How often intervals covered the truth, at the given width, narrowed by 20% and widened by 25%.
   */
  private static final class Coverage {
    private final String scenario;
    private int datasets;
    private int covered;
    private int coveredNarrow;
    private int coveredWide;

    Coverage(String scenario) {
      this.scenario = scenario;
    }

    void add(LossResult r, double truth) {
      datasets++;
      assertThat(r.stdError()).as("%s: std_error", scenario).isPositive().isFinite();
      if (r.ciLow() <= truth && truth <= r.ciHigh()) {
        covered++;
      }
      double half = Z95 * r.stdError();
      if (Math.abs(r.value() - truth) <= 0.8 * half) {
        coveredNarrow++;
      }
      if (Math.abs(r.value() - truth) <= 1.25 * half) {
        coveredWide++;
      }
    }

    double fraction(int n) {
      return (double) n / datasets;
    }

    void check() {
      String figures =
          String.format(
              "%s: 95%% interval covered the truth in %d of %d datasets (%.4f);"
                  + " at 0.8x width %.4f, at 1.25x width %.4f",
              scenario,
              covered,
              datasets,
              fraction(covered),
              fraction(coveredNarrow),
              fraction(coveredWide));
      System.out.println(figures);
      assertThat(datasets).isGreaterThanOrEqualTo(1000);
      assertThat(fraction(covered)).as(figures).isBetween(LOW, HIGH);
      // The band is narrow enough to notice a standard error 20% too small or 25% too large.
      assertThat(fraction(coveredNarrow)).as(figures).isLessThan(LOW);
      assertThat(fraction(coveredWide)).as(figures).isGreaterThan(HIGH);
    }
  }

  private static BoundLoss bind(LossOptions options, TargetKind kind, boolean vectors) {
    boolean[] vector = {vectors, vectors && kind != TargetKind.CLASS_INDEX};
    Binding binding =
        new Binding(kind, vector, BoundLoss.ColumnNames.of("input", "target", "sample_weight"));
    BoundLoss bound = BoundLoss.bind(options, binding, false, true);
    assertThat(bound.stdError()).isTrue();
    return bound;
  }

  /** Folds rows into three partial states (row i into state i mod 3), merged in reverse order. */
  private static final class Folder {
    private final BoundLoss loss;
    private final LossState[] parts = new LossState[3];
    private int next;

    Folder(BoundLoss loss) {
      this.loss = loss;
      for (int i = 0; i < parts.length; i++) {
        parts[i] = loss.newState();
      }
    }

    void add(RowInput r) {
      loss.add(parts[next], r);
      next = (next + 1) % parts.length;
    }

    LossResult result() {
      LossState merged = loss.newState();
      for (int i = parts.length - 1; i >= 0; i--) {
        loss.merge(merged, parts[i]);
      }
      return loss.result(merged);
    }
  }

  private static Random random(long scenario, int dataset) {
    return new Random(scenario * 1_000_003L + dataset);
  }

  /**
   * The standard error of a mean of iid terms, two-pass in double: sqrt(sum (a - m)^2 / n(n-1)).
   */
  private static double meanStdError(double[] a) {
    double m = 0;
    for (double v : a) {
      m += v;
    }
    m /= a.length;
    double ss = 0;
    for (double v : a) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / a.length / (a.length - 1.0));
  }

  @Test
  void unweightedMeanOfSquaredNormals() {
    // mse_loss(0, y) = y^2 with y ~ N(mu, sigma): E[y^2] = mu^2 + sigma^2.
    double mu = 1.5;
    double sigma = 1.0;
    double truth = mu * mu + sigma * sigma;
    int rows = 200;
    BoundLoss loss =
        bind(
            LossOptions.builder(Loss.fromSqlName("mse_loss")).reduction(Reduction.MEAN).build(),
            TargetKind.ELEMENTWISE,
            false);
    Coverage coverage = new Coverage("mse_loss mean, y ~ N(1.5, 1), 200 rows");
    RowInput r = new RowInput();
    double[] a = new double[rows];
    for (int d = 0; d < DATASETS; d++) {
      Random rnd = random(1, d);
      Folder f = new Folder(loss);
      for (int i = 0; i < rows; i++) {
        double y = mu + sigma * rnd.nextGaussian();
        r.input(1)[0] = 0.0;
        r.target(1)[0] = y;
        r.sampleWeight = 1.0;
        f.add(r);
        a[i] = y * y;
      }
      LossResult res = f.result();
      assertThat(res.stdError()).isCloseTo(meanStdError(a), within(1e-9 * res.stdError()));
      coverage.add(res, truth);
    }
    coverage.check();
  }

  @Test
  void classWeightedCrossEntropyIsARatio() {
    // y ~ Categorical(p); the row's logits are one of two fixed vectors of class y, each with
    // probability 1/2. With class weights w, the 'mean' estimates E[w_y l] / E[w_y]
    // = sum_c p_c w_c (l_c0 + l_c1) / 2 / sum_c p_c w_c.
    double[] p = {0.4, 0.3, 0.2, 0.1};
    double[] w = {0.5, 1.0, 2.0, 4.0};
    double[][][] logits = {
      {{2.0, 0.0, -1.0, 0.5}, {-0.5, 1.0, 0.0, 0.0}},
      {{0.0, 1.5, 0.3, -2.0}, {1.0, -1.0, 2.0, 0.0}},
      {{0.2, 0.1, 0.8, 0.0}, {3.0, 0.0, -1.0, 1.0}},
      {{0.0, 0.0, 0.0, 2.5}, {1.0, 2.0, 0.5, -0.5}},
    };
    int classes = p.length;
    double[][] l = new double[classes][2];
    double num = 0;
    double den = 0;
    for (int c = 0; c < classes; c++) {
      for (int v = 0; v < 2; v++) {
        double lse = 0;
        for (double x : logits[c][v]) {
          lse += Math.exp(x);
        }
        l[c][v] = Math.log(lse) - logits[c][v][c];
      }
      num += p[c] * w[c] * (l[c][0] + l[c][1]) / 2;
      den += p[c] * w[c];
    }
    double truth = num / den;
    int rows = 300;
    BoundLoss loss =
        bind(
            LossOptions.builder(Loss.fromSqlName("cross_entropy"))
                .weight(w)
                .reduction(Reduction.MEAN)
                .build(),
            TargetKind.CLASS_INDEX,
            true);
    Coverage coverage =
        new Coverage("cross_entropy mean, class weights (0.5, 1, 2, 4), 4 classes, 300 rows");
    RowInput r = new RowInput();
    int[][] counts = new int[classes][2];
    for (int d = 0; d < DATASETS; d++) {
      Random rnd = random(2, d);
      Folder f = new Folder(loss);
      for (int[] c : counts) {
        java.util.Arrays.fill(c, 0);
      }
      for (int i = 0; i < rows; i++) {
        double u = rnd.nextDouble();
        int c = 0;
        while (c < classes - 1 && u >= p[c]) {
          u -= p[c];
          c++;
        }
        int v = rnd.nextBoolean() ? 1 : 0;
        counts[c][v]++;
        System.arraycopy(logits[c][v], 0, r.input(classes), 0, classes);
        r.indexIsDouble = false;
        r.index = c;
        r.sampleWeight = 1.0;
        f.add(r);
      }
      LossResult res = f.result();
      if (d < 200) {
        // The same rows as frequency weights: one row per distinct row, weighted by its count.
        Folder weighted = new Folder(loss);
        for (int c = 0; c < classes; c++) {
          for (int v = 0; v < 2; v++) {
            System.arraycopy(logits[c][v], 0, r.input(classes), 0, classes);
            r.index = c;
            r.sampleWeight = counts[c][v];
            weighted.add(r);
          }
        }
        LossResult fw = weighted.result();
        assertThat(fw.stdError()).isCloseTo(res.stdError(), within(1e-12 * res.stdError()));
        assertThat(fw.value()).isCloseTo(res.value(), within(1e-12 * res.value()));
      }
      coverage.add(res, truth);
    }
    coverage.check();
  }

  @Test
  void sumOverAFixedRowCount() {
    // 'sum' over a fixed n rows estimates n * E[y^2] = n * (mu^2 + sigma^2).
    double mu = 2.0;
    double sigma = 1.0;
    int rows = 200;
    double truth = rows * (mu * mu + sigma * sigma);
    BoundLoss loss =
        bind(
            LossOptions.builder(Loss.fromSqlName("mse_loss")).reduction(Reduction.SUM).build(),
            TargetKind.ELEMENTWISE,
            false);
    Coverage coverage = new Coverage("mse_loss sum, y ~ N(2, 1), 200 rows");
    RowInput r = new RowInput();
    double[] a = new double[rows];
    for (int d = 0; d < DATASETS; d++) {
      Random rnd = random(3, d);
      Folder f = new Folder(loss);
      for (int i = 0; i < rows; i++) {
        double y = mu + sigma * rnd.nextGaussian();
        r.input(1)[0] = 0.0;
        r.target(1)[0] = y;
        r.sampleWeight = 1.0;
        f.add(r);
        a[i] = y * y;
      }
      LossResult res = f.result();
      double expected = rows * meanStdError(a);
      assertThat(res.stdError()).isCloseTo(expected, within(1e-9 * expected));
      coverage.add(res, truth);
    }
    coverage.check();
  }

  @Test
  void elementWiseMeanOverCorrelatedElementsTakesRowsAsTheUnit() {
    // Rows of C = 3 elements y_k = u + e_k, u ~ N(2, 1) shared by the row, e_k ~ N(0, 0.5):
    // E[y_k^2] = 4 + 1 + 0.25. The elements of a row are strongly correlated, so an interval that
    // took elements as independent would be far too narrow.
    int classes = 3;
    int rows = 150;
    double truth = 5.25;
    BoundLoss loss =
        bind(
            LossOptions.builder(Loss.fromSqlName("mse_loss")).reduction(Reduction.MEAN).build(),
            TargetKind.ELEMENTWISE,
            true);
    Coverage coverage = new Coverage("mse_loss mean over 3-element rows, u ~ N(2, 1), 150 rows");
    RowInput r = new RowInput();
    double[] a = new double[rows];
    for (int d = 0; d < DATASETS; d++) {
      Random rnd = random(4, d);
      Folder f = new Folder(loss);
      for (int i = 0; i < rows; i++) {
        double u = 2.0 + rnd.nextGaussian();
        double[] x = r.input(classes);
        double[] t = r.target(classes);
        double rowMean = 0;
        for (int k = 0; k < classes; k++) {
          x[k] = 0.0;
          t[k] = u + 0.5 * rnd.nextGaussian();
          rowMean += t[k] * t[k];
        }
        r.sampleWeight = 1.0;
        f.add(r);
        a[i] = rowMean / classes;
      }
      LossResult res = f.result();
      // The standard error of the mean of the row means.
      double expected = meanStdError(a);
      assertThat(res.stdError()).isCloseTo(expected, within(1e-9 * expected));
      coverage.add(res, truth);
    }
    coverage.check();
  }
}
