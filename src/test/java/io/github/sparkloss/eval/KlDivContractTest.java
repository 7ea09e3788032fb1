package io.github.sparkloss.eval;

import io.github.sparkloss.TestMath;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.Random;

/** Merge contract of kl_div ({@code KLDivLoss}) with per-element weights. */
class KlDivContractTest extends LossContractTest {
  @Override
  LossOptions options(Reduction r) {
    return LossOptions.builder(Loss.fromSqlName("kl_div"))
        .weight(1, 2, 0.5, 1e-3, 7)
        .reduction(r)
        .build();
  }

  @Override
  TargetKind kind() {
    return TargetKind.ELEMENTWISE;
  }

  @Override
  Row row(Random rnd) {
    return new Row(
        TestMath.logSoftmax(logits(rnd, C)), 0, probabilities(rnd, C), sampleWeight(rnd));
  }

  @Override
  Row badRow() {
    return new Row(new double[C], 0, new double[C], Double.NaN);
  }

  @Override
  String badRowMessage() {
    return "kl_div: sample_weight NaN in column w is not allowed; expected a finite number >= 0";
  }
}
