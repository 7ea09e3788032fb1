package io.github.sparkloss.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;

/**
 * Reads a numeric column of Spark's internal row with the getter of its own type, so that the
 * aggregate asks for no cast and its arguments stay plain column references.
 */
final class NumberReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private enum Kind {
    BYTE,
    SHORT,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    DECIMAL
  }

  private final Kind kind;
  private final int precision;
  private final int scale;

  private NumberReader(Kind kind, int precision, int scale) {
    this.kind = kind;
    this.precision = precision;
    this.scale = scale;
  }

  /** A reader for {@code type}, or null when it is not a number. */
  static NumberReader forType(DataType type) {
    if (type instanceof ByteType) {
      return new NumberReader(Kind.BYTE, 0, 0);
    }
    if (type instanceof ShortType) {
      return new NumberReader(Kind.SHORT, 0, 0);
    }
    if (type instanceof IntegerType) {
      return new NumberReader(Kind.INT, 0, 0);
    }
    if (type instanceof LongType) {
      return new NumberReader(Kind.LONG, 0, 0);
    }
    if (type instanceof FloatType) {
      return new NumberReader(Kind.FLOAT, 0, 0);
    }
    if (type instanceof DoubleType) {
      return new NumberReader(Kind.DOUBLE, 0, 0);
    }
    if (type instanceof DecimalType) {
      DecimalType d = (DecimalType) type;
      return new NumberReader(Kind.DECIMAL, d.precision(), d.scale());
    }
    return null;
  }

  /** Whether the column holds integers, read exactly by {@link #getLong}. */
  boolean isIntegral() {
    return kind == Kind.BYTE || kind == Kind.SHORT || kind == Kind.INT || kind == Kind.LONG;
  }

  long getLong(InternalRow row, int ordinal) {
    switch (kind) {
      case BYTE:
        return row.getByte(ordinal);
      case SHORT:
        return row.getShort(ordinal);
      case INT:
        return row.getInt(ordinal);
      case LONG:
        return row.getLong(ordinal);
      default:
        throw new IllegalStateException(kind + " is not integral");
    }
  }

  double getDouble(InternalRow row, int ordinal) {
    switch (kind) {
      case BYTE:
        return row.getByte(ordinal);
      case SHORT:
        return row.getShort(ordinal);
      case INT:
        return row.getInt(ordinal);
      case LONG:
        return row.getLong(ordinal);
      case FLOAT:
        return row.getFloat(ordinal);
      case DOUBLE:
        return row.getDouble(ordinal);
      case DECIMAL:
        return row.getDecimal(ordinal, precision, scale).toDouble();
      default:
        throw new IllegalStateException(kind.toString());
    }
  }

  /** Integer element {@code i} of an array as a double (long values beyond 2^53 round). */
  double getArrayDouble(org.apache.spark.sql.catalyst.util.ArrayData a, int i) {
    switch (kind) {
      case BYTE:
        return a.getByte(i);
      case SHORT:
        return a.getShort(i);
      case INT:
        return a.getInt(i);
      case LONG:
        return a.getLong(i);
      default:
        throw new IllegalStateException(kind + " is not integral");
    }
  }
}
