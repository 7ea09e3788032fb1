package io.github.sparkloss.options;

import io.github.sparkloss.loss.Loss;
import java.util.Locale;

/** What to do with a row PyTorch would reject: stop with an error, or leave it out and count it. */
public enum OnBadRow {
  FAIL("fail"),
  SKIP("skip");

  private final String sqlName;

  OnBadRow(String sqlName) {
    this.sqlName = sqlName;
  }

  public String sqlName() {
    return sqlName;
  }

  /** Parses {@code fail|skip}. */
  public static OnBadRow parse(Loss loss, String value) {
    if (value != null) {
      String key = value.toLowerCase(Locale.ROOT);
      for (OnBadRow p : values()) {
        if (p.sqlName.equals(key)) {
          return p;
        }
      }
    }
    throw new LossException(
        loss + ": on_bad_row '" + value + "' is not supported; expected one of fail, skip");
  }

  @Override
  public String toString() {
    return sqlName;
  }
}
