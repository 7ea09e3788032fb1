package io.github.sparkloss.spark;

import io.github.sparkloss.eval.LossResult;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The SQL result types of the loss functions and the conversion of a {@link LossResult}. */
public final class Results {
  private Results() {}

  /** {@code struct<class:int, value:double, loss_sum:double, weight_sum:double, rows:bigint>}. */
  public static final StructType CLASS_TYPE =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("class", DataTypes.IntegerType, false),
            DataTypes.createStructField("value", DataTypes.DoubleType, false),
            DataTypes.createStructField("loss_sum", DataTypes.DoubleType, false),
            DataTypes.createStructField("weight_sum", DataTypes.DoubleType, false),
            DataTypes.createStructField("rows", DataTypes.LongType, false)
          });

  /** The per-class breakdown: one struct per class, in class order. */
  public static final DataType PER_CLASS_TYPE = DataTypes.createArrayType(CLASS_TYPE, false);

  /**
   * A class in the stats: {@link #CLASS_TYPE} and the class's {@code std_error}, {@code ci_low} and
   * {@code ci_high} over its own rows.
   */
  public static final StructType STATS_CLASS_TYPE =
      CLASS_TYPE
          .add("std_error", DataTypes.DoubleType, false)
          .add("ci_low", DataTypes.DoubleType, false)
          .add("ci_high", DataTypes.DoubleType, false);

  /** The stats' per-class breakdown. */
  public static final DataType STATS_PER_CLASS_TYPE =
      DataTypes.createArrayType(STATS_CLASS_TYPE, false);

  /**
   * {@code struct<value, loss_sum, weight_sum, rows, ignored_rows, null_rows, bad_rows, per_class,
   * std_error, ci_low, ci_high>}; per_class is null unless asked for with {@code per_class =>
   * true}. The interval is {@code value -+ z * std_error} at the call's {@code confidence}.
   */
  public static final StructType STATS_TYPE =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("value", DataTypes.DoubleType, false),
            DataTypes.createStructField("loss_sum", DataTypes.DoubleType, false),
            DataTypes.createStructField("weight_sum", DataTypes.DoubleType, false),
            DataTypes.createStructField("rows", DataTypes.LongType, false),
            DataTypes.createStructField("ignored_rows", DataTypes.LongType, false),
            DataTypes.createStructField("null_rows", DataTypes.LongType, false),
            DataTypes.createStructField("bad_rows", DataTypes.LongType, false),
            DataTypes.createStructField("per_class", STATS_PER_CLASS_TYPE, true),
            DataTypes.createStructField("std_error", DataTypes.DoubleType, false),
            DataTypes.createStructField("ci_low", DataTypes.DoubleType, false),
            DataTypes.createStructField("ci_high", DataTypes.DoubleType, false)
          });

  static DataType type(Output output) {
    switch (output) {
      case VALUE:
        return DataTypes.DoubleType;
      case PER_CLASS:
        return PER_CLASS_TYPE;
      case STATS:
        return STATS_TYPE;
      default:
        throw new IllegalStateException(output.toString());
    }
  }

  static InternalRow stats(LossResult r) {
    return new GenericInternalRow(
        new Object[] {
          r.value(),
          r.lossSum(),
          r.weightSum(),
          r.rows(),
          r.ignoredRows(),
          r.nullRows(),
          r.badRows(),
          r.perClass() == null ? null : statsPerClass(r),
          r.stdError(),
          r.ciLow(),
          r.ciHigh()
        });
  }

  /** The per-class breakdown as {@link #PER_CLASS_TYPE}. */
  static ArrayData perClass(LossResult r) {
    return classes(r, false);
  }

  /** The stats' per-class breakdown, {@link #STATS_PER_CLASS_TYPE}: with each class's interval. */
  static ArrayData statsPerClass(LossResult r) {
    return classes(r, true);
  }

  private static ArrayData classes(LossResult r, boolean withInterval) {
    List<LossResult.ClassResult> classes = r.perClass();
    Object[] rows = new Object[classes.size()];
    for (int i = 0; i < rows.length; i++) {
      LossResult.ClassResult c = classes.get(i);
      Object[] fields = new Object[withInterval ? 8 : 5];
      fields[0] = c.classIndex();
      fields[1] = c.value();
      fields[2] = c.lossSum();
      fields[3] = c.weightSum();
      fields[4] = c.rows();
      if (withInterval) {
        fields[5] = c.stdError();
        fields[6] = c.ciLow();
        fields[7] = c.ciHigh();
      }
      rows[i] = new GenericInternalRow(fields);
    }
    return new GenericArrayData(rows);
  }
}
