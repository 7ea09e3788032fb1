package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.options.LossOptions;
import java.io.Serializable;

/**
 * An element-wise loss of {@code (input, target)} whose every element is one function of its input
 * and target value: a subclass gives that function for its options.
 */
abstract class PointwiseLoss extends ElementwiseLoss {
  private static final long serialVersionUID = 1L;

  /** The loss of one element, input {@code x} and target {@code y}. */
  @FunctionalInterface
  interface Element extends Serializable {
    double of(double x, double y);
  }

  PointwiseLoss(String name) {
    super(name);
  }

  /** The element function under {@code options}. */
  abstract Element element(LossOptions options);

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    Element f = element(options);
    return (r, out, checks) -> {
      double[] x = r.x;
      double[] y = r.t;
      double[] e = out.elements;
      double sum = 0.0;
      for (int k = 0; k < r.n; k++) {
        double l = f.of(x[k], y[k]);
        if (e != null) {
          e[k] = l;
        }
        sum += l;
      }
      out.loss = sum;
      return Outcome.EVALUATED;
    };
  }
}
