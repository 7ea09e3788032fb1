package io.github.sparkloss.loss;

import static io.github.sparkloss.options.LossOptions.describe;
import static io.github.sparkloss.options.LossOptions.formatNumber;
import static io.github.sparkloss.options.LossOptions.formatVector;

import io.github.sparkloss.options.LossException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One named option of a loss, as PyTorch names it: its key, its type, its default and its check. A
 * loss lists the options it takes in its {@link Loss descriptor}; SQL, the job config, the Column
 * API and the MLlib evaluator all set options through these, so each check and its message exist
 * once.
 *
 * <pre>{@code
 * static final LossOption<Double> DELTA =
 *     LossOption.number("delta", 1.0, d -> d > 0.0 ? null : "must be > 0");
 * }</pre>
 *
 * @param <T> {@code Double}, {@code Long}, {@code Boolean}, {@code double[]}, or an enum for
 *     choices such as {@link io.github.sparkloss.options.Reduction}
 */
public final class LossOption<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The value types an option can have. */
  public enum Type {
    NUMBER("a number"),
    WHOLE("a whole number"),
    BOOLEAN("true or false"),
    CHOICE("a string"),
    VECTOR("an array of numbers");

    private final String expected;

    Type(String expected) {
      this.expected = expected;
    }
  }

  /** Parses a string option into its value, throwing the option's message for any other. */
  @FunctionalInterface
  public interface Parser<T> extends Serializable {
    T parse(Loss loss, String value);
  }

  /** A check of a converted value: null when the value is fine, else what is wrong with it. */
  @FunctionalInterface
  public interface Check<T> extends Serializable {
    String problem(T value);
  }

  private final String key;
  private final Type type;
  private final T defaultValue;
  private final Check<T> check;
  private final Parser<T> parser;
  private final boolean perClassVector;

  private LossOption(
      String key, Type type, T defaultValue, Check<T> check, Parser<T> parser, boolean perClass) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.check = check;
    this.parser = parser;
    this.perClassVector = perClass;
  }

  /** What is wrong with {@code value} for this option, or null when it passes the check. */
  public String problem(T value) {
    return check == null ? null : check.problem(value);
  }

  /** A floating-point option; {@code check} gives the problem of a value, or null. */
  public static LossOption<Double> number(String key, double defaultValue, Check<Double> check) {
    return new LossOption<>(key, Type.NUMBER, defaultValue, check, null, false);
  }

  /** A whole-number option. */
  public static LossOption<Long> whole(String key, long defaultValue, Check<Long> check) {
    return new LossOption<>(key, Type.WHOLE, defaultValue, check, null, false);
  }

  /** A boolean option. */
  public static LossOption<Boolean> bool(String key, boolean defaultValue) {
    return new LossOption<>(key, Type.BOOLEAN, defaultValue, null, null, false);
  }

  /** An option of a fixed set of names, such as reduction; {@code parser} checks the name. */
  public static <T> LossOption<T> choice(String key, T defaultValue, Parser<T> parser) {
    return new LossOption<>(key, Type.CHOICE, defaultValue, null, parser, false);
  }

  /**
   * A vector of one entry per class (or element), each finite and >= 0, with no default (null: all
   * ones). A loss's per-class vectors fix the class count of its rows when given.
   */
  public static LossOption<double[]> classVector(String key) {
    return new LossOption<>(key, Type.VECTOR, null, null, null, true);
  }

  public String key() {
    return key;
  }

  public Type type() {
    return type;
  }

  /** The default, or null (vectors: all ones). */
  public T defaultValue() {
    return defaultValue;
  }

  /** Whether this is a per-class vector, which fixes the class count of the rows when set. */
  public boolean isClassVector() {
    return perClassVector;
  }

  /**
   * Converts and checks a loosely typed value, as SQL literals, config files and typed setters give
   * them: a number, a boolean, a string, or a list/array of numbers.
   *
   * @param loss the loss whose name leads every message
   */
  @SuppressWarnings("unchecked")
  public T convert(Loss loss, Object value) {
    String fn = loss.sqlName();
    if (value == null) {
      throw new LossException(fn + ": option " + key + " is null; give a value or leave it out");
    }
    Object v;
    switch (type) {
      case NUMBER:
        if (!(value instanceof Number)) {
          throw wrongType(fn, value);
        }
        v = ((Number) value).doubleValue();
        break;
      case WHOLE:
        v = toLong(fn, value);
        break;
      case BOOLEAN:
        if (!(value instanceof Boolean)) {
          throw wrongType(fn, value);
        }
        v = value;
        break;
      case CHOICE:
        if (value instanceof CharSequence) {
          v = parser.parse(loss, value.toString());
        } else if (defaultValue != null && defaultValue.getClass().isInstance(value)) {
          // A typed choice is checked as its name is: the loss may take only some of the values.
          v = parser.parse(loss, value.toString());
        } else {
          throw wrongType(fn, value);
        }
        break;
      case VECTOR:
        v = toDoubles(fn, value);
        checkVector(fn, (double[]) v);
        break;
      default:
        throw new IllegalStateException(type.toString());
    }
    T typed = (T) v;
    if (check != null) {
      String problem = check.problem(typed);
      if (problem != null) {
        throw new LossException(fn + ": " + key + " " + problem + ": " + describe(typed));
      }
    }
    return typed;
  }

  private LossException wrongType(String fn, Object value) {
    String expected = type.expected;
    return new LossException(fn + ": " + key + " is " + describe(value) + "; expected " + expected);
  }

  private long toLong(String fn, Object value) {
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p62) {
        return (long) d;
      }
    }
    throw wrongType(fn, value);
  }

  private double[] toDoubles(String fn, Object value) {
    if (value instanceof double[]) {
      return ((double[]) value).clone();
    }
    if (value instanceof float[]) {
      float[] f = (float[]) value;
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return d;
    }
    if (value instanceof Object[]) {
      value = Arrays.asList((Object[]) value);
    }
    if (value instanceof List) {
      List<?> list = (List<?>) value;
      double[] d = new double[list.size()];
      for (int i = 0; i < d.length; i++) {
        Object e = list.get(i);
        if (!(e instanceof Number)) {
          throw new LossException(
              fn + ": " + key + "[" + i + "] is " + describe(e) + "; expected a number");
        }
        d[i] = ((Number) e).doubleValue();
      }
      return d;
    }
    throw wrongType(fn, value);
  }

  private void checkVector(String fn, double[] v) {
    if (v.length == 0) {
      throw new LossException(fn + ": " + key + " is empty; expected one entry per class");
    }
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] >= 0.0) || Double.isInfinite(v[i])) {
        throw new LossException(
            fn
                + ": "
                + key
                + "["
                + i
                + "] must be finite and >= 0: "
                + formatNumber(v[i])
                + " in "
                + formatVector(v));
      }
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
