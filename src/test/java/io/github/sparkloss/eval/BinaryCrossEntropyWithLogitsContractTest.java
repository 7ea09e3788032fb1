package io.github.sparkloss.eval;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.Random;

/**
 * Merge contract of binary_cross_entropy_with_logits ({@code BCEWithLogitsLoss}) with pos_weight.
 */
class BinaryCrossEntropyWithLogitsContractTest extends LossContractTest {
  @Override
  LossOptions options(Reduction r) {
    return LossOptions.builder(Loss.fromSqlName("binary_cross_entropy_with_logits"))
        .weight(1, 2, 0.5, 1e-3, 7)
        .set("pos_weight", new double[] {1, 3, 0.1, 10, 1})
        .reduction(r)
        .build();
  }

  @Override
  TargetKind kind() {
    return TargetKind.ELEMENTWISE;
  }

  @Override
  Row row(Random rnd) {
    double[] t = new double[C];
    for (int i = 0; i < C; i++) {
      t[i] = rnd.nextBoolean() ? rnd.nextInt(2) : rnd.nextDouble();
    }
    return new Row(logits(rnd, C), 0, t, sampleWeight(rnd));
  }

  @Override
  Row badRow() {
    return new Row(new double[4], 0, new double[4], 1.0);
  }

  @Override
  String badRowMessage() {
    return "binary_cross_entropy_with_logits: input in column x has 4 classes but weight has 5"
        + " entries; expected 5 values per row";
  }
}
