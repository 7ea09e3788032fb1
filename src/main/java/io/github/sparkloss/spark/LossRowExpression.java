package io.github.sparkloss.spark;

import org.apache.spark.sql.catalyst.expressions.ApplyFunctionExpression;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import scala.collection.immutable.Seq;

/**
 * Catalyst's {@link ApplyFunctionExpression} under the loss's own name, so that a per-row result
 * column reads {@code cross_entropy(logits, label, ...)}.
 */
final class LossRowExpression extends ApplyFunctionExpression {
  private static final long serialVersionUID = 1L;

  LossRowExpression(ScalarFunction<?> function, Seq<Expression> children) {
    super(function, children);
  }

  @Override
  public String prettyName() {
    return function().name();
  }

  @Override
  public ApplyFunctionExpression copy(ScalarFunction<?> function, Seq<Expression> children) {
    return new LossRowExpression(function, children);
  }
}
