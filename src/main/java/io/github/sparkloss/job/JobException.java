package io.github.sparkloss.job;

/** A problem the job reports as one line on stderr before exiting non-zero. */
public final class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobException(String message) {
    super(message);
  }

  public JobException(String message, Throwable cause) {
    super(message, cause);
  }
}
