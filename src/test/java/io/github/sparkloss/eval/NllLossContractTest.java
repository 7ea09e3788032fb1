package io.github.sparkloss.eval;

import io.github.sparkloss.TestMath;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.Random;

/** Merge contract of nll_loss ({@code NLLLoss}). */
class NllLossContractTest extends LossContractTest {
  @Override
  LossOptions options(Reduction r) {
    return LossOptions.builder(Loss.fromSqlName("nll_loss"))
        .weight(3, 1, 1, 0.25, 2)
        .reduction(r)
        .build();
  }

  @Override
  TargetKind kind() {
    return TargetKind.CLASS_INDEX;
  }

  @Override
  Row row(Random rnd) {
    long y = rnd.nextInt(10) == 0 ? -100 : rnd.nextInt(C);
    return new Row(TestMath.logSoftmax(logits(rnd, C)), y, null, sampleWeight(rnd));
  }

  @Override
  Row badRow() {
    return new Row(new double[C], -1, null, 1.0);
  }

  @Override
  String badRowMessage() {
    return "nll_loss: target -1 in column y is out of range for 5 classes;"
        + " expected a class index in [0, 5) or ignore_index -100";
  }
}
