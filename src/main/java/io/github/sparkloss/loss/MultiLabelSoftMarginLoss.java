package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.kernel.BinaryCrossEntropyWithLogits;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import java.util.List;

/**
 * {@code multilabel_soft_margin_loss(input, target, weight)}: per row {@code -(1/C) sum_c w_c (y_c
 * ln sigmoid(x_c) + (1 - y_c) ln sigmoid(-x_c))}; 'mean' divides by the rows, and per_class gives
 * each class's term.
 */
public final class MultiLabelSoftMarginLoss extends Loss {
  private static final long serialVersionUID = 1L;

  MultiLabelSoftMarginLoss() {
    super("multilabel_soft_margin_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(Arg.of("input", Accepts.VECTOR), Arg.of("target", Accepts.LIKE_FIRST));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(WEIGHT);
  }

  @Override
  public Denominator denominator(TargetKind kind) {
    return Denominator.ROWS;
  }

  @Override
  public PerClass perClass(TargetKind kind) {
    return PerClass.ELEMENT;
  }

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    double[] w = options.get(WEIGHT);
    return (r, out, checks) -> {
      double[] x = r.x;
      double[] y = r.t;
      double[] e = out.elements;
      int c = r.n;
      double sum = 0.0;
      for (int k = 0; k < c; k++) {
        double l =
            -(y[k] * BinaryCrossEntropyWithLogits.logSigmoid(x[k])
                + (1.0 - y[k]) * BinaryCrossEntropyWithLogits.logSigmoid(-x[k]));
        if (w != null) {
          l *= w[k];
        }
        if (e != null) {
          e[k] = l / c;
        }
        sum += l;
      }
      out.loss = sum / c;
      return Outcome.EVALUATED;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.LOGITS);
  }
}
