package io.github.sparkloss.loss;

import io.github.sparkloss.eval.BoundLoss.ColumnNames;
import io.github.sparkloss.options.TargetKind;
import java.io.Serializable;

/**
 * A loss's arguments resolved against their columns: which are vectors, which one (if any) is a
 * class index, the target's kind, and the column names for messages.
 *
 * @param kind the target's kind
 * @param vector for each positional argument, whether its column holds a vector per row
 * @param columns the names of the argument columns and of the sample weight column
 */
public record Binding(TargetKind kind, boolean[] vector, ColumnNames columns)
    implements Serializable {

  /** Whether the first argument is a number per row (element-wise losses then have C = 1). */
  public boolean scalarInput() {
    return !vector[0];
  }

  /** Whether argument {@code i} holds a vector per row. */
  public boolean isVector(int i) {
    return vector[i];
  }

  /** The column name of argument {@code i}. */
  public String column(int i) {
    return columns.argument(i);
  }
}
