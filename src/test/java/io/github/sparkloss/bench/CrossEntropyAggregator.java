package io.github.sparkloss.bench;

import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.TargetKind;
import io.github.sparkloss.state.LossState;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * The typed-{@link Aggregator} alternative to sparkloss's connector {@code AggregateFunction}: the
 * same {@code cross_entropy(logits, label)} (class-index target, reduction mean), computed by the
 * same {@link BoundLoss} into the same {@link LossState}, so that a benchmark comparing the two
 * measures only the integration mechanism ({@code functions.udaf} and its input encoder against
 * {@code V2Aggregator} over {@code InternalRow}), not the arithmetic.
 *
 * <p>Registered with {@code spark.udf().register(name, functions.udaf(agg, agg.inputEncoder()))}
 * and called as {@code name(logits, label)}. Three input representations are offered, because the
 * input encoder is where the Aggregator API pays: a bean holding {@code float[]} or {@code
 * double[]} (one bean and one primitive array per row; the array is a bulk copy out of {@code
 * UnsafeArrayData}), and a generic {@link Row} (one {@code Row}, one Scala sequence and one boxed
 * number per element per row).
 *
 * @param <I> the input type the encoder produces per row
 */
public abstract class CrossEntropyAggregator<I> extends Aggregator<I, LossState, Double> {
  private static final long serialVersionUID = 1L;

  /** The bound loss, the same call sparkloss's {@code cross_entropy(logits, label)} binds. */
  private final BoundLoss bound =
      BoundLoss.bind(
          LossOptions.defaults(Loss.fromSqlName("cross_entropy")),
          TargetKind.CLASS_INDEX,
          BoundLoss.ColumnNames.of("logits", "label", null),
          false,
          false);

  /** Reused per-row scratch; one aggregator instance serves one task thread. */
  private transient RowInput row;

  private CrossEntropyAggregator() {}

  /** The encoder of the input, to pass to {@code functions.udaf}. */
  public abstract Encoder<I> inputEncoder();

  /**
   * Copies one input row into {@code r}.
   *
   * @return false when the logits or the label are null (the row is counted as a null row)
   */
  abstract boolean fill(I in, RowInput r);

  @Override
  public LossState zero() {
    return bound.newState();
  }

  @Override
  public LossState reduce(LossState state, I in) {
    RowInput r = row;
    if (r == null) {
      r = row = new RowInput();
    }
    if (in == null || !fill(in, r)) {
      bound.addNullRow(state);
      return state;
    }
    bound.add(state, r);
    return state;
  }

  @Override
  public LossState merge(LossState a, LossState b) {
    return bound.merge(a, b);
  }

  @Override
  public Double finish(LossState state) {
    return bound.value(state);
  }

  @Override
  public Encoder<LossState> bufferEncoder() {
    return Encoders.javaSerialization(LossState.class);
  }

  @Override
  public Encoder<Double> outputEncoder() {
    return Encoders.DOUBLE();
  }

  /** An aggregator over {@code (logits array<float>, label int)} read as {@link FloatInput}. */
  public static CrossEntropyAggregator<FloatInput> floatBeans() {
    return new CrossEntropyAggregator<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public Encoder<FloatInput> inputEncoder() {
        return Encoders.bean(FloatInput.class);
      }

      @Override
      boolean fill(FloatInput in, RowInput r) {
        float[] a = in.getLogits();
        if (a == null) {
          return false;
        }
        double[] x = r.input(a.length);
        for (int i = 0; i < a.length; i++) {
          x[i] = a[i];
        }
        r.indexIsDouble = false;
        r.index = in.getTarget();
        r.sampleWeight = 1.0;
        return true;
      }
    };
  }

  /** An aggregator over {@code (logits array<double>, label int)} read as {@link DoubleInput}. */
  public static CrossEntropyAggregator<DoubleInput> doubleBeans() {
    return new CrossEntropyAggregator<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public Encoder<DoubleInput> inputEncoder() {
        return Encoders.bean(DoubleInput.class);
      }

      @Override
      boolean fill(DoubleInput in, RowInput r) {
        double[] a = in.getLogits();
        if (a == null) {
          return false;
        }
        System.arraycopy(a, 0, r.input(a.length), 0, a.length);
        r.indexIsDouble = false;
        r.index = in.getTarget();
        r.sampleWeight = 1.0;
        return true;
      }
    };
  }

  /**
   * An aggregator over generic rows {@code (logits array<float|double>, label int)}: {@code
   * Encoders.row(schema)}, elements boxed.
   */
  public static CrossEntropyAggregator<Row> rows(org.apache.spark.sql.types.StructType schema) {
    return new CrossEntropyAggregator<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public Encoder<Row> inputEncoder() {
        return Encoders.row(schema);
      }

      @Override
      boolean fill(Row in, RowInput r) {
        if (in.isNullAt(0) || in.isNullAt(1)) {
          return false;
        }
        List<Object> a = in.getList(0);
        int n = a.size();
        double[] x = r.input(n);
        for (int i = 0; i < n; i++) {
          x[i] = ((Number) a.get(i)).doubleValue();
        }
        r.indexIsDouble = false;
        r.index = in.getInt(1);
        r.sampleWeight = 1.0;
        return true;
      }
    };
  }

  /**
   * Bean input with {@code float[]} logits. Bean properties are ordered by name, and the udaf binds
   * its arguments by position, so the properties are named {@code logits} and {@code target} to
   * keep the call order {@code (logits, label)}.
   */
  public static final class FloatInput implements Serializable {
    private static final long serialVersionUID = 1L;
    private float[] logits;
    private int target;

    public float[] getLogits() {
      return logits;
    }

    public void setLogits(float[] logits) {
      this.logits = logits;
    }

    public int getTarget() {
      return target;
    }

    public void setTarget(int target) {
      this.target = target;
    }
  }

  /** Bean input with {@code double[]} logits; see {@link FloatInput} for the property names. */
  public static final class DoubleInput implements Serializable {
    private static final long serialVersionUID = 1L;
    private double[] logits;
    private int target;

    public double[] getLogits() {
      return logits;
    }

    public void setLogits(double[] logits) {
      this.logits = logits;
    }

    public int getTarget() {
      return target;
    }

    public void setTarget(int target) {
      this.target = target;
    }
  }
}
