package io.github.sparkloss.loss;

import java.io.Serializable;

/**
 * One positional argument of a loss, named as PyTorch names it, with the column shapes it accepts.
 *
 * @param name the argument's name, also its SQL named-argument key and its job config key
 * @param accepts the column shapes it takes
 */
public record Arg(String name, Accepts accepts) implements Serializable {

  /** The column shapes of an argument. */
  public enum Accepts {
    /** {@code array<float>}, {@code array<double>} or an MLlib vector. */
    VECTOR,
    /** A vector, or a number per row (then the loss sees one element per row). */
    VALUES,
    /** The shape of the first argument: one value per element of it. */
    LIKE_FIRST,
    /** The shape of the first argument, or one number per row applying to all its elements. */
    LIKE_FIRST_OR_ROW_VALUE,
    /** One number per row. */
    ROW_VALUE,
    /** A class index per row: an integer, or a double holding a whole number. */
    CLASS_INDEX,
    /** A class index, or a vector of per-class probabilities like the first argument. */
    CLASS_INDEX_OR_PROBABILITIES,
    /** Class indices as an integer array (or a vector of whole numbers), one slot per class. */
    CLASS_INDICES
  }

  public static Arg of(String name, Accepts accepts) {
    return new Arg(name, accepts);
  }
}
