package io.github.sparkloss.spark;

import io.github.sparkloss.eval.RowInput;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Reads one row of a loss's arguments (its positional arguments, then the optional sample weight;
 * at ordinals 0, 1, ... unless placed elsewhere by {@link #at}) from Spark's internal row into a
 * {@link RowInput}, each column with the getter of its own type. Shared by the aggregate, the
 * per-row function and the fused aggregate of several losses, where vector columns are decoded once
 * per row into {@link DecodedColumns} and read from there by every loss.
 */
final class RowReader implements Serializable {
  private static final long serialVersionUID = 2L;

  /** What reading a row gave. */
  enum Status {
    /** The row was read. */
    OK,
    /** An argument or the sample weight is null. */
    NULL_ROW,
    /** An array holds a null element: see {@link #nullColumn()} and {@link #nullIndex()}. */
    NULL_ELEMENT
  }

  /** Per argument: its vector or scalar reader, or null for the class-index argument. */
  private final ColumnReader[] columns;

  /** The class-index argument's reader, or null. */
  private final NumberReader index;

  private final NumberReader sampleWeight;

  /** Per argument, then the sample weight: the ordinal in the row. */
  private final int[] ordinals;

  private transient String nullColumn;
  private transient int nullIndex;

  /**
   * @param columns per argument, its reader, or null for the class-index argument
   * @param index the class-index argument's reader, or null
   * @param sampleWeight the sample weight, or null when there is none
   */
  RowReader(ColumnReader[] columns, NumberReader index, NumberReader sampleWeight) {
    this(columns, index, sampleWeight, sequence(columns.length + 1));
  }

  private RowReader(
      ColumnReader[] columns, NumberReader index, NumberReader sampleWeight, int[] ordinals) {
    this.columns = columns.clone();
    this.index = index;
    this.sampleWeight = sampleWeight;
    this.ordinals = ordinals;
  }

  private static int[] sequence(int n) {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = i;
    }
    return s;
  }

  /**
   * This reader with the arguments, then the sample weight, at the given ordinals of the row (the
   * last is ignored when there is no sample weight).
   */
  RowReader at(int[] at) {
    int[] o = sequence(columns.length + 1);
    System.arraycopy(at, 0, o, 0, Math.min(at.length, o.length));
    return new RowReader(columns, index, sampleWeight, o);
  }

  /** Reads {@code in} into {@code r}. */
  Status read(InternalRow in, RowInput r) {
    return read(in, r, null);
  }

  /**
   * Reads {@code in} into {@code r}, taking vector columns from {@code decoded} when it is not null
   * (they are decoded there on first use in the row, and {@code r} then shares their arrays).
   */
  Status read(InternalRow in, RowInput r, DecodedColumns decoded) {
    int args = columns.length;
    for (int i = 0; i < args; i++) {
      if (in.isNullAt(ordinals[i])) {
        return Status.NULL_ROW;
      }
    }
    if (sampleWeight != null && in.isNullAt(ordinals[args])) {
      return Status.NULL_ROW;
    }
    for (int i = 0; i < args; i++) {
      ColumnReader c = columns[i];
      if (c == null) {
        r.indexIsDouble = !index.isIntegral();
        if (r.indexIsDouble) {
          r.indexAsDouble = index.getDouble(in, ordinals[i]);
        } else {
          r.index = index.getLong(in, ordinals[i]);
        }
        continue;
      }
      int at = readVector(c, in, ordinals[i], r, i, decoded);
      if (at >= 0) {
        nullColumn = c.column;
        nullIndex = at;
        return Status.NULL_ELEMENT;
      }
    }
    r.sampleWeight = sampleWeight == null ? 1.0 : sampleWeight.getDouble(in, ordinals[args]);
    return Status.OK;
  }

  /**
   * Reads the column at {@code ordinal} into argument {@code slot} of {@code r}, straight or
   * through {@code decoded}, whose arrays {@code r} then shares.
   *
   * @return -1, or the index of a null element found inside an array
   */
  private static int readVector(
      ColumnReader reader,
      InternalRow in,
      int ordinal,
      RowInput r,
      int slot,
      DecodedColumns decoded) {
    if (decoded == null) {
      return reader.read(in, ordinal, r, slot);
    }
    int at = decoded.read(reader, in, ordinal);
    double[] values = decoded.values(ordinal);
    int size = decoded.size(ordinal);
    switch (slot) {
      case 0:
        r.x = values;
        r.n = size;
        break;
      case 1:
        r.t = values;
        r.tn = size;
        break;
      default:
        r.u = values;
        r.un = size;
        break;
    }
    return at;
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
