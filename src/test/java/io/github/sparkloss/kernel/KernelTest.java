package io.github.sparkloss.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kernels' edge cases, each against a value worked out by hand. */
class KernelTest {

  @Test
  void crossEntropyOfExtremeLogitsDoesNotOverflow() {
    double[] x = {1000.0, -1000.0};
    assertThat(CrossEntropy.indexLoss(x, 2, 0, null, 0.0)).isEqualTo(0.0);
    assertThat(CrossEntropy.indexLoss(x, 2, 1, null, 0.0)).isEqualTo(2000.0);
    // Label smoothing 1 with two classes: half of each class's -log p.
    assertThat(CrossEntropy.indexLoss(x, 2, 0, null, 1.0)).isEqualTo(1000.0);
    assertThat(CrossEntropy.indexLoss(new double[] {0.0, Double.NaN}, 2, 0, null, 0.0)).isNaN();
    assertThat(
            CrossEntropy.indexLoss(new double[] {0.0, Double.POSITIVE_INFINITY}, 2, 0, null, 0.0))
        .isNaN();
  }

  @Test
  void crossEntropyOfProbabilityTargetsGivesEachClassItsTerm() {
    double[] x = {0.0, 0.0};
    double[] out = new double[2];
    double l =
        CrossEntropy.probabilityLoss(x, 2, new double[] {1.0, 0.0}, new double[] {2, 5}, 0.0, out);
    assertThat(out[0]).isEqualTo(2.0 * Math.log(2.0));
    assertThat(out[1]).isEqualTo(0.0);
    assertThat(l).isEqualTo(2.0 * Math.log(2.0));
  }

  @Test
  void xlogyIsZeroForZeroUnlessNan() {
    assertThat(KlDiv.xlogy(0.0, 0.0)).isEqualTo(0.0);
    assertThat(KlDiv.xlogy(0.0, Double.POSITIVE_INFINITY)).isEqualTo(0.0);
    assertThat(KlDiv.xlogy(0.0, Double.NaN)).isNaN();
    assertThat(KlDiv.xlogy(2.0, Math.E)).isEqualTo(2.0);
    assertThat(KlDiv.element(-1.0, 0.0, true, 1.0)).isEqualTo(1.0);
  }

  @Test
  void binaryCrossEntropyClampsItsLogsAtMinus100() {
    assertThat(BinaryCrossEntropy.element(0.0, 1.0, 1.0)).isEqualTo(100.0);
    assertThat(BinaryCrossEntropy.element(1.0, 0.0, 1.0)).isEqualTo(100.0);
    assertThat(BinaryCrossEntropy.element(0.0, 0.0, 3.0)).isEqualTo(0.0);
    assertThat(BinaryCrossEntropy.element(0.5, 1.0, 1.0)).isEqualTo(Math.log(2.0));
  }

  @Test
  void logSigmoidIsStableAtBothEnds() {
    assertThat(BinaryCrossEntropyWithLogits.logSigmoid(-1000.0)).isEqualTo(-1000.0);
    assertThat(BinaryCrossEntropyWithLogits.logSigmoid(1000.0)).isEqualTo(-0.0);
    assertThat(BinaryCrossEntropyWithLogits.logSigmoid(0.0)).isEqualTo(-Math.log(2.0));
    // pos_weight 3 on a positive target triples the softplus term only.
    assertThat(BinaryCrossEntropyWithLogits.element(0.0, 1.0, 1.0, 3.0))
        .isEqualTo(3.0 * Math.log(2.0));
  }
}
