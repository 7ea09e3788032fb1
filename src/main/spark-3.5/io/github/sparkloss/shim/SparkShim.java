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
   * Whether a failed action failed because a task could not read an input file. Spark 3.5 has no
   * one condition for it: a file that cannot be opened reaches the driver as the task's own
   * exception, one that fails part-way as {@code _LEGACY_ERROR_TEMP_2064}; either way it was thrown
   * while the file scan read the file, which its stack shows.
   */
  public static boolean isInputReadFailure(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SparkThrowable
          && String.valueOf(errorCondition((SparkThrowable) t)).startsWith("FAILED_READ_FILE")) {
        return true;
      }
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getClassName().startsWith(FILE_SCAN)) {
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
