package io.github.sparkloss.shim;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import scala.collection.Seq;

/**
 * Catalyst's {@link V2Aggregator} with its children as a Java list, so that a subclass compiles
 * unchanged for every Scala version (see {@link ScalaShim}).
 */
public abstract class ListV2Aggregator<S extends Serializable, R> extends V2Aggregator<S, R> {
  private static final long serialVersionUID = 1L;

  protected ListV2Aggregator(
      AggregateFunction<S, R> function,
      List<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    super(function, ScalaShim.asSpark(children), mutableAggBufferOffset, inputAggBufferOffset);
  }

  /** The argument expressions. */
  public final List<Expression> childList() {
    return ScalaShim.asJava(children());
  }

  /** A copy of this aggregator's class over other arguments, as Catalyst's copy makes. */
  protected abstract <B extends Serializable, O> V2Aggregator<B, O> copyWith(
      AggregateFunction<B, O> function,
      List<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset);

  @Override
  public final <B extends Serializable, O> V2Aggregator<B, O> copy(
      AggregateFunction<B, O> function,
      Seq<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    return copyWith(
        function, ScalaShim.asJava(children), mutableAggBufferOffset, inputAggBufferOffset);
  }
}
