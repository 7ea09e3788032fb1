package io.github.sparkloss.spark;

import io.github.sparkloss.options.Loss;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL functions sparkloss registers: for each loss {@code name}, the aggregate {@code
 * name(...)} (or the per-row function with {@code reduction => 'none'}), {@code name_per_class} and
 * {@code name_stats}. Each builder parses and binds its arguments at analysis time.
 */
public final class LossFunctions {
  private LossFunctions() {}

  /** One function: its identifier, its DESCRIBE FUNCTION text and its builder. */
  public static List<
          Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>>>
      all() {
    List<Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>>> out =
        new ArrayList<>();
    for (Loss loss : Loss.values()) {
      for (Output output : Output.values()) {
        String name = output.functionName(loss);
        Function1<Seq<Expression>, Expression> builder = args -> build(loss, output, args);
        out.add(new Tuple3<>(FunctionIdentifier.apply(name), info(loss, output), builder));
      }
    }
    return out;
  }

  /** Builds the Catalyst expression of one call. */
  static Expression build(Loss loss, Output output, Seq<Expression> args) {
    LossCall call = LossCall.parse(loss, output, CollectionConverters.asJava(args));
    Seq<Expression> children = CollectionConverters.asScala(call.children()).toList();
    if (call.isRowFunction()) {
      return new LossRowExpression(new LossRowFunction(call), children);
    }
    return new LossAggregator<>(new LossAggregate(call), children, 0, 0);
  }

  private static ExpressionInfo info(Loss loss, Output output) {
    String name = output.functionName(loss);
    String what;
    switch (output) {
      case PER_CLASS:
        what =
            "Returns the per-class breakdown of "
                + loss.sqlName()
                + " as array<struct<class, value, loss_sum, weight_sum, rows>>.";
        break;
      case STATS:
        what =
            "Returns "
                + loss.sqlName()
                + " with its sums and row counters as"
                + " struct<value, loss_sum, weight_sum, rows, ignored_rows, null_rows, bad_rows,"
                + " per_class>.";
        break;
      default:
        what =
            "Computes torch.nn.functional."
                + loss.sqlName()
                + " over the group (reduction 'none' gives per-row losses).";
        break;
    }
    String usage = name + "(input, target [, option => value ...]) - " + what;
    String extended =
        "\n    Arguments:\n      * input, target - columns, by position or by name\n"
            + "      * sample_weight - a numeric column: a row of weight s counts as s rows\n"
            + "      * options, named constants: "
            + optionList(loss)
            + "\n";
    return new ExpressionInfo(LossFunctions.class.getName(), null, name, usage, extended);
  }

  private static String optionList(Loss loss) {
    StringBuilder sb = new StringBuilder();
    for (var o : io.github.sparkloss.options.LossOptions.Option.allowedFor(loss)) {
      sb.append(sb.length() == 0 ? "" : ", ").append(o.key());
    }
    return sb.toString();
  }
}
