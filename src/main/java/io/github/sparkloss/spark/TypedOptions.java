package io.github.sparkloss.spark;

import io.github.sparkloss.options.LossOptions;
import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.ObjectType;

/**
 * The options of a call built in Java (the Column API, the job, {@code LossEvaluator}), already
 * checked and typed: they reach the function's builder as one object, the last argument, and are
 * bound as they are, with no SQL literal per option to convert and parse again.
 *
 * @param options the loss and its validated options
 * @param perClass whether the stats keep the per-class breakdown
 * @param sampleWeight whether a sample-weight column follows the loss's columns
 * @param resume whether the argument before this one is a binary column of kept partial states that
 *     the stats merge instead of reading a row ({@link ResumableAggregate})
 */
record TypedOptions(LossOptions options, boolean perClass, boolean sampleWeight, boolean resume)
    implements Serializable {
  private static final ObjectType TYPE = new ObjectType(TypedOptions.class);

  TypedOptions {
    Objects.requireNonNull(options, "options");
  }

  /** The argument that carries these options: a literal of this Java type, never evaluated. */
  Expression expression() {
    return new Literal(this, TYPE);
  }

  /** The options carried by {@code e}, or null when {@code e} is an ordinary argument. */
  static TypedOptions of(Expression e) {
    if (e instanceof Literal && TYPE.equals(e.dataType())) {
      return (TypedOptions) ((Literal) e).value();
    }
    return null;
  }

  /** How the argument reads in a plan: the options as SQL would name them. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    options
        .namedArguments()
        .forEach(
            (k, v) -> {
              if (sb.length() > 0) {
                sb.append(", ");
              }
              sb.append(k).append(" => ").append(LossOptions.describe(v));
            });
    if (perClass) {
      sb.append(sb.length() > 0 ? ", " : "").append(LossCall.PER_CLASS).append(" => true");
    }
    return sb.toString();
  }
}
