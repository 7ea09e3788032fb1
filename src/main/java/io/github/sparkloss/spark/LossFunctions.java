package io.github.sparkloss.spark;

import io.github.sparkloss.loss.Arg;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.shim.ScalaShim;
import io.github.sparkloss.shim.SparkShim;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.functions;

/**
 * The SQL functions sparkloss registers: for each loss {@code name}, the aggregate {@code
 * name(...)} (or the per-row function with {@code reduction => 'none'}), {@code name_per_class}
 * (for the losses that have a per-class breakdown) and {@code name_stats}. Each builder parses and
 * binds its arguments at analysis time.
 */
public final class LossFunctions {
  private LossFunctions() {}

  /** One SQL function: its name, its DESCRIBE FUNCTION text and its builder. */
  public record Spec(
      String name, ExpressionInfo info, Function<List<Expression>, Expression> builder) {}

  /** Every sparkloss SQL function. */
  public static List<Spec> all() {
    List<Spec> out = new ArrayList<>();
    for (Loss loss : Loss.all()) {
      for (Output output : Output.values()) {
        if (output == Output.PER_CLASS && !loss.hasPerClass()) {
          continue;
        }
        out.add(
            new Spec(
                output.functionName(loss), info(loss, output), args -> build(loss, output, args)));
      }
    }
    return out;
  }

  /** Adds every sparkloss SQL function to {@code extensions}. */
  public static void injectInto(SparkSessionExtensions extensions) {
    for (Spec f : all()) {
      ScalaShim.injectFunction(extensions, f.name(), f.info(), f.builder());
    }
  }

  /**
   * A call of {@code output}'s function over {@code arguments} with options already typed and
   * checked: they are bound as they are when the call resolves, not turned into SQL literals and
   * parsed again. The call resolves through the session's function registry, like a SQL call.
   *
   * @param sampleWeight the sample-weight column, or null
   * @param perClass whether the stats keep the per-class breakdown ({@link Output#STATS} only)
   */
  public static Column call(
      Output output,
      LossOptions options,
      List<Column> arguments,
      Column sampleWeight,
      boolean perClass) {
    if (perClass && output != Output.STATS) {
      throw new IllegalArgumentException("per_class applies to the stats only");
    }
    if (options.isSet(Loss.CONFIDENCE) && output != Output.STATS) {
      throw LossCall.confidenceOutsideStats(options.loss(), output);
    }
    List<Column> args = new ArrayList<>(arguments);
    if (sampleWeight != null) {
      args.add(sampleWeight);
    }
    TypedOptions typed = new TypedOptions(options, perClass, sampleWeight != null, false);
    args.add(SparkShim.column(typed.expression()));
    return functions.call_function(
        output.functionName(options.loss()), args.toArray(new Column[0]));
  }

  /**
   * The stats of a loss that resume from kept partial states: over rows whose {@code state} column
   * is null it reads the loss's columns as {@code _stats} does; a row with a state (the binary form
   * of {@link io.github.sparkloss.state.LossState}) is merged instead. The result is {@code
   * struct<result: (the stats), state: binary>}, the stats and the merged state to keep.
   *
   * @param sampleWeight the sample-weight column, or null
   */
  public static Column resumable(
      LossOptions options,
      List<Column> arguments,
      Column sampleWeight,
      boolean perClass,
      Column state) {
    List<Column> args = new ArrayList<>(arguments);
    if (sampleWeight != null) {
      args.add(sampleWeight);
    }
    args.add(state);
    TypedOptions typed = new TypedOptions(options, perClass, sampleWeight != null, true);
    args.add(SparkShim.column(typed.expression()));
    return functions.call_function(
        Output.STATS.functionName(options.loss()), args.toArray(new Column[0]));
  }

  /** How the message of a kept state that cannot be resumed from begins, after the function. */
  public static final String CANNOT_RESUME = ResumableAggregate.CANNOT_RESUME;

  /** Builds the Catalyst expression of one call. */
  static Expression build(Loss loss, Output output, List<Expression> args) {
    LossCall call = LossCall.parse(loss, output, args);
    List<Expression> children = call.children();
    if (call.isRowFunction()) {
      return new LossRowExpression(new LossRowFunction(call), children);
    }
    if (call.resumes()) {
      return new LossAggregator<>(new ResumableAggregate(call), children, 0, 0);
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
            "Computes "
                + loss.reference()
                + " over the group (reduction 'none' gives per-row losses).";
        break;
    }
    List<String> args = new ArrayList<>();
    for (Arg a : loss.arguments()) {
      args.add(a.name());
    }
    String positional = String.join(", ", args);
    String usage = name + "(" + positional + " [, option => value ...]) - " + what;
    String extended =
        "\n    Arguments:\n      * "
            + positional
            + " - columns, by position or by name\n"
            + "      * sample_weight - a numeric column: a row of weight s counts as s rows\n"
            + "      * options, named constants: "
            + optionList(loss)
            + "\n";
    return new ExpressionInfo(LossFunctions.class.getName(), null, name, usage, extended);
  }

  private static String optionList(Loss loss) {
    return io.github.sparkloss.options.LossOptions.allowedList(loss);
  }
}
