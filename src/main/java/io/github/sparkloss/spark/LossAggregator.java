package io.github.sparkloss.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.ProjectingInternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Catalyst's {@link V2Aggregator} under the loss's own name, so that a result column reads {@code
 * cross_entropy(logits, label)} rather than {@code v2aggregator(logits, label)}. Copies made by the
 * optimizer stay of this class.
 *
 * <p>When every argument is a plain column reference, as it is once sparkloss asks Spark for no
 * cast, each row is read in place through a re-ordering view instead of being copied into a new row
 * by an {@code UnsafeProjection}, which the profile showed to be the largest cost outside the loss
 * itself.
 */
public final class LossAggregator<S extends Serializable, R> extends V2Aggregator<S, R> {
  private static final long serialVersionUID = 1L;

  private transient ProjectingInternalRow view;
  private transient boolean viewChecked;

  /** Wraps {@code function} over its argument expressions, at buffer offsets 0 usually. */
  public LossAggregator(
      AggregateFunction<S, R> function,
      Seq<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    super(function, children, mutableAggBufferOffset, inputAggBufferOffset);
  }

  @Override
  public String prettyName() {
    return aggrFunc().name();
  }

  @Override
  public S update(S buffer, InternalRow input) {
    if (!viewChecked) {
      view = directView();
      viewChecked = true;
    }
    if (view == null) {
      return super.update(buffer, input);
    }
    view.project(input);
    return aggrFunc().update(buffer, view);
  }

  /** A view of the input row in argument order, or null when an argument is not a column. */
  private ProjectingInternalRow directView() {
    List<Object> ordinals = new ArrayList<>();
    StructType schema = new StructType();
    for (Expression child : CollectionConverters.asJava(children())) {
      if (!(child instanceof BoundReference)) {
        return null;
      }
      BoundReference ref = (BoundReference) child;
      ordinals.add(ref.ordinal());
      schema = schema.add("_" + ordinals.size(), ref.dataType(), ref.nullable());
    }
    return ProjectingInternalRow.apply(schema, CollectionConverters.asScala(ordinals).toSeq());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <B extends Serializable, O> V2Aggregator<B, O> copy(
      AggregateFunction<B, O> function,
      Seq<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    return (V2Aggregator<B, O>)
        (Object)
            new LossAggregator<>(
                (AggregateFunction<S, R>) (Object) function,
                children,
                mutableAggBufferOffset,
                inputAggBufferOffset);
  }
}
