package io.github.sparkloss.eval;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.state.LossState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The reduction of a state: 'sum' is the loss sum; 'mean' divides by the loss's denominator (the
 * target weights, the rows, or every element); 'batchmean' by the rows. A mean over nothing is NaN,
 * as in PyTorch.
 */
final class Reducer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Reduction reduction;
  private final Loss.Denominator denominator;
  private final Loss.PerClass perClass;
  private final int fixedClasses;
  private final Loss loss;

  Reducer(
      Reduction reduction,
      Loss.Denominator denominator,
      Loss.PerClass perClass,
      int fixedClasses,
      Loss loss) {
    this.reduction = reduction;
    this.denominator = denominator;
    this.perClass = perClass;
    this.fixedClasses = fixedClasses;
    this.loss = loss;
  }

  Loss.Denominator denominator() {
    return denominator;
  }

  double value(LossState state) {
    return reduce(state.lossSum(), state.weightSum(), state.numClasses());
  }

  LossResult result(LossState state, boolean withClasses) {
    double lossSum = state.lossSum();
    double weightSum = state.weightSum();
    List<LossResult.ClassResult> classes = null;
    if (withClasses) {
      boolean byTarget = perClass == Loss.PerClass.TARGET_CLASS;
      // A group that evaluated no row still lists every class when weight fixes the count.
      boolean seen = state.numClasses() >= 0;
      int c = seen ? state.numClasses() : Math.max(fixedClasses, 0);
      classes = new ArrayList<>(c);
      for (int i = 0; i < c; i++) {
        double ls = seen ? state.classLossSum(i) : 0.0;
        double ws = !byTarget ? weightSum : seen ? state.classWeightSum(i) : 0.0;
        long rows = !byTarget ? state.rows() : seen ? state.classRows(i) : 0;
        double v = reduction == Reduction.SUM ? ls : ws == 0.0 ? Double.NaN : ls / ws;
        classes.add(new LossResult.ClassResult(i, v, ls, ws, rows));
      }
    }
    return new LossResult(
        reduce(lossSum, weightSum, state.numClasses()),
        lossSum,
        weightSum,
        state.rows(),
        state.ignoredRows(),
        state.nullRows(),
        state.badRows(),
        classes);
  }

  private double reduce(double lossSum, double weightSum, int numClasses) {
    if (reduction != Reduction.SUM && weightSum == 0.0) {
      // A mean over nothing (no rows, every row ignored, or a zero weight sum) is NaN, as in
      // PyTorch, even where label smoothing left a non-zero numerator.
      return Double.NaN;
    }
    switch (reduction) {
      case SUM:
        return lossSum;
      case MEAN:
        if (denominator == Loss.Denominator.ELEMENTS) {
          // Every element counts: C * sum(s_n); an empty group gives 0/0 = NaN.
          return lossSum / (Math.max(numClasses, 0) * weightSum);
        }
        return lossSum / weightSum;
      case BATCHMEAN:
        return lossSum / weightSum;
      default:
        throw new IllegalStateException(loss + ": reduction none has no aggregate value");
    }
  }
}
