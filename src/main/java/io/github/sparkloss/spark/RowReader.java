package io.github.sparkloss.spark;

import io.github.sparkloss.eval.RowInput;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Reads one row of a loss's arguments (input, target, optional sample weight, at ordinals 0, 1, 2)
 * from Spark's internal row into a {@link RowInput}, each column with the getter of its own type.
 * Shared by the aggregate and the per-row function.
 */
final class RowReader implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The row was read. */
  static final int OK = 0;

  /** The input, the target or the sample weight is null. */
  static final int NULL_ROW = 1;

  /** An array holds a null element: see {@link #nullColumn()} and {@link #nullIndex()}. */
  static final int NULL_ELEMENT = 2;

  private final ColumnReader input;
  private final ColumnReader target;
  private final NumberReader index;
  private final NumberReader sampleWeight;

  private transient String nullColumn;
  private transient int nullIndex;

  /**
   * @param target the vector or scalar target, or null for a class index
   * @param index the class-index target, or null
   * @param sampleWeight the sample weight, or null when there is none
   */
  RowReader(
      ColumnReader input, ColumnReader target, NumberReader index, NumberReader sampleWeight) {
    this.input = input;
    this.target = target;
    this.index = index;
    this.sampleWeight = sampleWeight;
  }

  /** Reads {@code in} into {@code r}: OK, NULL_ROW or NULL_ELEMENT. */
  int read(InternalRow in, RowInput r) {
    if (in.isNullAt(0) || in.isNullAt(1) || (sampleWeight != null && in.isNullAt(2))) {
      return NULL_ROW;
    }
    int at = input.read(in, 0, r, false);
    if (at >= 0) {
      return nullElement(input, at);
    }
    if (index != null) {
      r.indexIsDouble = !index.isIntegral();
      if (r.indexIsDouble) {
        r.indexAsDouble = index.getDouble(in, 1);
      } else {
        r.index = index.getLong(in, 1);
      }
    } else {
      at = target.read(in, 1, r, true);
      if (at >= 0) {
        return nullElement(target, at);
      }
    }
    r.sampleWeight = sampleWeight == null ? 1.0 : sampleWeight.getDouble(in, 2);
    return OK;
  }

  private int nullElement(ColumnReader column, int at) {
    nullColumn = column.column;
    nullIndex = at;
    return NULL_ELEMENT;
  }

  /** The column of the last NULL_ELEMENT. */
  String nullColumn() {
    return nullColumn;
  }

  /** The element index of the last NULL_ELEMENT. */
  int nullIndex() {
    return nullIndex;
  }
}
