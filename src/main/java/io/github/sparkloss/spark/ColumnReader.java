package io.github.sparkloss.spark;

import io.github.sparkloss.eval.RowInput;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.UserDefinedType;
import org.apache.spark.unsafe.Platform;

/**
 * Reads one vector column of Spark's internal row straight into a {@link RowInput} array: {@code
 * array<float>} (widened element by element, no intermediate copy), {@code array<double>}, or an
 * MLlib vector, dense or sparse, read from its internal struct without building a {@code Vector}
 * object. Scalar columns are read as one-element vectors.
 */
final class ColumnReader implements Serializable {
  private static final long serialVersionUID = 1L;

  enum Kind {
    FLOAT_ARRAY,
    DOUBLE_ARRAY,
    /** {@code array<int>} or {@code array<bigint>}: class indices, read as whole doubles. */
    INTEGER_ARRAY,
    ML_VECTOR,
    SCALAR
  }

  /**
   * Field ordinals and type tags of MLlib's VectorUDT struct {@code (type, size, indices, values)}.
   */
  private static final int VECTOR_FIELDS = 4;

  private static final byte SPARSE = 0;

  final Kind kind;
  final String column;
  private final boolean containsNull;
  private final NumberReader scalar;

  private ColumnReader(Kind kind, String column, boolean containsNull, NumberReader scalar) {
    this.kind = kind;
    this.column = column;
    this.containsNull = containsNull;
    this.scalar = scalar;
  }

  /**
   * A reader for {@code type}, or null when the type is not a vector or scalar number. Integer
   * arrays are read too; only arguments of class indices accept them.
   */
  static ColumnReader forType(DataType type, String column) {
    if (type instanceof ArrayType) {
      ArrayType at = (ArrayType) type;
      if (at.elementType() == DataTypes.FloatType) {
        return new ColumnReader(Kind.FLOAT_ARRAY, column, at.containsNull(), null);
      }
      if (at.elementType() == DataTypes.DoubleType) {
        return new ColumnReader(Kind.DOUBLE_ARRAY, column, at.containsNull(), null);
      }
      NumberReader element = NumberReader.forType(at.elementType());
      if (element != null && element.isIntegral()) {
        return new ColumnReader(Kind.INTEGER_ARRAY, column, at.containsNull(), element);
      }
      return null;
    }
    if (isMlVector(type)) {
      return new ColumnReader(Kind.ML_VECTOR, column, false, null);
    }
    NumberReader number = NumberReader.forType(type);
    if (number != null) {
      return new ColumnReader(Kind.SCALAR, column, false, number);
    }
    return null;
  }

  /** MLlib's {@code VectorUDT}, of either the ml or the older mllib package. */
  static boolean isMlVector(DataType type) {
    return type instanceof UserDefinedType && type.getClass().getSimpleName().equals("VectorUDT");
  }

  boolean isVector() {
    return kind != Kind.SCALAR;
  }

  /** Whether the column is an integer array (class indices). */
  boolean isIntegerArray() {
    return kind == Kind.INTEGER_ARRAY;
  }

  /**
   * Reads the non-null value at {@code ordinal} into argument {@code slot} of {@code r}.
   *
   * @return -1, or the index of a null element found inside an array
   */
  int read(InternalRow row, int ordinal, RowInput r, int slot) {
    switch (kind) {
      case SCALAR:
        {
          double[] dst = r.slot(slot, 1);
          dst[0] = scalar.getDouble(row, ordinal);
          return -1;
        }
      case FLOAT_ARRAY:
        {
          ArrayData a = row.getArray(ordinal);
          int n = a.numElements();
          double[] dst = r.slot(slot, n);
          if (a instanceof UnsafeArrayData && !(containsNull && hasNull((UnsafeArrayData) a, n))) {
            // Spark's own layout: read the values in place, widening as they come.
            UnsafeArrayData u = (UnsafeArrayData) a;
            Object base = u.getBaseObject();
            long at = u.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n);
            for (int i = 0; i < n; i++) {
              dst[i] = Platform.getFloat(base, at + 4L * i);
            }
            return -1;
          }
          for (int i = 0; i < n; i++) {
            if (containsNull && a.isNullAt(i)) {
              return i;
            }
            dst[i] = a.getFloat(i);
          }
          return -1;
        }
      case DOUBLE_ARRAY:
        {
          ArrayData a = row.getArray(ordinal);
          int n = a.numElements();
          double[] dst = r.slot(slot, n);
          if (a instanceof UnsafeArrayData && !(containsNull && hasNull((UnsafeArrayData) a, n))) {
            UnsafeArrayData u = (UnsafeArrayData) a;
            long at = u.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n);
            Platform.copyMemory(u.getBaseObject(), at, dst, Platform.DOUBLE_ARRAY_OFFSET, 8L * n);
            return -1;
          }
          for (int i = 0; i < n; i++) {
            if (containsNull && a.isNullAt(i)) {
              return i;
            }
            dst[i] = a.getDouble(i);
          }
          return -1;
        }
      case INTEGER_ARRAY:
        {
          ArrayData a = row.getArray(ordinal);
          int n = a.numElements();
          double[] dst = r.slot(slot, n);
          for (int i = 0; i < n; i++) {
            if (containsNull && a.isNullAt(i)) {
              return i;
            }
            dst[i] = scalar.getArrayDouble(a, i);
          }
          return -1;
        }
      case ML_VECTOR:
        readVector(row.getStruct(ordinal, VECTOR_FIELDS), r, slot);
        return -1;
      default:
        throw new IllegalStateException(kind.toString());
    }
  }

  /** Whether any of the {@code n} null bits of an unsafe array is set (8 bytes at a time). */
  private static boolean hasNull(UnsafeArrayData u, int n) {
    Object base = u.getBaseObject();
    long bits = u.getBaseOffset() + 8;
    for (int w = 0, words = (n + 63) / 64; w < words; w++) {
      if (Platform.getLong(base, bits + 8L * w) != 0L) {
        return true;
      }
    }
    return false;
  }

  private static void readVector(InternalRow v, RowInput r, int slot) {
    ArrayData values = v.getArray(3);
    if (v.getByte(0) == SPARSE) {
      int size = v.getInt(1);
      ArrayData indices = v.getArray(2);
      double[] dst = r.slot(slot, size);
      java.util.Arrays.fill(dst, 0, size, 0.0);
      int nnz = indices.numElements();
      for (int i = 0; i < nnz; i++) {
        dst[indices.getInt(i)] = values.getDouble(i);
      }
    } else {
      int n = values.numElements();
      double[] dst = r.slot(slot, n);
      for (int i = 0; i < n; i++) {
        dst[i] = values.getDouble(i);
      }
    }
  }
}
