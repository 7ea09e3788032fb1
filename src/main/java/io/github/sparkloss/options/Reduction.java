package io.github.sparkloss.options;

import io.github.sparkloss.loss.Loss;
import java.util.Locale;
import java.util.StringJoiner;

/** PyTorch's {@code reduction} argument. */
public enum Reduction {
  /** Per-row losses: a scalar function rather than an aggregate. */
  NONE("none"),
  SUM("sum"),
  MEAN("mean"),
  /** kl_div only: the sum divided by the (weighted) number of rows. */
  BATCHMEAN("batchmean");

  private final String sqlName;

  Reduction(String sqlName) {
    this.sqlName = sqlName;
  }

  public String sqlName() {
    return sqlName;
  }

  /** Parses {@code none|sum|mean|batchmean}; the message names the function and the value. */
  public static Reduction parse(Loss loss, String value) {
    if (value != null) {
      String key = value.toLowerCase(Locale.ROOT);
      for (Reduction r : values()) {
        if (r.sqlName.equals(key)) {
          return r;
        }
      }
    }
    throw new LossException(
        loss + ": reduction '" + value + "' is not supported; expected one of " + list(loss));
  }

  /** The reductions {@code loss} takes, as one text: {@code none, sum, mean}. */
  public static String list(Loss loss) {
    StringJoiner j = new StringJoiner(", ");
    for (Reduction r : values()) {
      if (loss.reductions().contains(r)) {
        j.add(r.sqlName);
      }
    }
    return j.toString();
  }

  @Override
  public String toString() {
    return sqlName;
  }
}
