package io.github.sparkloss.spark;

import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.LossResult;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.state.LossState;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.DataType;

/**
 * The Spark aggregate of one bound loss: reads Spark's {@link InternalRow} into a reused {@link
 * RowInput} and hands it to the {@link BoundLoss}; the partial state is a {@link LossState}. It
 * runs inside Catalyst's {@code V2Aggregator}, so no row is converted to Java objects.
 */
final class LossAggregate implements AggregateFunction<LossState, Object> {
  private static final long serialVersionUID = 1L;

  private final LossCall call;
  private final BoundLoss bound;
  private final ColumnReader input;
  private final ColumnReader target;
  private final boolean classIndexTarget;
  private final boolean indexIsLong;
  private final boolean hasSampleWeight;

  private transient RowInput row;

  LossAggregate(LossCall call) {
    this.call = call;
    this.bound = call.bound();
    this.input = call.inputReader();
    this.target = call.targetReader();
    this.classIndexTarget = call.classIndexTarget();
    this.indexIsLong = call.indexIsLong();
    this.hasSampleWeight = call.hasSampleWeight();
  }

  @Override
  public String name() {
    return call.functionName();
  }

  @Override
  public DataType[] inputTypes() {
    return call.deliveredTypes();
  }

  @Override
  public DataType resultType() {
    return Results.type(call.output());
  }

  @Override
  public boolean isResultNullable() {
    return call.output() != Output.VALUE;
  }

  @Override
  public LossState newAggregationState() {
    return bound.newState();
  }

  @Override
  public LossState update(LossState state, InternalRow in) {
    if (in.isNullAt(0) || in.isNullAt(1) || (hasSampleWeight && in.isNullAt(2))) {
      bound.addNullRow(state);
      return state;
    }
    RowInput r = row;
    if (r == null) {
      r = row = new RowInput();
    }
    if (readRow(in, r, state)) {
      bound.add(state, r);
    }
    return state;
  }

  /** Fills {@code r}; false when the row was counted as bad (a null element). */
  private boolean readRow(InternalRow in, RowInput r, LossState state) {
    int nullAt = input.read(in, 0, r, false);
    if (nullAt >= 0) {
      bound.addNullElementRow(state, input.column, nullAt);
      return false;
    }
    if (classIndexTarget) {
      r.indexIsDouble = !indexIsLong;
      if (indexIsLong) {
        r.index = in.getLong(1);
      } else {
        r.indexAsDouble = in.getDouble(1);
      }
    } else {
      nullAt = target.read(in, 1, r, true);
      if (nullAt >= 0) {
        bound.addNullElementRow(state, target.column, nullAt);
        return false;
      }
    }
    r.sampleWeight = hasSampleWeight ? in.getDouble(2) : 1.0;
    return true;
  }

  @Override
  public LossState merge(LossState left, LossState right) {
    return bound.merge(left, right);
  }

  @Override
  public Object produceResult(LossState state) {
    if (call.output() == Output.VALUE) {
      return bound.value(state);
    }
    LossResult result = bound.result(state);
    return call.output() == Output.STATS ? Results.stats(result) : Results.perClass(result);
  }
}
