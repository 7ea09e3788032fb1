package io.github.sparkloss.shim;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.ApplyFunctionExpression;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import scala.collection.immutable.Seq;

/**
 * Catalyst's {@link ApplyFunctionExpression} with its children as a Java list, so that a subclass
 * compiles unchanged for every Scala version (see {@link ScalaShim}).
 */
public abstract class ListApplyFunctionExpression extends ApplyFunctionExpression {
  private static final long serialVersionUID = 1L;

  protected ListApplyFunctionExpression(ScalarFunction<?> function, List<Expression> children) {
    super(function, ScalaShim.asSpark(children));
  }

  /** A copy of this expression's class over other arguments, as Catalyst's copy makes. */
  protected abstract ApplyFunctionExpression copyWith(
      ScalarFunction<?> function, List<Expression> children);

  @Override
  public final ApplyFunctionExpression copy(ScalarFunction<?> function, Seq<Expression> children) {
    return copyWith(function, ScalaShim.asJava(children));
  }
}
