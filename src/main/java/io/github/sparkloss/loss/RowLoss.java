package io.github.sparkloss.loss;

import io.github.sparkloss.options.TargetKind;
import java.util.List;

/**
 * A loss of one value per row with no per-class breakdown (a pair or a triplet of embeddings, or
 * all of a row's labels at once): 'mean' divides by the rows.
 */
abstract class RowLoss extends Loss {
  private static final long serialVersionUID = 1L;

  RowLoss(String name) {
    super(name);
  }

  @Override
  public Denominator denominator(TargetKind kind) {
    return Denominator.ROWS;
  }

  @Override
  public PerClass perClass(TargetKind kind) {
    return PerClass.NONE;
  }

  @Override
  public List<InputKind> inputKinds() {
    return List.of(InputKind.VALUE);
  }
}
