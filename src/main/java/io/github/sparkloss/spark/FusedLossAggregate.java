package io.github.sparkloss.spark;

import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.state.LossState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Several sparkloss aggregates of one query evaluated as one: each input row is read once, each
 * vector column decoded once into {@link DecodedColumns}, and every loss then reads the shared
 * arrays. The result is a struct with one field per loss, in the order given; {@link
 * FuseLossAggregates} puts each field where the original call was. Every loss keeps its own {@link
 * LossState}, options, counters and errors, so results are bit for bit those of separate calls.
 */
final class FusedLossAggregate
    implements AggregateFunction<FusedLossAggregate.States, InternalRow>,
        StateCodec<FusedLossAggregate.States> {
  private static final long serialVersionUID = 1L;

  /** The partial states of the fused losses, in call order. */
  static final class States implements Serializable {
    private static final long serialVersionUID = 1L;

    final LossState[] states;

    States(LossState[] states) {
      this.states = states;
    }
  }

  private final LossCall[] calls;
  private final RowReader[] readers;

  /**
   * For each loss, the position of its kept states among the inputs, or -1 ({@link
   * ResumableAggregate}).
   */
  private final int[] stateOrdinals;

  private final DataType[] inputTypes;

  private transient RowInput[] rows;
  private transient DecodedColumns decoded;

  /**
   * @param calls the losses
   * @param ordinals for each loss, the positions of its arguments among {@code inputTypes}
   * @param inputTypes the types of the fused aggregate's distinct arguments
   */
  FusedLossAggregate(List<LossCall> calls, List<int[]> ordinals, DataType[] inputTypes) {
    this.calls = calls.toArray(new LossCall[0]);
    this.readers = new RowReader[this.calls.length];
    this.stateOrdinals = new int[this.calls.length];
    for (int i = 0; i < readers.length; i++) {
      int[] at = ordinals.get(i);
      readers[i] = this.calls[i].rowReader().at(at);
      stateOrdinals[i] = this.calls[i].resumes() ? at[this.calls[i].stateOrdinal()] : -1;
    }
    this.inputTypes = inputTypes.clone();
  }

  @Override
  public String name() {
    StringBuilder b = new StringBuilder("sparkloss_fused(");
    for (int i = 0; i < calls.length; i++) {
      b.append(i == 0 ? "" : ", ").append(calls[i].functionName());
    }
    return b.append(')').toString();
  }

  @Override
  public DataType[] inputTypes() {
    return inputTypes.clone();
  }

  @Override
  public DataType resultType() {
    StructField[] fields = new StructField[calls.length];
    for (int i = 0; i < calls.length; i++) {
      Output output = calls[i].output();
      fields[i] =
          calls[i].resumes()
              ? DataTypes.createStructField("_" + (i + 1), ResumableAggregate.RESULT_TYPE, false)
              : DataTypes.createStructField(
                  "_" + (i + 1), Results.type(output), output != Output.VALUE);
    }
    return new StructType(fields);
  }

  @Override
  public boolean isResultNullable() {
    return false;
  }

  @Override
  public States newAggregationState() {
    LossState[] states = new LossState[calls.length];
    for (int i = 0; i < states.length; i++) {
      states[i] = calls[i].bound().newState();
    }
    return new States(states);
  }

  @Override
  public States update(States state, InternalRow in) {
    RowInput[] rs = rows;
    if (rs == null) {
      rs = rows = new RowInput[calls.length];
      Arrays.setAll(rs, i -> new RowInput());
      decoded = new DecodedColumns(inputTypes.length);
    }
    decoded.nextRow();
    for (int i = 0; i < calls.length; i++) {
      int kept = stateOrdinals[i];
      if (kept >= 0 && !in.isNullAt(kept)) {
        state.states[i] =
            calls[i]
                .bound()
                .merge(state.states[i], ResumableAggregate.kept(calls[i], in.getBinary(kept)));
        continue;
      }
      RowReader reader = readers[i];
      RowInput r = rs[i];
      LossAggregate.add(calls[i].bound(), reader, reader.read(in, r, decoded), state.states[i], r);
    }
    return state;
  }

  /** The version of the fused states' binary form: a count, then each loss's own state. */
  static final byte FORMAT_VERSION = 1;

  @Override
  public void write(States state, DataOutput out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeInt(state.states.length);
    for (LossState s : state.states) {
      s.writeTo(out);
    }
  }

  @Override
  public States read(DataInput in) throws IOException {
    byte version = in.readByte();
    if (version != FORMAT_VERSION) {
      throw new IOException(
          "fused sparkloss state of format version "
              + version
              + "; this sparkloss reads version "
              + FORMAT_VERSION);
    }
    int n = in.readInt();
    if (n != calls.length) {
      throw new IOException(
          "fused sparkloss state holds " + n + " losses; expected " + calls.length);
    }
    LossState[] states = new LossState[n];
    for (int i = 0; i < n; i++) {
      states[i] = LossState.readFrom(in);
    }
    return new States(states);
  }

  @Override
  public States merge(States left, States right) {
    for (int i = 0; i < calls.length; i++) {
      left.states[i] = calls[i].bound().merge(left.states[i], right.states[i]);
    }
    return left;
  }

  @Override
  public InternalRow produceResult(States state) {
    Object[] values = new Object[calls.length];
    for (int i = 0; i < calls.length; i++) {
      values[i] =
          calls[i].resumes()
              ? ResumableAggregate.result(calls[i], state.states[i])
              : LossAggregate.result(calls[i], state.states[i]);
    }
    return new GenericInternalRow(values);
  }
}
