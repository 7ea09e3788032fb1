package io.github.sparkloss.eval;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.state.LossState;
import io.github.sparkloss.state.Moments;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The reduction of a state: 'sum' is the loss sum; 'mean' divides by the loss's denominator (the
 * target weights, the rows, or every element); 'batchmean' by the rows. A mean over nothing is NaN,
 * as in PyTorch.
 */
final class Reducer implements Serializable {
  private static final long serialVersionUID = 2L;

  private final Reduction reduction;
  private final Loss.Denominator denominator;
  private final Loss.PerClass perClass;
  private final int fixedClasses;
  private final Loss loss;

  /** The class weights that divide a class's mean (class-index targets), or null. */
  private final double[] classWeights;

  /** The normal quantile of the interval: value -+ z * std_error. */
  private final double z;

  Reducer(
      Reduction reduction,
      Loss.Denominator denominator,
      Loss.PerClass perClass,
      int fixedClasses,
      Loss loss,
      double[] classWeights,
      double confidence) {
    this.reduction = reduction;
    this.denominator = denominator;
    this.perClass = perClass;
    this.fixedClasses = fixedClasses;
    this.loss = loss;
    this.classWeights = classWeights == null ? null : classWeights.clone();
    this.z = StandardNormal.intervalZ(confidence);
  }

  Loss.Denominator denominator() {
    return denominator;
  }

  /**
   * What a state must keep for the standard error of this reduction: the moments of a ratio when
   * rows of one group carry different denominator terms (class weights under 'mean'), else those of
   * unit terms.
   */
  LossState.Uncertainty uncertainty() {
    return reduction == Reduction.MEAN
            && denominator == Loss.Denominator.TARGET_WEIGHT
            && classWeights != null
        ? LossState.Uncertainty.RATIO
        : LossState.Uncertainty.UNIT;
  }

  double value(LossState state) {
    return reduce(state.lossSum(), state.weightSum(), state.numClasses());
  }

  LossResult result(LossState state, boolean withClasses) {
    double lossSum = state.lossSum();
    double weightSum = state.weightSum();
    boolean moments = state.moments() != null;
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
        double se = moments && seen ? classStdError(state.classMoments(i), i) : Double.NaN;
        classes.add(new LossResult.ClassResult(i, v, ls, ws, rows, se, v - z * se, v + z * se));
      }
    }
    double value = reduce(lossSum, weightSum, state.numClasses());
    double se = moments ? stdError(state.moments(), state.numClasses()) : Double.NaN;
    return new LossResult(
        value,
        lossSum,
        weightSum,
        state.rows(),
        state.ignoredRows(),
        state.nullRows(),
        state.badRows(),
        classes,
        se,
        value - z * se,
        value + z * se);
  }

  /** The value's standard error, as the contract's "Uncertainty" section defines it. */
  private double stdError(Moments m, int numClasses) {
    if (reduction == Reduction.SUM) {
      return m.sumStdError();
    }
    double se = m.ratioStdError();
    // An element-wise mean is the mean per row divided by the row length C.
    return reduction == Reduction.MEAN && denominator == Loss.Denominator.ELEMENTS
        ? se / Math.max(numClasses, 0)
        : se;
  }

  /**
   * A class's standard error over its own rows. Where the class weights are the denominator terms
   * (cross_entropy, nll_loss), every row of class c has the term w[c], so its mean is the mean of
   * its loss terms divided by w[c]; elsewhere (multi_margin_loss) rows count one each.
   */
  private double classStdError(Moments m, int c) {
    if (reduction == Reduction.SUM) {
      return m.sumStdError();
    }
    double se = m.ratioStdError();
    if (perClass == Loss.PerClass.TARGET_CLASS
        && denominator == Loss.Denominator.TARGET_WEIGHT
        && classWeights != null) {
      return classWeights[c] == 0.0 ? Double.NaN : se / classWeights[c];
    }
    return se;
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
