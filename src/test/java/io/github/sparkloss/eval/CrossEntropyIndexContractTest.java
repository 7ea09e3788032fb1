package io.github.sparkloss.eval;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.Random;

/** Merge contract of cross_entropy ({@code CrossEntropyLoss}) with class-index targets. */
class CrossEntropyIndexContractTest extends LossContractTest {
  @Override
  LossOptions options(Reduction r) {
    return LossOptions.builder(Loss.fromSqlName("cross_entropy"))
        .weight(1, 2, 0.5, 1e-3, 7)
        .set("ignore_index", 4)
        .set("label_smoothing", 0.05)
        .reduction(r)
        .build();
  }

  @Override
  TargetKind kind() {
    return TargetKind.CLASS_INDEX;
  }

  @Override
  Row row(Random rnd) {
    return new Row(logits(rnd, C), rnd.nextInt(C), null, sampleWeight(rnd));
  }

  @Override
  Row badRow() {
    return new Row(new double[C], 7, null, 1.0);
  }

  @Override
  String badRowMessage() {
    return "cross_entropy: target 7 in column y is out of range for 5 classes;"
        + " expected a class index in [0, 5) or ignore_index 4";
  }
}
