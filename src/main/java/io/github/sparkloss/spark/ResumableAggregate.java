package io.github.sparkloss.spark;

import io.github.sparkloss.state.LossState;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The stats of a loss resumed from kept partial states: a row whose state column holds the binary
 * form of a {@link LossState} is merged into the group's state, any other row is read and added as
 * {@code _stats} adds it. The result is the stats together with the merged state, so an evaluation
 * can keep its states and later add only new rows, with results bit for bit those of evaluating
 * every row at once (the merge is exact and independent of order).
 */
final class ResumableAggregate
    implements AggregateFunction<LossState, InternalRow>, StateCodec<LossState>, FusableAggregate {
  private static final long serialVersionUID = 1L;

  /** {@code struct<result: stats, state: binary>}. */
  static final StructType RESULT_TYPE =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("result", Results.STATS_TYPE, false),
            DataTypes.createStructField("state", DataTypes.BinaryType, false)
          });

  static final String CANNOT_RESUME = "cannot resume from a kept state";

  private final LossCall call;

  /** The call's plain aggregate, which adds the rows that carry no kept state. */
  private final LossAggregate plain;

  private final int stateOrdinal;

  ResumableAggregate(LossCall call) {
    this.call = call;
    this.plain = new LossAggregate(call);
    this.stateOrdinal = call.stateOrdinal();
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
    return RESULT_TYPE;
  }

  @Override
  public boolean isResultNullable() {
    return false;
  }

  @Override
  public LossState newAggregationState() {
    return plain.newAggregationState();
  }

  @Override
  public LossState update(LossState state, InternalRow in) {
    if (!in.isNullAt(stateOrdinal)) {
      return plain.merge(state, kept(call, in.getBinary(stateOrdinal)));
    }
    return plain.update(state, in);
  }

  @Override
  public LossState merge(LossState left, LossState right) {
    return plain.merge(left, right);
  }

  @Override
  public InternalRow produceResult(LossState state) {
    return result(call, state);
  }

  /** The result of a resumable {@code call}: its stats and the state to keep. */
  static InternalRow result(LossCall call, LossState state) {
    return new GenericInternalRow(new Object[] {LossAggregate.result(call, state), toBytes(state)});
  }

  @Override
  public void write(LossState state, DataOutput out) throws IOException {
    plain.write(state, out);
  }

  @Override
  public LossState read(DataInput in) throws IOException {
    return plain.read(in);
  }

  /** The versioned binary form of {@code state}, as the shuffle carries it. */
  private static byte[] toBytes(LossState state) {
    return LossAggregator.encode(LossState::writeTo, state);
  }

  /**
   * Reads a kept state; one of another format version, or one that does not fit this call, is
   * refused with a message naming the function, never merged into a wrong number.
   */
  static LossState kept(LossCall call, byte[] bytes) {
    LossState kept;
    try {
      kept = LossState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new io.github.sparkloss.options.LossException(
          call.functionName(), CANNOT_RESUME + ": " + e.getMessage());
    }
    if (!call.bound().fits(kept)) {
      throw new io.github.sparkloss.options.LossException(
          call.functionName(),
          CANNOT_RESUME
              + ": it was kept for another evaluation (per_class or"
              + " standard errors differ)");
    }
    return kept;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResumableAggregate && ((ResumableAggregate) o).call.equals(call);
  }

  @Override
  public int hashCode() {
    return 31 * call.hashCode() + 1;
  }

  @Override
  public LossCall call() {
    return call;
  }
}
