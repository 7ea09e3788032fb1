package io.github.sparkloss.shim;

import java.io.Serializable;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.ExperimentalMethods;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.ProjectingInternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.StructType;
import scala.Tuple3;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Every place where Spark's Scala API takes or returns a {@code Seq}, for Scala 2.12, whose Spark
 * {@code Seq} is {@code scala.collection.Seq} (Scala 2.13's is {@code
 * scala.collection.immutable.Seq}: the same methods, another type, so Java code cannot name it
 * once). The shared code speaks {@link List}; this class and the two list-based bases beside it
 * convert.
 */
public final class ScalaShim {
  private ScalaShim() {}

  /** A Scala sequence as a Java list view. */
  public static <T> List<T> asJava(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaList(seq);
  }

  /** A Java list as the sequence type Spark's API takes. */
  static <T> Seq<T> asSpark(List<T> list) {
    return JavaConverters.asScalaBuffer(list).toList();
  }

  /** Adds a SQL function, built from its Java argument list, to an extensions object. */
  public static void injectFunction(
      SparkSessionExtensions extensions,
      String name,
      ExpressionInfo info,
      Function<List<Expression>, Expression> builder) {
    scala.Function1<Seq<Expression>, Expression> f = args -> builder.apply(asJava(args));
    extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(name), info, f));
  }

  /** The optimizer rules a running session applies after its own. */
  public static List<Rule<LogicalPlan>> extraOptimizations(ExperimentalMethods experimental) {
    return asJava(experimental.extraOptimizations());
  }

  /** Replaces the optimizer rules a running session applies after its own. */
  public static void setExtraOptimizations(
      ExperimentalMethods experimental, List<Rule<LogicalPlan>> rules) {
    experimental.extraOptimizations_$eq(asSpark(rules));
  }

  /** A row view that reads {@code ordinals} of another row, in that order, without copying. */
  public static ProjectingInternalRow projectingRow(StructType schema, List<Object> ordinals) {
    return ProjectingInternalRow.apply(schema, asSpark(ordinals));
  }

  /** Catalyst's plain aggregate over a connector {@link AggregateFunction}. */
  public static <S extends Serializable, R> V2Aggregator<S, R> v2Aggregator(
      AggregateFunction<S, R> function, List<Expression> children) {
    return new V2Aggregator<>(function, asSpark(children), 0, 0);
  }
}
