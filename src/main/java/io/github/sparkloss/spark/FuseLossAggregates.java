package io.github.sparkloss.spark;

import io.github.sparkloss.shim.ScalaShim;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import scala.Option;

/**
 * Optimizer rule: the sparkloss aggregates of one {@code Aggregate} (say five metrics over the same
 * logits in one {@code SELECT} or {@code agg(...)}) become one {@link FusedLossAggregate}, so each
 * row is read and each logits array decoded once instead of once per metric. Each original call is
 * replaced by its field of the fused result, so column names, types and values do not change.
 *
 * <p>Only plain aggregates are fused: a call with {@code DISTINCT} or a {@code FILTER} clause stays
 * on its own. Setting {@value #ENABLED} to {@code false} turns the rule off.
 */
public final class FuseLossAggregates extends Rule<LogicalPlan> {
  /** The session setting that turns fusion on (the default) or off. */
  public static final String ENABLED = "spark.sparkloss.fuseAggregates";

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    if (!Boolean.parseBoolean(SQLConf.get().getConfString(ENABLED, "true"))) {
      return plan;
    }
    return rewrite(plan);
  }

  private LogicalPlan rewrite(LogicalPlan plan) {
    LogicalPlan p = plan.mapChildren(this::rewrite);
    return p instanceof Aggregate ? fuse((Aggregate) p) : p;
  }

  private static LogicalPlan fuse(Aggregate aggregate) {
    List<NamedExpression> outputs = ScalaShim.asJava(aggregate.aggregateExpressions());
    List<AggregateExpression> found = new ArrayList<>();
    for (NamedExpression e : outputs) {
      collect((Expression) e, found);
    }
    if (found.size() < 2) {
      return aggregate;
    }
    List<Expression> arguments = new ArrayList<>();
    List<LossCall> calls = new ArrayList<>();
    List<int[]> ordinals = new ArrayList<>();
    for (AggregateExpression ae : found) {
      LossAggregator<?, ?> function = (LossAggregator<?, ?>) ae.aggregateFunction();
      calls.add(((FusableAggregate) function.aggrFunc()).call());
      List<Expression> args = function.childList();
      int[] at = new int[args.size()];
      for (int j = 0; j < at.length; j++) {
        at[j] = indexOf(arguments, args.get(j));
        if (at[j] < 0) {
          at[j] = arguments.size();
          arguments.add(args.get(j));
        }
      }
      ordinals.add(at);
    }
    DataType[] types = arguments.stream().map(Expression::dataType).toArray(DataType[]::new);
    AggregateExpression fused =
        new LossAggregator<>(new FusedLossAggregate(calls, ordinals, types), arguments, 0, 0)
            .toAggregateExpression();
    // Grouping expressions hold no aggregate, so only the outputs change; the copy keeps the
    // plan's other fields (a join hint on Spark 4) and its tags.
    return (LogicalPlan) aggregate.mapExpressions(e -> replace(e, found, fused));
  }

  /** Adds the fusable sparkloss aggregates under {@code e} to {@code found}, each once. */
  private static void collect(Expression e, List<AggregateExpression> found) {
    if (e instanceof AggregateExpression) {
      AggregateExpression ae = (AggregateExpression) e;
      if (fusable(ae) && indexOf(found, ae) < 0) {
        found.add(ae);
      }
      return;
    }
    for (Expression child : ScalaShim.asJava(e.children())) {
      collect(child, found);
    }
  }

  private static boolean fusable(AggregateExpression ae) {
    return ae.aggregateFunction() instanceof LossAggregator
        && ((LossAggregator<?, ?>) ae.aggregateFunction()).aggrFunc() instanceof FusableAggregate
        && ae.mode() == Complete$.MODULE$
        && !ae.isDistinct()
        && ae.filter().isEmpty();
  }

  private static Expression replace(
      Expression e, List<AggregateExpression> found, AggregateExpression fused) {
    if (e instanceof AggregateExpression) {
      int i = indexOf(found, e);
      return i < 0 ? e : new GetStructField(fused, i, Option.apply("_" + (i + 1)));
    }
    return e.mapChildren(c -> replace(c, found, fused));
  }

  private static int indexOf(List<? extends Expression> list, Expression e) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).semanticEquals(e)) {
        return i;
      }
    }
    return -1;
  }
}
