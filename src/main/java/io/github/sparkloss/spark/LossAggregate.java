package io.github.sparkloss.spark;

import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.LossResult;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.state.LossState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.DataType;

/**
 * The Spark aggregate of one bound loss: reads Spark's {@link InternalRow} into a reused {@link
 * RowInput} and hands it to the {@link BoundLoss}; the partial state is a {@link LossState}. It
 * runs inside Catalyst's {@code V2Aggregator}, so no row is converted to Java objects.
 */
final class LossAggregate
    implements AggregateFunction<LossState, Object>, StateCodec<LossState>, FusableAggregate {
  private static final long serialVersionUID = 1L;

  private final LossCall call;
  private final BoundLoss bound;
  private final RowReader reader;

  private transient RowInput row;

  LossAggregate(LossCall call) {
    this.call = call;
    this.bound = call.bound();
    this.reader = call.rowReader();
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
    RowInput r = row;
    if (r == null) {
      r = row = new RowInput();
    }
    add(bound, reader, reader.read(in, r), state, r);
    return state;
  }

  /** Adds a row that {@code reader} read with {@code status} into {@code state}. */
  static void add(
      BoundLoss bound, RowReader reader, RowReader.Status status, LossState state, RowInput r) {
    switch (status) {
      case OK:
        bound.add(state, r);
        break;
      case NULL_ROW:
        bound.addNullRow(state);
        break;
      default:
        bound.addNullElementRow(state, reader.nullColumn(), reader.nullIndex());
        break;
    }
  }

  @Override
  public void write(LossState state, DataOutput out) throws IOException {
    state.writeTo(out);
  }

  @Override
  public LossState read(DataInput in) throws IOException {
    return LossState.readFrom(in);
  }

  @Override
  public LossState merge(LossState left, LossState right) {
    return bound.merge(left, right);
  }

  @Override
  public Object produceResult(LossState state) {
    return result(call, state);
  }

  /** The SQL result of {@code call} for its final state. */
  static Object result(LossCall call, LossState state) {
    BoundLoss bound = call.bound();
    if (call.output() == Output.VALUE) {
      return bound.value(state);
    }
    LossResult result = bound.result(state);
    return call.output() == Output.STATS ? Results.stats(result) : Results.perClass(result);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LossAggregate && ((LossAggregate) o).call.equals(call);
  }

  @Override
  public int hashCode() {
    return call.hashCode();
  }

  @Override
  public LossCall call() {
    return call;
  }
}
