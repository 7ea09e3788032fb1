package io.github.sparkloss.spark;

import io.github.sparkloss.shim.ListApplyFunctionExpression;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.ApplyFunctionExpression;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;

/**
 * Catalyst's {@link ApplyFunctionExpression} under the loss's own name, so that a per-row result
 * column reads {@code cross_entropy(logits, label, ...)}.
 */
final class LossRowExpression extends ListApplyFunctionExpression {
  private static final long serialVersionUID = 1L;

  LossRowExpression(ScalarFunction<?> function, List<Expression> children) {
    super(function, children);
  }

  @Override
  public String prettyName() {
    return function().name();
  }

  @Override
  protected ApplyFunctionExpression copyWith(
      ScalarFunction<?> function, List<Expression> children) {
    return new LossRowExpression(function, children);
  }
}
