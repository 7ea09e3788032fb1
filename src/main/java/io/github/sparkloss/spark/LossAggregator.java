package io.github.sparkloss.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import scala.collection.immutable.Seq;

/**
 * Catalyst's {@link V2Aggregator} under the loss's own name, so that a result column reads {@code
 * cross_entropy(logits, label)} rather than {@code v2aggregator(logits, label)}. Copies made by the
 * optimizer stay of this class.
 */
final class LossAggregator extends V2Aggregator<io.github.sparkloss.state.LossState, Object> {
  private static final long serialVersionUID = 1L;

  LossAggregator(
      AggregateFunction<io.github.sparkloss.state.LossState, Object> function,
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
  @SuppressWarnings("unchecked")
  public <B extends Serializable, O> V2Aggregator<B, O> copy(
      AggregateFunction<B, O> function,
      Seq<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    return (V2Aggregator<B, O>)
        (Object)
            new LossAggregator(
                (AggregateFunction<io.github.sparkloss.state.LossState, Object>) (Object) function,
                children,
                mutableAggBufferOffset,
                inputAggBufferOffset);
  }
}
