package io.github.sparkloss.spark;

import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.state.LossState;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A loss with reduction {@code none}: the per-row loss, as a double, or for element-wise losses
 * over vector columns the per-element losses as {@code array<double>}, as PyTorch returns them.
 * Null inputs give null; a bad row fails, or under {@code on_bad_row => 'skip'} gives null.
 */
final class LossRowFunction implements ScalarFunction<Object> {
  private static final long serialVersionUID = 1L;

  private final LossCall call;
  private final BoundLoss bound;
  private final boolean vectorResult;
  private transient RowInput row;
  private transient LossState scratchState;

  LossRowFunction(LossCall call) {
    this.call = call;
    this.bound = call.bound();
    this.vectorResult = bound.elementResults();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LossRowFunction && ((LossRowFunction) o).call.equals(call);
  }

  @Override
  public int hashCode() {
    return call.hashCode();
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
    return vectorResult
        ? DataTypes.createArrayType(DataTypes.DoubleType, false)
        : DataTypes.DoubleType;
  }

  @Override
  public Object produceResult(InternalRow in) {
    RowInput r = row;
    if (r == null) {
      r = row = new RowInput();
      scratchState = bound.newState();
    }
    RowReader reader = call.rowReader();
    switch (reader.read(in, r)) {
      case OK:
        break;
      case NULL_ROW:
        return null;
      default:
        // Fails under on_bad_row fail; under skip the row's loss is null.
        bound.addNullElementRow(scratchState, reader.nullColumn(), reader.nullIndex());
        return null;
    }
    if (vectorResult) {
      double[] losses = bound.rowElementLosses(r);
      return losses == null ? null : new GenericArrayData(losses);
    }
    return bound.rowLoss(r);
  }
}
