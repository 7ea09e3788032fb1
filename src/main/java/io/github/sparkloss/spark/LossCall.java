package io.github.sparkloss.spark;

import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.loss.Arg;
import io.github.sparkloss.loss.Binding;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.loss.LossOption;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.Suggest;
import io.github.sparkloss.options.TargetKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One SQL call of a loss function, parsed and bound at analysis time: {@code cross_entropy(logits,
 * label, weight => array(1, 2, 1), label_smoothing => 0.1, sample_weight => w)}.
 *
 * <p>The loss's positional arguments come first, by position or by name ({@code input =>}, {@code
 * target =>}, ...); {@code sample_weight =>} names a column; every other option is named and must
 * be a constant, evaluated here once, so no option is read per row. A call built in Java ends
 * instead with its {@link TypedOptions}, which are bound as they are.
 */
final class LossCall implements Serializable {
  private static final long serialVersionUID = 2L;

  static final String SAMPLE_WEIGHT = "sample_weight";
  static final String PER_CLASS = "per_class";

  private final Loss loss;
  private final Output output;
  private final transient List<Expression> argExprs;
  private final transient Expression sampleWeightExpr;
  private final transient Expression stateExpr;

  /** Whether the call resumes from kept states; kept apart from the transient expression. */
  private final boolean resumes;

  private final BoundLoss bound;
  private final RowReader rowReader;
  private final DataType[] deliveredTypes;

  /** Computed once: Catalyst hashes and compares expressions often while it plans. */
  private final int hash;

  private LossCall(Loss loss, Output output, List<Expression> args) {
    this.loss = loss;
    this.output = output;
    String fn = output.functionName(loss);
    List<Arg> params = loss.arguments();
    TypedOptions typed = args.isEmpty() ? null : TypedOptions.of(args.get(args.size() - 1));
    boolean perClass;
    LossOptions options;
    if (typed != null) {
      // Built in Java: the arguments are the columns, in order, and the options come typed.
      int columns = params.size() + (typed.sampleWeight() ? 1 : 0) + (typed.resume() ? 1 : 0);
      if (args.size() != columns + 1
          || !typed.options().loss().equals(loss)
          || (typed.resume() && output != Output.STATS)) {
        throw new IllegalArgumentException(fn + ": typed options of another call: " + args);
      }
      this.argExprs = new ArrayList<>(args.subList(0, params.size()));
      this.sampleWeightExpr = typed.sampleWeight() ? args.get(params.size()) : null;
      this.stateExpr = typed.resume() ? args.get(columns - 1) : null;
      this.resumes = typed.resume();
      if (stateExpr != null && !DataTypes.BinaryType.equals(stateExpr.dataType())) {
        throw new IllegalArgumentException(
            fn + ": kept states must be binary, not " + stateExpr.dataType().simpleString());
      }
      perClass = typed.perClass() || output == Output.PER_CLASS;
      options = checkReduction(fn, typed.options());
    } else {
      Map<String, Expression> named = byName(fn, args);
      this.argExprs = new ArrayList<>(params.size());
      for (Arg a : params) {
        Expression e = named.remove(a.name());
        if (e == null) {
          throw new LossException(fn, "missing " + a.name() + "; expected " + usage(fn));
        }
        argExprs.add(e);
      }
      this.sampleWeightExpr = named.remove(SAMPLE_WEIGHT);
      this.stateExpr = null;
      this.resumes = false;
      perClass = perClass(fn, named.remove(PER_CLASS));
      options = options(fn, named);
    }

    String[] names = new String[params.size()];
    ColumnReader[] readers = new ColumnReader[params.size()];
    NumberReader index = null;
    boolean[] vector = new boolean[params.size()];
    boolean indexTarget = false;
    for (int i = 0; i < params.size(); i++) {
      Expression e = argExprs.get(i);
      names[i] = columnName(e);
      DataType type = e.dataType();
      Arg.Accepts accepts = params.get(i).accepts();
      NumberReader number = NumberReader.forType(type);
      if ((accepts == Arg.Accepts.CLASS_INDEX
              || accepts == Arg.Accepts.CLASS_INDEX_OR_PROBABILITIES)
          && number != null) {
        index = number;
        indexTarget = true;
        continue;
      }
      readers[i] = ColumnReader.forType(type, names[i]);
      if (!accepts(accepts, readers[i], i == 0 || vector[0])) {
        throw typeError(fn, params.get(i).name(), names[i], type, expected(accepts, vector[0]));
      }
      vector[i] = readers[i].isVector();
    }
    String weightName = null;
    NumberReader weightReader = null;
    if (sampleWeightExpr != null) {
      weightName = columnName(sampleWeightExpr);
      weightReader = NumberReader.forType(sampleWeightExpr.dataType());
      if (weightReader == null) {
        throw typeError(fn, SAMPLE_WEIGHT, weightName, sampleWeightExpr.dataType(), "a number");
      }
    }
    TargetKind kind = loss.targetKind(!indexTarget && params.size() > 1 && vector[1]);
    this.rowReader = new RowReader(readers, index, weightReader);
    this.bound =
        BoundLoss.bind(
            options,
            new Binding(kind, vector, new BoundLoss.ColumnNames(Arrays.asList(names), weightName)),
            perClass,
            output == Output.STATS);

    // Every column is read with its own type's getter: Spark inserts no cast, and the arguments
    // stay plain column references that the aggregate can read in place.
    List<DataType> types = new ArrayList<>();
    for (Expression e : children()) {
      types.add(e.dataType());
    }
    this.deliveredTypes = types.toArray(new DataType[0]);
    this.hash =
        Objects.hash(loss, output, bound.perClass(), bound.options(), bound.columns(), resumes);
  }

