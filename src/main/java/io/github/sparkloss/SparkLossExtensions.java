package io.github.sparkloss;

import io.github.sparkloss.spark.FuseLossAggregates;
import io.github.sparkloss.spark.LossFunctions;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Registers the sparkloss SQL functions in every session built with {@code
 * spark.sql.extensions=io.github.sparkloss.SparkLossExtensions}, so that a notebook needs no code:
 *
 * <pre>{@code
 * SELECT model, cross_entropy(logits, label) FROM preds GROUP BY model
 * }</pre>
 *
 * <p>It also adds the optimizer rule {@link FuseLossAggregates}, which evaluates several sparkloss
 * aggregates of one query in a single pass over each row.
 */
public final class SparkLossExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
    implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    LossFunctions.injectInto(extensions);
    extensions.injectOptimizerRule(session -> new FuseLossAggregates());
    return BoxedUnit.UNIT;
  }
}
