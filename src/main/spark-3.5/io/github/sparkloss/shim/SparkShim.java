package io.github.sparkloss.shim;

import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * What differs between Spark lines, for Spark 3.5, where a {@link Column} wraps a Catalyst
 * expression directly.
 */
public final class SparkShim {
  private SparkShim() {}

  /** A Column over a Catalyst expression. */
  public static Column column(Expression e) {
    return new Column(e);
  }

  /** The Catalyst expression of a Column. */
  public static Expression expression(Column c) {
    return c.expr();
  }

  /**
   * Whether a failed action failed because a task could not read an input file. Spark 3.5 names no
   * condition for it: the task's exception reaches the driver as the cause of the job's failure,
   * with the file scan's reading of the file in its stack.
   */
  public static boolean isInputReadFailure(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SparkThrowable
          && String.valueOf(errorCondition((SparkThrowable) t)).startsWith("FAILED_READ_FILE")) {
        return true;
      }
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getClassName().startsWith(FILE_SCAN)
            && frame.getMethodName().endsWith("readCurrentFile")) {
          return true;
        }
      }
    }
    return false;
  }

  private static final String FILE_SCAN = "org.apache.spark.sql.execution.datasources.FileScanRDD";

  /** The error condition of a Spark error, e.g. {@code FAILED_READ_FILE.NO_HINT}, or null. */
  @SuppressWarnings("deprecation")
  public static String errorCondition(SparkThrowable t) {
    return t.getErrorClass();
  }
}