  /** Parses and binds a call; every problem is a {@link LossException} naming what was wrong. */
  static LossCall parse(Loss loss, Output output, List<Expression> args) {
    return new LossCall(loss, output, args);
  }

  /** The arguments by name: positional ones take the loss's argument names in order. */
  private Map<String, Expression> byName(String fn, List<Expression> args) {
    List<Arg> params = loss.arguments();
    Map<String, Expression> named = new LinkedHashMap<>();
    int positional = 0;
    boolean sawNamed = false;
    for (Expression e : args) {
      if (e instanceof NamedArgumentExpression) {
        sawNamed = true;
        NamedArgumentExpression n = (NamedArgumentExpression) e;
        put(fn, named, n.key().toLowerCase(Locale.ROOT), n.value());
        continue;
      }
      if (sawNamed) {
        throw new LossException(
            fn,
            "positional argument "
                + e.sql()
                + " follows named arguments; give the "
                + positionalNames()
                + " first, then options by name");
      }
      if (positional >= params.size()) {
        throw new LossException(
            fn,
            "takes "
                + params.size()
                + " positional arguments ("
                + String.join(", ", positionalList())
                + ") but got "
                + (positional + 1)
                + "; give options by name, e.g. "
                + fn
                + "("
                + String.join(", ", positionalList())
                + ", reduction => 'sum')");
      }
      put(fn, named, params.get(positional).name(), e);
      positional++;
    }
    return named;
  }

  private List<String> positionalList() {
    List<String> names = new ArrayList<>();
    for (Arg a : loss.arguments()) {
      names.add(a.name());
    }
    return names;
  }

  private String positionalNames() {
    List<String> names = positionalList();
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }

  private String usage(String fn) {
    return fn + "(" + String.join(", ", positionalList()) + "[, option => value ...])";
  }

  private boolean perClass(String fn, Expression perClassExpr) {
    if (perClassExpr == null) {
      return output == Output.PER_CLASS;
    }
    if (output != Output.STATS) {
      throw new LossException(
          fn,
          "per_class applies to "
              + Output.STATS.functionName(loss)
              + " only; use "
              + Output.PER_CLASS.functionName(loss)
              + " for the per-class breakdown");
    }
    Object v = constant(fn, PER_CLASS, perClassExpr);
    if (!(v instanceof Boolean)) {
      throw new LossException(
          fn, "per_class is " + LossOptions.describe(v) + "; expected true or false");
    }
    return (Boolean) v;
  }

  private LossOptions options(String fn, Map<String, Expression> named) {
    LossOptions.Builder builder = LossOptions.builder(loss);
    for (Map.Entry<String, Expression> option : named.entrySet()) {
      String key = option.getKey();
      if (loss.option(key) == null && Loss.all().stream().allMatch(l -> l.option(key) == null)) {
        List<String> accepted = argumentNames(loss, output);
        throw new LossException(
            fn,
            "unknown option '"
                + key
                + "'"
                + Suggest.didYouMean(key, accepted)
                + "; "
                + fn
                + " takes "
                + String.join(", ", accepted));
      }
      builder.set(key, constant(fn, key, option.getValue()));
    }
    return checkReduction(fn, builder.build());
  }

  private LossOptions checkReduction(String fn, LossOptions options) {
    if (options.isSet(Loss.CONFIDENCE) && output != Output.STATS) {
      throw confidenceOutsideStats(loss, output);
    }
    if (options.reduction() == Reduction.NONE && output != Output.VALUE) {
      throw new LossException(
          fn,
          "reduction 'none' gives per-row losses; use "
              + loss.sqlName()
              + "(..., reduction => 'none') for them");
    }
    return options;
  }

  /** The error for a confidence given to a function that gives no interval. */
  static LossException confidenceOutsideStats(Loss loss, Output output) {
    return new LossException(
        output.functionName(loss),
        "confidence applies to "
            + Output.STATS.functionName(loss)
            + " only, whose std_error, ci_low and ci_high it sets");
  }

