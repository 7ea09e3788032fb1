package io.github.sparkloss.eval;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.Random;

/** Merge contract of cross_entropy ({@code CrossEntropyLoss}) with probability targets. */
class CrossEntropyProbabilitiesContractTest extends LossContractTest {
  @Override
  LossOptions options(Reduction r) {
    return LossOptions.builder(Loss.fromSqlName("cross_entropy"))
        .weight(1, 2, 0.5, 1e-3, 7)
        .set("label_smoothing", 0.2)
        .reduction(r)
        .build();
  }

  @Override
  TargetKind kind() {
    return TargetKind.PROBABILITIES;
  }

  @Override
  Row row(Random rnd) {
    return new Row(logits(rnd, C), 0, probabilities(rnd, C), sampleWeight(rnd));
  }

  @Override
  Row badRow() {
    return new Row(new double[C], 0, new double[3], 1.0);
  }

  @Override
  String badRowMessage() {
    return "cross_entropy: target in column y has 3 entries but the input has 5 classes;"
        + " expected one probability per class";
  }
}
