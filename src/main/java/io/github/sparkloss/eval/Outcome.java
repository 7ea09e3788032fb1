package io.github.sparkloss.eval;

/** What became of one row. */
public enum Outcome {
  /** The row was evaluated: its loss and denominator are in the {@link RowResult}. */
  EVALUATED,
  /** The row's target is ignore_index: counted, contributes nothing. */
  IGNORED,
  /** The row cannot be evaluated and on_bad_row is skip: counted as bad. */
  BAD
}
