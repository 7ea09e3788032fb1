package io.github.sparkloss.bench;

import io.github.sparkloss.shim.ScalaShim;
import java.io.Serializable;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Connector {@link AggregateFunction}s that run inside Catalyst's {@code V2Aggregator} exactly as
 * sparkloss's {@code LossAggregate} does, but do less per row. They split the cost of the sparkloss
 * query into its parts:
 *
 * <ul>
 *   <li>{@code v2_noop(logits, label)} counts rows and touches nothing: the price of the mechanism
 *       alone (ObjectHashAggregate's iterator, {@code V2Aggregator.update}'s {@code
 *       UnsafeProjection} of the arguments, the virtual call);
 *   <li>{@code v2_read(logits, label)} also reads the array into a reused {@code double[]} the way
 *       {@code ColumnReader} does, and the label, and keeps a plain sum so the read cannot be
 *       dropped: the price of getting the row's numbers out of Spark.
 * </ul>
 *
 * What sparkloss costs beyond {@code v2_read} is the loss itself: {@code BoundLoss} checks, the
 * log-sum-exp kernel and the two exact sums.
 */
final class ProbeAggregates {
  private ProbeAggregates() {}

  /** Registers {@code v2_noop} and {@code v2_read} in a session's function registry. */
  static void register(SparkSessionExtensions extensions) {
    inject(extensions, "v2_noop", false);
    inject(extensions, "v2_read", true);
  }

  private static void inject(SparkSessionExtensions extensions, String name, boolean read) {
    ExpressionInfo info =
        new ExpressionInfo(
            ProbeAggregates.class.getName(),
            null,
            name,
            name + "(logits, label) - benchmark probe",
            "");
    ScalaShim.injectFunction(
        extensions,
        name,
        info,
        children -> {
          DataType[] types = new DataType[children.size()];
          for (int i = 0; i < types.length; i++) {
            types[i] = children.get(i).dataType();
          }
          return ScalaShim.v2Aggregator(new Probe(name, types, read), children);
        });
  }

  /** The probes' state: a row count and a sum of what was read. */
  static final class Counter implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    double sum;
  }

  /** One probe aggregate; see the class comment. */
  static final class Probe implements AggregateFunction<Counter, Double> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final DataType[] types;
    private final boolean read;
    private final boolean floats;
    private transient double[] x;

    Probe(String name, DataType[] types, boolean read) {
      this.name = name;
      this.types = types;
      this.read = read;
      this.floats =
          types[0] instanceof ArrayType
              && ((ArrayType) types[0]).elementType() == DataTypes.FloatType;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public DataType[] inputTypes() {
      return types;
    }

    @Override
    public DataType resultType() {
      return DataTypes.DoubleType;
    }

    @Override
    public Counter newAggregationState() {
      return new Counter();
    }

    @Override
    public Counter update(Counter state, InternalRow in) {
      state.rows++;
      if (!read || in.isNullAt(0) || in.isNullAt(1)) {
        return state;
      }
      ArrayData a = in.getArray(0);
      int n = a.numElements();
      double[] dst = x;
      if (dst == null || dst.length < n) {
        dst = x = new double[Math.max(16, n)];
      }
      if (floats) {
        for (int i = 0; i < n; i++) {
          dst[i] = a.getFloat(i);
        }
      } else {
        for (int i = 0; i < n; i++) {
          dst[i] = a.getDouble(i);
        }
      }
      int y = in.getInt(1);
      state.sum += dst[Math.floorMod(y, n)];
      return state;
    }

    @Override
    public Counter merge(Counter a, Counter b) {
      a.rows += b.rows;
      a.sum += b.sum;
      return a;
    }

    @Override
    public Double produceResult(Counter state) {
      return read ? state.sum : (double) state.rows;
    }
  }
}
