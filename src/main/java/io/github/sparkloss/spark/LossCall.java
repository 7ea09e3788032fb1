package io.github.sparkloss.spark;

import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.options.Loss;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.Suggest;
import io.github.sparkloss.options.TargetKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One SQL call of a loss function, parsed and bound at analysis time: {@code cross_entropy(logits,
 * label, weight => array(1, 2, 1), label_smoothing => 0.1, sample_weight => w)}.
 *
 * <p>The input and the target come first, by position or as {@code input =>} and {@code target =>};
 * {@code sample_weight =>} names a column; every other option is named and must be a constant,
 * evaluated here once, so no option is read per row.
 */
final class LossCall implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String INPUT = "input";
  static final String TARGET = "target";
  static final String SAMPLE_WEIGHT = "sample_weight";
  static final String PER_CLASS = "per_class";

  private final Loss loss;
  private final Output output;
  private final transient Expression inputExpr;
  private final transient Expression targetExpr;
  private final transient Expression sampleWeightExpr;
  private final BoundLoss bound;
  private final ColumnReader inputReader;
  private final RowReader rowReader;
  private final boolean classIndexTarget;
  private final DataType[] deliveredTypes;

  private LossCall(Loss loss, Output output, List<Expression> args) {
    this.loss = loss;
    this.output = output;
    String fn = output.functionName(loss);
    Map<String, Expression> named = new LinkedHashMap<>();
    int positional = 0;
    boolean sawNamed = false;
    for (Expression e : args) {
      if (e instanceof NamedArgumentExpression) {
        sawNamed = true;
        NamedArgumentExpression n = (NamedArgumentExpression) e;
        put(fn, named, n.key().toLowerCase(Locale.ROOT), n.value());
      } else {
        if (sawNamed) {
          throw new LossException(
              fn
                  + ": positional argument "
                  + e.sql()
                  + " follows named arguments; give the"
                  + " input and target first, then options by name");
        }
        if (positional >= 2) {
          throw new LossException(
              fn
                  + ": takes 2 positional arguments (input, target) but got "
                  + (positional + 1)
                  + "; give options by name, e.g. "
                  + fn
                  + "(logits, label, reduction => 'sum')");
        }
        put(fn, named, positional == 0 ? INPUT : TARGET, e);
        positional++;
      }
    }
    this.inputExpr = named.remove(INPUT);
    this.targetExpr = named.remove(TARGET);
    if (inputExpr == null || targetExpr == null) {
      throw new LossException(
          fn
              + ": missing "
              + (inputExpr == null ? "input" : "target")
              + "; expected "
              + fn
              + "(input, target[, option => value ...])");
    }
    this.sampleWeightExpr = named.remove(SAMPLE_WEIGHT);
    boolean perClass = output == Output.PER_CLASS;
    Expression perClassExpr = named.remove(PER_CLASS);
    if (perClassExpr != null) {
      if (output != Output.STATS) {
        throw new LossException(
            fn
                + ": per_class applies to "
                + Output.STATS.functionName(loss)
                + " only; use "
                + Output.PER_CLASS.functionName(loss)
                + " for the per-class breakdown");
      }
      Object v = constant(fn, PER_CLASS, perClassExpr);
      if (!(v instanceof Boolean)) {
        throw new LossException(
            fn + ": per_class is " + LossOptions.describe(v) + "; expected true or false");
      }
      perClass = (Boolean) v;
    }

    LossOptions.Builder builder = LossOptions.builder(loss);
    for (Map.Entry<String, Expression> option : named.entrySet()) {
      String key = option.getKey();
      if (LossOptions.Option.byKey(key) == null) {
        throw new LossException(
            fn
                + ": unknown option '"
                + key
                + "'"
                + Suggest.didYouMean(key, argumentNames(loss, output))
                + "; "
                + fn
                + " takes "
                + String.join(", ", argumentNames(loss, output)));
      }
      builder.set(key, constant(fn, key, option.getValue()));
    }
    LossOptions options = builder.build();
    if (options.reduction() == Reduction.NONE && output != Output.VALUE) {
      throw new LossException(
          fn
              + ": reduction 'none' gives per-row losses; use "
              + loss.sqlName()
              + "(..., reduction => 'none') for them");
    }

    // Bind to the column types.
    String inputName = columnName(inputExpr);
    String targetName = columnName(targetExpr);
    String weightName = sampleWeightExpr == null ? null : columnName(sampleWeightExpr);
    this.inputReader = ColumnReader.forType(inputExpr.dataType(), inputName);
    if (inputReader == null || (!inputReader.isVector() && loss.takesClassIndices())) {
      throw typeError(
          fn,
          "input",
          inputName,
          inputExpr.dataType(),
          loss.takesClassIndices()
              ? "array<float>, array<double> or an MLlib vector"
              : "array<float>, array<double>, an MLlib vector, or a number per row");
    }
    DataType targetType = targetExpr.dataType();
    TargetKind kind;
    ColumnReader vectorTarget = null;
    NumberReader indexTarget = null;
    if (loss.takesClassIndices() && NumberReader.forType(targetType) != null) {
      kind = TargetKind.CLASS_INDEX;
      indexTarget = NumberReader.forType(targetType);
    } else {
      vectorTarget = ColumnReader.forType(targetType, targetName);
      boolean ok =
          loss != Loss.NLL_LOSS
              && vectorTarget != null
              && vectorTarget.isVector() == inputReader.isVector();
      if (!ok) {
        String expected =
            loss == Loss.NLL_LOSS
                ? "a class index (an integer, or a double holding a whole number)"
                : loss == Loss.CROSS_ENTROPY
                    ? "a class index, or probabilities as array<float>, array<double> or an MLlib"
                        + " vector"
                    : inputReader.isVector()
                        ? "array<float>, array<double> or an MLlib vector, like the input"
                        : "a number per row, like the input";
        throw typeError(fn, "target", targetName, targetType, expected);
      }
      kind = loss == Loss.CROSS_ENTROPY ? TargetKind.PROBABILITIES : TargetKind.ELEMENTWISE;
    }
    NumberReader weightReader = null;
    if (sampleWeightExpr != null) {
      weightReader = NumberReader.forType(sampleWeightExpr.dataType());
      if (weightReader == null) {
        throw typeError(fn, "sample_weight", weightName, sampleWeightExpr.dataType(), "a number");
      }
    }
    this.classIndexTarget = kind == TargetKind.CLASS_INDEX;
    this.rowReader = new RowReader(inputReader, vectorTarget, indexTarget, weightReader);
    this.bound =
        BoundLoss.bind(
            options,
            kind,
            BoundLoss.ColumnNames.of(inputName, targetName, weightName),
            perClass,
            !inputReader.isVector());

    // Every column is read with its own type's getter: Spark inserts no cast, and the arguments
    // stay plain column references that the aggregate can read in place.
    List<DataType> types = new ArrayList<>();
    types.add(inputExpr.dataType());
    types.add(targetType);
    if (sampleWeightExpr != null) {
      types.add(sampleWeightExpr.dataType());
    }
    this.deliveredTypes = types.toArray(new DataType[0]);
  }

  /** Parses and binds a call; every problem is a {@link LossException} naming what was wrong. */
  static LossCall parse(Loss loss, Output output, List<Expression> args) {
    return new LossCall(loss, output, args);
  }

  private static void put(String fn, Map<String, Expression> named, String key, Expression e) {
    if (named.containsKey(key)) {
      throw new LossException(fn + ": argument " + key + " is given twice");
    }
    named.put(key, e);
  }

  private static LossException typeError(
      String fn, String role, String column, DataType type, String expected) {
    return new LossException(
        fn
            + ": "
            + role
            + " column "
            + column
            + " has type "
            + type.simpleString()
            + "; expected "
            + expected);
  }

  static String columnName(Expression e) {
    return e instanceof NamedExpression ? ((NamedExpression) e).name() : e.sql();
  }

  /** The argument names {@code loss} accepts with this output, in documentation order. */
  static List<String> argumentNames(Loss loss, Output output) {
    List<String> names = new ArrayList<>(List.of(INPUT, TARGET, SAMPLE_WEIGHT));
    for (LossOptions.Option o : LossOptions.Option.allowedFor(loss)) {
      names.add(o.key());
    }
    if (output == Output.STATS) {
      names.add(PER_CLASS);
    }
    return names;
  }

  /** Evaluates a constant option once, as a Java value (numbers, strings, booleans, lists). */
  private static Object constant(String fn, String key, Expression e) {
    if (!e.foldable()) {
      throw new LossException(
          fn
              + ": option "
              + key
              + " must be a constant, got "
              + e.sql()
              + "; only input, target and sample_weight may name columns");
    }
    return toJava(e.eval(null), e.dataType());
  }

  private static Object toJava(Object v, DataType type) {
    if (v == null) {
      return null;
    }
    if (type instanceof StringType) {
      return ((UTF8String) v).toString();
    }
    if (type instanceof DecimalType) {
      return ((Decimal) v).toDouble();
    }
    if (type instanceof ArrayType) {
      DataType et = ((ArrayType) type).elementType();
      ArrayData a = (ArrayData) v;
      List<Object> list = new ArrayList<>(a.numElements());
      for (int i = 0; i < a.numElements(); i++) {
        list.add(a.isNullAt(i) ? null : toJava(a.get(i, et), et));
      }
      return list;
    }
    if (type instanceof NumericType || type instanceof BooleanType) {
      return v;
    }
    return v.toString();
  }

  String functionName() {
    return output.functionName(loss);
  }

  Loss loss() {
    return loss;
  }

  Output output() {
    return output;
  }

  BoundLoss bound() {
    return bound;
  }

  ColumnReader inputReader() {
    return inputReader;
  }

  RowReader rowReader() {
    return rowReader;
  }

  boolean classIndexTarget() {
    return classIndexTarget;
  }

  boolean hasSampleWeight() {
    return deliveredTypes.length == 3;
  }

  DataType[] deliveredTypes() {
    return deliveredTypes.clone();
  }

  /** The argument expressions in the order the function reads them. */
  List<Expression> children() {
    List<Expression> c = new ArrayList<>(3);
    c.add(inputExpr);
    c.add(targetExpr);
    if (sampleWeightExpr != null) {
      c.add(sampleWeightExpr);
    }
    return c;
  }

  boolean isRowFunction() {
    return bound.options().reduction() == Reduction.NONE;
  }
}
