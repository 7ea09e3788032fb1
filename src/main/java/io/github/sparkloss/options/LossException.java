package io.github.sparkloss.options;

/**
 * A bad option or a bad row. The message names the function, the option or column, the value seen
 * and what was expected, e.g. {@code cross_entropy: target 7 in column label is out of range;
 * expected a class index in [0, 5) or ignore_index -100}.
 */
public final class LossException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String function;
  private final String detail;

  public LossException(String message) {
    super(message);
    this.function = null;
    this.detail = message;
  }

  /** A problem of a call of SQL function {@code function}: the message is "function: detail". */
  public LossException(String function, String detail) {
    super(function + ": " + detail);
    this.function = function;
    this.detail = detail;
  }

  /** The SQL function the message names, or null when it names the loss itself. */
  public String function() {
    return function;
  }

  /**
   * This problem as a call of {@code function} would report it (the same detail under another name,
   * e.g. a loss's own for its {@code _stats} form); itself when it names no function.
   */
  public LossException naming(String function) {
    return this.function == null ? this : new LossException(function, detail);
  }

  /** The message after the function's name, or the whole message. */
  public String detail() {
    return detail;
  }
}
