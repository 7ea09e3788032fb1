package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import java.util.List;

/**
 * {@code multi_margin_loss(input, target, p => 1, margin => 1.0, weight)}: the multi-class hinge
 * loss, per row {@code (1/C) sum over i != y of w[y] max(0, margin - x[y] + x[i])^p}; 'mean'
 * divides by the rows (PyTorch's weight does not enter the denominator), and per_class groups rows
 * by target class.
 */
public final class MultiMarginLoss extends Loss {
  private static final long serialVersionUID = 1L;

  /** The exponent of the hinge: 1 or 2. */
  public static final LossOption<Long> P =
      LossOption.whole("p", 1L, p -> p == 1L || p == 2L ? null : "must be 1 or 2");

  /** The margin. */
  public static final LossOption<Double> MARGIN = LossOption.number("margin", 1.0, null);

  MultiMarginLoss() {
    super("multi_margin_loss");
  }

  @Override
  protected List<Arg> declareArguments() {
    return List.of(Arg.of("input", Accepts.VECTOR), Arg.of("target", Accepts.CLASS_INDEX));
  }

  @Override
  protected List<LossOption<?>> ownOptions() {
    return List.of(P, MARGIN, WEIGHT);
  }

  @Override
  public Denominator denominator(TargetKind kind) {
    return Denominator.ROWS;
  }

  @Override
  public PerClass perClass(TargetKind kind) {
    return PerClass.TARGET_CLASS;
  }

  @Override
  public Kernel kernel(LossOptions options, Binding binding) {
    boolean squared = options.get(P) == 2L;
    double margin = options.get(MARGIN);
    double[] w = options.get(WEIGHT);
    return (r, out, checks) -> {
      Outcome c = checks.classIndex(r, 1, false, 0L, out);
      if (c != Outcome.EVALUATED) {
        return c;
      }
      int y = out.targetClass;
      double[] x = r.x;
      double xy = x[y];
      double sum = 0.0;
      for (int i = 0; i < r.n; i++) {
        if (i == y) {
          continue;
        }
        double z = margin - xy + x[i];
        if (z > 0.0) {
          double h = squared ? z * z : z;
          if (w != null) {
            h *= w[y];
          }
          sum += h;
        }
      }
      out.loss = sum / r.n;
      return Outcome.EVALUATED;
    };
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.LOGITS);
  }
}
