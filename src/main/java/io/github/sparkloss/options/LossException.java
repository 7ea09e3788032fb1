package io.github.sparkloss.options;

/**
 * A bad option or a bad row. The message names the function, the option or column, the value seen
 * and what was expected, e.g. {@code cross_entropy: target 7 in column label is out of range;
 * expected a class index in [0, 5) or ignore_index -100}.
 */
public final class LossException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public LossException(String message) {
    super(message);
  }
}
