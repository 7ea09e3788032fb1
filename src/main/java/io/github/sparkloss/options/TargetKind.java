package io.github.sparkloss.options;

/** The shape of a loss's target, fixed when the function is bound to its columns. */
public enum TargetKind {
  /** One class index per row (cross_entropy, nll_loss). */
  CLASS_INDEX,
  /** A probability vector per row, one entry per class (cross_entropy). */
  PROBABILITIES,
  /** One target per input element (binary_cross_entropy(_with_logits), kl_div). */
  ELEMENTWISE
}
