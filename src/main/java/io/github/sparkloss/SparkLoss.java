package io.github.sparkloss;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.shim.ScalaShim;
import io.github.sparkloss.spark.FuseLossAggregates;
import io.github.sparkloss.spark.LossFunctions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.ExperimentalMethods;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;

/**
 * Entry point of the Java/Scala API: registration in an existing session, and typed {@link Column}
 * builders for every loss.
 *
 * <pre>{@code
 * SparkLoss.register(spark);
 * df.groupBy("model").agg(
 *     SparkLoss.crossEntropy(col("logits"), col("label")).labelSmoothing(0.1).value(),
 *     SparkLoss.loss("huber_loss", col("prediction"), col("label")).option("delta", 0.5).value());
 * }</pre>
 *
 * <p>Building a column registers nothing: the functions come from the {@link SparkLossExtensions}
 * extension or from {@link #register}, before the column is used in a query.
 */
public final class SparkLoss {
  private SparkLoss() {}

  /** This build's version, e.g. {@code 0.2.0}, as reports record it ("unknown" if not built). */
  public static String version() {
    try (java.io.InputStream in =
        SparkLoss.class.getResourceAsStream("sparkloss-version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /**
   * Registers every sparkloss SQL function in {@code spark}'s session, the same functions the
   * {@link SparkLossExtensions} extension registers, and adds the optimizer rule that evaluates
   * several sparkloss aggregates of one query in one pass. Calling it again is harmless.
   */
  public static void register(SparkSession spark) {
    // Registered as the extension registers them, so that each Spark line names them its own way
    // (Spark 4.2 keeps built-in functions under system.builtin).
    SparkSessionExtensions extensions = new SparkSessionExtensions();
    LossFunctions.injectInto(extensions);
    extensions.registerFunctions(spark.sessionState().functionRegistry());
    ExperimentalMethods experimental = spark.experimental();
    List<Rule<LogicalPlan>> rules = new ArrayList<>(ScalaShim.extraOptimizations(experimental));
    if (rules.stream().noneMatch(r -> r instanceof FuseLossAggregates)) {
      rules.add(new FuseLossAggregates());
      ScalaShim.setExtraOptimizations(experimental, rules);
    }
  }

  /** Whether every sparkloss function is registered in {@code spark}'s session. */
  public static boolean isRegistered(SparkSession spark) {
    for (LossFunctions.Spec f : LossFunctions.all()) {
      if (!spark.catalog().functionExists(f.name())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A loss with options already built, e.g. from a configuration file: {@code
   * SparkLoss.column(LossOptions.builder(Loss.fromSqlName("kl_div")).set("log_target",
   * true).build(), x, t)}. The columns are the loss's positional arguments, in PyTorch's order.
   */
  public static LossColumn column(LossOptions options, Column... arguments) {
    return new LossColumn(options, List.of(arguments), null);
  }

  /**
   * The loss called {@code name} over its positional arguments, in PyTorch's order: {@code
   * loss("triplet_margin_loss", col("a"), col("p"), col("n"))}.
   */
  public static LossColumn loss(String name, Column... arguments) {
    return column(LossOptions.defaults(Loss.fromSqlName(name)), arguments);
  }

  /** {@code cross_entropy(input, target)}: logits and class indices or probabilities. */
  public static LossColumn crossEntropy(Column input, Column target) {
    return loss("cross_entropy", input, target);
  }

  /** {@code nll_loss(input, target)}: log-probabilities and class indices. */
  public static LossColumn nllLoss(Column input, Column target) {
    return loss("nll_loss", input, target);
  }

  /** {@code binary_cross_entropy(input, target)}: probabilities and targets in [0, 1]. */
  public static LossColumn binaryCrossEntropy(Column input, Column target) {
    return loss("binary_cross_entropy", input, target);
  }

  /** {@code binary_cross_entropy_with_logits(input, target)}: logits and targets in [0, 1]. */
  public static LossColumn binaryCrossEntropyWithLogits(Column input, Column target) {
    return loss("binary_cross_entropy_with_logits", input, target);
  }

  /** {@code kl_div(input, target)}: log-probabilities and (log-)probabilities. */
  public static LossColumn klDiv(Column input, Column target) {
    return loss("kl_div", input, target);
  }
}
