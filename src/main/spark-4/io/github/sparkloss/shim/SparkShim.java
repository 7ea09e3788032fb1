package io.github.sparkloss.shim;

import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.classic.ExpressionUtils;

/**
 * What differs between Spark lines, for Spark 4.0, 4.1 and 4.2, where a {@link Column} is a node of
 * the shared SQL API and the classic engine converts it to and from a Catalyst expression.
 */
public final class SparkShim {
  private SparkShim() {}

  /** A Column over a Catalyst expression. */
  public static Column column(Expression e) {
    return ExpressionUtils.column(e);
  }

  /** The Catalyst expression of a Column built in a classic session. */
  public static Expression expression(Column c) {
    return ExpressionUtils.expression(c);
  }

  /**
   * Whether a failed action failed because a task could not read an input file: Spark 4 reports
   * that under the condition {@code FAILED_READ_FILE}.
   */
  public static boolean isInputReadFailure(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SparkThrowable
          && String.valueOf(errorCondition((SparkThrowable) t)).startsWith("FAILED_READ_FILE")) {
        return true;
      }
    }
    return false;
  }

  /** The error condition of a Spark error, e.g. {@code FAILED_READ_FILE.NO_HINT}, or null. */
  public static String errorCondition(SparkThrowable t) {
    return t.getCondition();
  }
}
