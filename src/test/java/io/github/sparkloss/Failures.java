package io.github.sparkloss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.sparkloss.options.LossException;
import org.apache.spark.SparkException;

/** How tests reach the sparkloss error behind a failed Spark job. */
public final class Failures {
  private Failures() {}

  /**
   * Runs {@code job}, which must fail, and returns the {@link LossException} in the cause chain; a
   * LossException that is not thrown directly must arrive wrapped in a {@link SparkException}.
   */
  public static LossException lossFailure(Runnable job) {
    Throwable thrown = null;
    try {
      job.run();
    } catch (Exception e) { // SparkException is checked, but Scala throws it undeclared
      thrown = e;
    }
    assertThat(thrown).as("the job should fail").isNotNull();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof LossException) {
        if (t != thrown) {
          assertThat(thrown).isInstanceOf(SparkException.class);
        }
        return (LossException) t;
      }
    }
    return fail("no LossException in the cause chain of %s", thrown);
  }
}
