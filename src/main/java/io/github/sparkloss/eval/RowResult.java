package io.github.sparkloss.eval;

/**
 * What a kernel gives for one evaluated row, before the sample weight: reused from row to row, so
 * evaluating a row allocates nothing.
 */
public final class RowResult {
  /** The row's loss l_n (for element-wise losses, the sum over its elements). */
  public double loss;

  /** The row's share of the 'mean' denominator: w[y] for class indices, else 1. */
  public double denominator = 1.0;

  /** The row's target class, for per-class results by target class. */
  public int targetClass;

  /**
   * When not null, the kernel writes each element's (or class's) share of the loss here, for
   * per-element results and reduction 'none'; the shares add up to {@link #loss}.
   */
  public double[] elements;

  /** Resets for the next row, keeping {@link #elements}. */
  void reset() {
    loss = 0.0;
    denominator = 1.0;
    targetClass = -1;
  }
}
