package io.github.sparkloss.options;

import java.util.Locale;

/** The five PyTorch losses sparkloss evaluates, named as in {@code torch.nn.functional}. */
public enum Loss {
  CROSS_ENTROPY("cross_entropy"),
  NLL_LOSS("nll_loss"),
  BINARY_CROSS_ENTROPY("binary_cross_entropy"),
  BINARY_CROSS_ENTROPY_WITH_LOGITS("binary_cross_entropy_with_logits"),
  KL_DIV("kl_div");

  private final String sqlName;

  Loss(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The SQL and PyTorch name, e.g. {@code cross_entropy}. */
  public String sqlName() {
    return sqlName;
  }

  /** True for cross_entropy and nll_loss, whose targets may be class indices. */
  public boolean takesClassIndices() {
    return this == CROSS_ENTROPY || this == NLL_LOSS;
  }

  /** True for the losses reduced over every element of a row (BCE, BCE with logits, KL). */
  public boolean isElementwise() {
    return !takesClassIndices();
  }

  /** Looks a loss up by its SQL name. */
  public static Loss fromSqlName(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    for (Loss loss : values()) {
      if (loss.sqlName.equals(key)) {
        return loss;
      }
    }
    throw new LossException(
        "unknown loss '"
            + name
            + "'; expected one of cross_entropy, nll_loss, binary_cross_entropy,"
            + " binary_cross_entropy_with_logits, kl_div");
  }

  @Override
  public String toString() {
    return sqlName;
  }
}
