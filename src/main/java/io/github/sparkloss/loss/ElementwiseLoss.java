package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import java.io.Serializable;
import java.util.List;

/**
 * A loss of {@code (input, target)} computed element by element, each element of a row with the
 * same function: 'mean' divides by every element, per_class is per element index, and a number per
 * row is one element. A subclass gives the element function for its options.
 */
abstract class ElementwiseLoss extends Loss {
  private static final long serialVersionUID = 1L;

  /** The loss of one element, input {@code x} and target {@code y}. */
  @FunctionalInterface
  interface Element extends Serializable {
    double of(double x, double y);
  }

  ElementwiseLoss(String name) {
    super(name);
  }

  /** The element function under {@code options}. */
  abstract Element element(LossOptions options);

  @Override
  public List<Arg> arguments() {
    return List.of(Arg.of("input", Accepts.VALUES), Arg.of("target", Accepts.LIKE_FIRST));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of();
  }

  @Override
  public Denominator denominator(TargetKind kind) {
    return Denominator.ELEMENTS;
  }

  @Override
  public PerClass perClass(TargetKind kind) {
    return PerClass.ELEMENT;
  }

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

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.VALUE);
  }
}