  /** Whether a column read by {@code reader} (null: no reader for its type) fits {@code a}. */
  private static boolean accepts(Arg.Accepts a, ColumnReader reader, boolean firstIsVector) {
    if (reader == null) {
      return false;
    }
    boolean vector = reader.isVector() && !reader.isIntegerArray();
    switch (a) {
      case VECTOR:
      case CLASS_INDEX_OR_PROBABILITIES:
        return vector;
      case VALUES:
        return vector || !reader.isVector();
      case LIKE_FIRST:
        return firstIsVector ? vector : !reader.isVector();
      case LIKE_FIRST_OR_ROW_VALUE:
        return firstIsVector ? vector || !reader.isVector() : !reader.isVector();
      case ROW_VALUE:
        return !reader.isVector();
      case CLASS_INDICES:
        return reader.isVector();
      default:
        return false;
    }
  }

  /** What an argument of kind {@code a} takes, for messages. */
  private String expected(Arg.Accepts a, boolean firstIsVector) {
    String vectors = "array<float>, array<double> or an MLlib vector";
    switch (a) {
      case VECTOR:
        return vectors;
      case VALUES:
        return "array<float>, array<double>, an MLlib vector, or a number per row";
      case LIKE_FIRST:
        return firstIsVector ? vectors + ", like the input" : "a number per row, like the input";
      case LIKE_FIRST_OR_ROW_VALUE:
        return firstIsVector
            ? vectors + " like the input, or a number per row"
            : "a number per row, like the input";
      case ROW_VALUE:
        return "a number per row";
      case CLASS_INDEX:
        return "a class index (an integer, or a double holding a whole number)";
      case CLASS_INDEX_OR_PROBABILITIES:
        return "a class index, or probabilities as " + vectors;
      case CLASS_INDICES:
        return "class indices as array<int>, array<bigint> or " + vectors;
      default:
        throw new IllegalStateException(a.toString());
    }
  }

  private static void put(String fn, Map<String, Expression> named, String key, Expression e) {
    if (named.containsKey(key)) {
      throw new LossException(fn, "argument " + key + " is given twice");
    }
    named.put(key, e);
  }

  private static LossException typeError(
      String fn, String role, String column, DataType type, String expected) {
    return new LossException(
        fn,
        role + " column " + column + " has type " + type.simpleString() + "; expected " + expected);
  }

  static String columnName(Expression e) {
    return e instanceof NamedExpression ? ((NamedExpression) e).name() : e.sql();
  }

  /** The argument names {@code loss} accepts with this output, in documentation order. */
  static List<String> argumentNames(Loss loss, Output output) {
    List<String> names = new ArrayList<>();
    for (Arg a : loss.arguments()) {
      names.add(a.name());
    }
    names.add(SAMPLE_WEIGHT);
    for (LossOption<?> o : loss.options()) {
      if (o != Loss.CONFIDENCE || output == Output.STATS) {
        names.add(o.key());
      }
    }
    if (output == Output.STATS) {
      names.add(PER_CLASS);
    }
    return names;
  }

  /** Evaluates a constant option once, as a Java value (numbers, strings, booleans, lists). */
  private Object constant(String fn, String key, Expression e) {
    if (!e.foldable()) {
      throw new LossException(
          fn,
          "option "
              + key
              + " must be a constant, got "
              + e.sql()
              + "; only "
              + String.join(", ", positionalList())
              + " and sample_weight may name columns");
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

  RowReader rowReader() {
    return rowReader;
  }

  DataType[] deliveredTypes() {
    return deliveredTypes.clone();
  }

  /** The argument expressions in the order the function reads them. */
  List<Expression> children() {
    List<Expression> c = new ArrayList<>(argExprs);
    if (sampleWeightExpr != null) {
      c.add(sampleWeightExpr);
    }
    if (stateExpr != null) {
      c.add(stateExpr);
    }
    return c;
  }

  /** Whether the call resumes from kept partial states ({@link ResumableAggregate}). */
  boolean resumes() {
    return resumes;
  }

  /** The position of the kept state among {@link #children()}. */
  int stateOrdinal() {
    return children().size() - 1;
  }

  boolean isRowFunction() {
    return bound.options().reduction() == Reduction.NONE;
  }

  /** Two calls are equal when they evaluate the same loss the same way over the same types. */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof LossCall) || o.hashCode() != hashCode()) {
      return false;
    }
    LossCall c = (LossCall) o;
    return loss.equals(c.loss)
        && output == c.output
        && bound.perClass() == c.bound.perClass()
        && bound.options().equals(c.bound.options())
        && bound.columns().equals(c.bound.columns())
        && resumes() == c.resumes()
        && Arrays.equals(deliveredTypes, c.deliveredTypes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
