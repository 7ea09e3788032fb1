package io.github.sparkloss.loss;

import io.github.sparkloss.eval.Outcome;
import io.github.sparkloss.eval.RowChecks;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.eval.RowResult;
import java.io.Serializable;

/**
 * A loss bound to its options and column shapes: evaluates one row. The row's sample weight, its
 * class count and the lengths of arguments shaped like the first were checked before; the kernel
 * checks the rest (class indices, value ranges) through {@link RowChecks#reject}, which throws
 * under {@code on_bad_row => 'fail'} and returns {@link Outcome#BAD} under skip.
 */
@FunctionalInterface
public interface Kernel extends Serializable {
  /**
   * Evaluates row {@code r}: on {@link Outcome#EVALUATED} {@code out} holds the loss, its
   * denominator, the target class and, when {@code out.elements} is set, each element's share.
   */
  Outcome evaluate(RowInput r, RowResult out, RowChecks checks);
}
