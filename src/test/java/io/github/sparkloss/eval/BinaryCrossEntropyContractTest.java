package io.github.sparkloss.eval;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.util.Random;

/** Merge contract of binary_cross_entropy ({@code BCELoss}) over multi-label rows with weights. */
class BinaryCrossEntropyContractTest extends LossContractTest {
  @Override
  LossOptions options(Reduction r) {
    return LossOptions.builder(Loss.fromSqlName("binary_cross_entropy"))
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
    double[] p = new double[C];
    double[] t = new double[C];
    for (int i = 0; i < C; i++) {
      double u = rnd.nextDouble();
      p[i] = u < 0.05 ? 0.0 : u < 0.1 ? 1.0 : Math.pow(rnd.nextDouble(), 1 + rnd.nextInt(20));
      t[i] = rnd.nextBoolean() ? rnd.nextInt(2) : rnd.nextDouble();
    }
    return new Row(p, 0, t, sampleWeight(rnd));
  }

  @Override
  Row badRow() {
    return new Row(new double[] {0.5, 0.5, 1.5, 0.5, 0.5}, 0, new double[C], 1.0);
  }

  @Override
  String badRowMessage() {
    return "binary_cross_entropy: input 1.5 at index 2 of column x is outside [0, 1];"
        + " expected a probability";
  }
}
