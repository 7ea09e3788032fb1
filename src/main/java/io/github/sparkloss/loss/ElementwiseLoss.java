package io.github.sparkloss.loss;

import io.github.sparkloss.loss.Arg.Accepts;
import io.github.sparkloss.options.TargetKind;
import java.util.List;

/**
 * A loss computed element by element over arguments of the first one's shape: 'mean' divides by
 * every element, per_class is per element index, and a number per row is one element.
 */
abstract class ElementwiseLoss extends Loss {
  private static final long serialVersionUID = 1L;

  ElementwiseLoss(String name) {
    super(name);
  }

  @Override
  protected List<Arg> declareArguments() {
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
  public List<InputKind> inputKinds() {
    return List.of(InputKind.VALUE);
  }
}
