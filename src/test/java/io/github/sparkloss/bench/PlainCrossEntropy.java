package io.github.sparkloss.bench;

import io.github.sparkloss.kernel.CrossEntropy;
import io.github.sparkloss.shim.ScalaShim;
import io.github.sparkloss.spark.LossAggregator;
import java.io.Serializable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code ce_plain(logits, label)}: sparkloss's {@code cross_entropy(logits, label)} (class index,
 * ignore_index -100, reduction mean, no weights) as a connector {@link AggregateFunction} run
 * through sparkloss's own {@link LossAggregator}, which reads each row in place, with the same
 * kernel {@link CrossEntropy#indexLoss}, but summing the loss and the denominator into two plain
 * {@code double}s instead of {@code ExactSum}s. The bench's {@code plain} variant: {@code sparkloss
 * / plain} is the in-query cost of exact summation (plus {@code BoundLoss}'s per-row checks and
 * counters, which this class keeps to a minimum: null rows, ignored rows, a label range check).
 */
final class PlainCrossEntropy {
  static final String NAME = "ce_plain";

  private PlainCrossEntropy() {}

  /** Registers {@code ce_plain} in {@code spark}'s function registry (an existing session too). */
  static void register(SparkSession spark) {
    ExpressionInfo info =
        new ExpressionInfo(
            PlainCrossEntropy.class.getName(),
            null,
            NAME,
            NAME + "(logits, label) - cross_entropy with plain double sums (benchmark)",
            "");
    SparkSessionExtensions extensions = new SparkSessionExtensions();
    ScalaShim.injectFunction(
        extensions,
        NAME,
        info,
        children -> {
          DataType[] types = new DataType[children.size()];
          for (int i = 0; i < types.length; i++) {
            types[i] = children.get(i).dataType();
          }
          return new LossAggregator<>(new Fn(types), children, 0, 0);
        });
    extensions.registerFunctions(spark.sessionState().functionRegistry());
  }

  /** Loss sum, weight sum and counters in plain primitives. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    double loss;
    double weight;
    long rows;
    long ignored;
    long nulls;
  }

  /** The aggregate function; see the class comment. */
  static final class Fn implements AggregateFunction<State, Double> {
    private static final long serialVersionUID = 1L;
    private final DataType[] types;
    private final boolean floats;
    private transient double[] x;

    Fn(DataType[] types) {
      if (types.length != 2
          || !(types[0] instanceof ArrayType)
          || types[1] != DataTypes.IntegerType) {
        throw new IllegalArgumentException(NAME + " takes (array<float|double>, int)");
      }
      this.types = types;
      this.floats = ((ArrayType) types[0]).elementType() == DataTypes.FloatType;
    }

    @Override
    public String name() {
      return NAME;
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
    public State newAggregationState() {
      return new State();
    }

    @Override
    public State update(State s, InternalRow in) {
      if (in.isNullAt(0) || in.isNullAt(1)) {
        s.nulls++;
        return s;
      }
      int y = in.getInt(1);
      if (y == -100) {
        s.ignored++;
        return s;
      }
      ArrayData a = in.getArray(0);
      int n = a.numElements();
      if (y < 0 || y >= n) {
        throw new IllegalArgumentException(NAME + ": label " + y + " outside [0, " + n + ")");
      }
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
      s.loss += CrossEntropy.indexLoss(dst, n, y, null, 0.0);
      s.weight += 1.0;
      s.rows++;
      return s;
    }

    @Override
    public State merge(State a, State b) {
      a.loss += b.loss;
      a.weight += b.weight;
      a.rows += b.rows;
      a.ignored += b.ignored;
      a.nulls += b.nulls;
      return a;
    }

    @Override
    public Double produceResult(State s) {
      return s.loss / s.weight;
    }
  }
}
