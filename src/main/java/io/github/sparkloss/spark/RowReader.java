package io.github.sparkloss.spark;

import io.github.sparkloss.eval.RowInput;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Reads one row of a loss's arguments (input, target, optional sample weight; at ordinals 0, 1, 2
 * unless placed elsewhere by {@link #at}) from Spark's internal row into a {@link RowInput}, each
 * column with the getter of its own type. Shared by the aggregate, the per-row function and the
 * fused aggregate of several losses, where vector columns are decoded once per row into {@link
 * DecodedColumns} and read from there by every loss.
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

  private final int inputOrdinal;
  private final int targetOrdinal;
  private final int weightOrdinal;

  private transient String nullColumn;
  private transient int nullIndex;

  /**
   * @param target the vector or scalar target, or null for a class index
   * @param index the class-index target, or null
   * @param sampleWeight the sample weight, or null when there is none
   */
  RowReader(
      ColumnReader input, ColumnReader target, NumberReader index, NumberReader sampleWeight) {
    this(input, target, index, sampleWeight, 0, 1, 2);
  }

  private RowReader(
      ColumnReader input,
      ColumnReader target,
      NumberReader index,
      NumberReader sampleWeight,
      int inputOrdinal,
      int targetOrdinal,
      int weightOrdinal) {
    this.input = input;
    this.target = target;
    this.index = index;
    this.sampleWeight = sampleWeight;
    this.inputOrdinal = inputOrdinal;
    this.targetOrdinal = targetOrdinal;
    this.weightOrdinal = weightOrdinal;
  }

  /**
   * This reader with the input, target and sample weight at the given ordinals of the row (the
   * weight ordinal is ignored when there is no sample weight).
   */
  RowReader at(int inputAt, int targetAt, int weightAt) {
    return new RowReader(input, target, index, sampleWeight, inputAt, targetAt, weightAt);
  }

  /** Reads {@code in} into {@code r}: OK, NULL_ROW or NULL_ELEMENT. */
  int read(InternalRow in, RowInput r) {
    return read(in, r, null);
  }

  /**
   * Reads {@code in} into {@code r}, taking vector columns from {@code decoded} when it is not null
   * (they are decoded there on first use in the row, and {@code r} then shares their arrays).
   */
  int read(InternalRow in, RowInput r, DecodedColumns decoded) {
    if (in.isNullAt(inputOrdinal)
        || in.isNullAt(targetOrdinal)
        || (sampleWeight != null && in.isNullAt(weightOrdinal))) {
      return NULL_ROW;
    }
    int at = readVector(input, in, inputOrdinal, r, false, decoded);
    if (at >= 0) {
      return nullElement(input, at);
    }
    if (index != null) {
      r.indexIsDouble = !index.isIntegral();
      if (r.indexIsDouble) {
        r.indexAsDouble = index.getDouble(in, targetOrdinal);
      } else {
        r.index = index.getLong(in, targetOrdinal);
      }
    } else {
      at = readVector(target, in, targetOrdinal, r, true, decoded);
      if (at >= 0) {
        return nullElement(target, at);
      }
    }
    r.sampleWeight = sampleWeight == null ? 1.0 : sampleWeight.getDouble(in, weightOrdinal);
    return OK;
  }

  /**
   * Reads the column at {@code ordinal} into {@code r}'s input or target, straight or through
   * {@code decoded}, whose arrays {@code r} then shares.
   *
   * @return -1, or the index of a null element found inside an array
   */
  private static int readVector(
      ColumnReader reader,
      InternalRow in,
      int ordinal,
      RowInput r,
      boolean intoTarget,
      DecodedColumns decoded) {
    if (decoded == null) {
      return reader.read(in, ordinal, r, intoTarget);
    }
    int at = decoded.read(reader, in, ordinal);
    if (intoTarget) {
      r.t = decoded.values(ordinal);
      r.tn = decoded.size(ordinal);
    } else {
      r.x = decoded.values(ordinal);
      r.n = decoded.size(ordinal);
    }
    return at;
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
