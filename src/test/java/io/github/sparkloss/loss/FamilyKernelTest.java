package io.github.sparkloss.loss;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The family's kernel helpers against values worked out by hand. */
class FamilyKernelTest {

  @Test
  void pairwiseDistanceOfEachNorm() {
    double[] u = {1.0, -2.0, 0.0};
    double[] v = {0.0, 0.0, 0.0};
    assertThat(TripletMarginLoss.distance(u, v, 3, 2.0, 0.0)).isEqualTo(Math.sqrt(5.0));
    assertThat(TripletMarginLoss.distance(u, v, 3, 1.0, 0.0)).isEqualTo(3.0);
    assertThat(TripletMarginLoss.distance(u, v, 3, Double.POSITIVE_INFINITY, 0.0)).isEqualTo(2.0);
    assertThat(TripletMarginLoss.distance(u, v, 3, 0.0, 0.0)).isEqualTo(2.0);
    assertThat(TripletMarginLoss.distance(u, v, 3, 3.0, 0.0)).isEqualTo(Math.pow(9.0, 1.0 / 3.0));
    // eps is added to every difference before the norm, as torch.pairwise_distance does.
    assertThat(TripletMarginLoss.distance(v, v, 3, 1.0, 0.5)).isEqualTo(1.5);
  }

  @Test
  void cosineEpsilonIsPyTorchsFloat() {
    assertThat(CosineEmbeddingLoss.EPSILON).isEqualTo(9.999999960041972e-13);
  }

  @Test
  void everyLossIsRegisteredOnceWithItsOwnOptions() {
    assertThat(Losses.names()).hasSize(20).doesNotHaveDuplicates();
    for (Loss loss : Loss.all()) {
      assertThat(Loss.fromSqlName(loss.sqlName().toUpperCase(java.util.Locale.ROOT)))
          .isSameAs(loss);
      assertThat(loss.options()).endsWith(Loss.REDUCTION, Loss.ON_BAD_ROW, Loss.CONFIDENCE);
      assertThat(loss.arguments()).isNotEmpty();
      assertThat(loss.inputKinds()).isNotEmpty();
    }
  }
}
