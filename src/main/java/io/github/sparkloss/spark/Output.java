package io.github.sparkloss.spark;

import io.github.sparkloss.loss.Loss;

/** What a SQL loss function returns; each has its own function name. */
public enum Output {
  /** {@code cross_entropy(...)}: the reduced loss as a double (or per-row losses for none). */
  VALUE(""),
  /** {@code cross_entropy_per_class(...)}: an array of per-class structs. */
  PER_CLASS("_per_class"),
  /** {@code cross_entropy_stats(...)}: value, sums and row counters in one struct. */
  STATS("_stats");

  private final String suffix;

  Output(String suffix) {
    this.suffix = suffix;
  }

  /** The SQL function name of {@code loss} with this output, e.g. {@code kl_div_stats}. */
  public String functionName(Loss loss) {
    return loss.sqlName() + suffix;
  }
}
