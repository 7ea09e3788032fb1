package io.github.sparkloss.eval;

import io.github.sparkloss.TestMath;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.Random;

/** Merge contract of kl_div ({@code KLDivLoss}) with log_target. */
class KlDivLogTargetContractTest extends LossContractTest {
  @Override
  LossOptions options(Reduction r) {
    Reduction reduction = r == Reduction.MEAN ? Reduction.BATCHMEAN : r;
    return LossOptions.builder(Loss.fromSqlName("kl_div"))
        .set("log_target", true)
        .reduction(reduction)
        .build();
  }

  @Override
  TargetKind kind() {
    return TargetKind.ELEMENTWISE;
  }

  @Override
  Row row(Random rnd) {
    return new Row(
        TestMath.logSoftmax(logits(rnd, C)),
        0,
        TestMath.logSoftmax(logits(rnd, C)),
        sampleWeight(rnd));
  }

  @Override
  Row badRow() {
    return new Row(new double[C], 0, new double[2], 1.0);
  }

  @Override
  String badRowMessage() {
    return "kl_div: target in column y has 2 entries but the input has 5 elements;"
        + " expected one target per element";
  }
}
