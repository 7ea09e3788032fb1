package io.github.sparkloss.spark;

import io.github.sparkloss.eval.RowInput;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The vector columns of one input row, each decoded at most once however many losses read it. The
 * fused aggregate of several losses calls {@link #nextRow()} before handing the row to each loss's
 * {@link RowReader}; the losses then share the decoded arrays, which the kernels only read.
 */
final class DecodedColumns {
  private final RowInput[] holders;
  private final int[] nullAt;
  private final boolean[] decoded;

  /** Room for the row's {@code width} columns. */
  DecodedColumns(int width) {
    holders = new RowInput[width];
    nullAt = new int[width];
    decoded = new boolean[width];
  }

  /** Forgets the previous row's values. */
  void nextRow() {
    Arrays.fill(decoded, false);
  }

  /**
   * Decodes the non-null column at {@code ordinal} with {@code reader}, unless this row's column
   * was already decoded.
   *
   * @return -1, or the index of a null element found inside the array
   */
  int read(ColumnReader reader, InternalRow row, int ordinal) {
    if (!decoded[ordinal]) {
      RowInput h = holders[ordinal];
      if (h == null) {
        h = holders[ordinal] = new RowInput();
      }
      nullAt[ordinal] = reader.read(row, ordinal, h, 0);
      decoded[ordinal] = true;
    }
    return nullAt[ordinal];
  }

  /** The decoded values of the column at {@code ordinal}; {@link #size} of them are used. */
  double[] values(int ordinal) {
    return holders[ordinal].x;
  }

  /** The number of values of the column at {@code ordinal}. */
  int size(int ordinal) {
    return holders[ordinal].n;
  }
}
