package io.github.sparkloss.options;

import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.loss.LossOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one loss, named as PyTorch names them, validated once when built: before any row
 * is read. Which options a loss takes, their defaults and their checks come from its {@link Loss
 * descriptor}.
 *
 * <pre>{@code
 * LossOptions o = LossOptions.builder(Loss.fromSqlName("cross_entropy"))
 *     .weight(1.0, 2.0, 0.5).set("label_smoothing", 0.1).reduction(Reduction.SUM).build();
 * }</pre>
 *
 * <p>Options that do not apply to the loss (say {@code pos_weight} for {@code cross_entropy}) are
 * rejected rather than ignored, so a misplaced option never goes unnoticed.
 */
public final class LossOptions implements java.io.Serializable {
  private static final long serialVersionUID = 2L;

  /** PyTorch's default ignore_index. */
  public static final long DEFAULT_IGNORE_INDEX = -100L;

  private final Loss loss;

  /** The options given explicitly, by key, in the loss's documentation order. */
  private final Map<String, Object> values;

  private LossOptions(Loss loss, Map<String, Object> values) {
    this.loss = loss;
    this.values = values;
  }

  public static Builder builder(Loss loss) {
    return new Builder(loss);
  }

  /** The defaults of {@code loss}: PyTorch's, with reduction mean and on_bad_row fail. */
  public static LossOptions defaults(Loss loss) {
    return builder(loss).build();
  }

  public Loss loss() {
    return loss;
  }

  /** The value of {@code option}: as given, or its default (null for an unset vector). */
  @SuppressWarnings("unchecked")
  public <T> T get(LossOption<T> option) {
    Object v = values.get(option.key());
    if (v == null) {
      return option.defaultValue();
    }
    return v instanceof double[] ? (T) ((double[]) v).clone() : (T) v;
  }

  /** Whether {@code option} was given explicitly (even with its default value). */
  public boolean isSet(LossOption<?> option) {
    return values.containsKey(option.key());
  }

  /** Per-class weights, or null for all ones (losses without a weight option: null). */
  public double[] weight() {
    LossOption<?> o = loss.option("weight");
    return o == null ? null : (double[]) get(o);
  }

  public Reduction reduction() {
    return get(Loss.REDUCTION);
  }

  public OnBadRow onBadRow() {
    return get(Loss.ON_BAD_ROW);
  }

  /** The confidence level of the stats' interval. */
  public double confidence() {
    return get(Loss.CONFIDENCE);
  }

  /** The same options with another reduction (validated again). */
  public LossOptions withReduction(Reduction r) {
    return toBuilder().reduction(r).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(loss);
    b.values.putAll(values);
    return b;
  }

  /**
   * The options as SQL named arguments give them: every option given explicitly, plus reduction and
   * on_bad_row; values are numbers, booleans, strings or double[]. {@code builder(loss)} with each
   * entry {@link Builder#set set} rebuilds equal options.
   */
  public Map<String, Object> namedArguments() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (LossOption<?> o : loss.options()) {
      Object v = o == Loss.REDUCTION || o == Loss.ON_BAD_ROW ? get(o) : values.get(o.key());
      if (v instanceof double[]) {
        v = ((double[]) v).clone();
      } else if (v instanceof Enum) {
        // Choices (reduction, on_bad_row, input_kind) by the names SQL gives them.
        v = v.toString();
      }
      if (v != null) {
        m.put(o.key(), v);
      }
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LossOptions)) {
      return false;
    }
    LossOptions other = (LossOptions) o;
    if (!loss.equals(other.loss)) {
      return false;
    }
    for (LossOption<?> opt : loss.options()) {
      if (!java.util.Objects.deepEquals(get(opt), other.get(opt))
          || isSet(opt) != other.isSet(opt)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = loss.hashCode();
    for (LossOption<?> opt : loss.options()) {
      Object v = get(opt);
      h =
          31 * h
              + (v instanceof double[]
                  ? Arrays.hashCode((double[]) v)
                  : java.util.Objects.hashCode(v));
    }
    return h;
  }

  /**
   * Every option with its value: vectors and confidence when given, the others always, e.g. {@code
   * cross_entropy(reduction=mean, ignore_index=-100, label_smoothing=0.0, on_bad_row=fail)}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(loss.sqlName()).append('(');
    sb.append("reduction=").append(reduction());
    for (LossOption<?> o : loss.options()) {
      if (o == Loss.REDUCTION || o == Loss.ON_BAD_ROW || (o == Loss.CONFIDENCE && !isSet(o))) {
        continue;
      }
      Object v = get(o);
      if (v instanceof double[]) {
        sb.append(", ").append(o.key()).append('=').append(Arrays.toString((double[]) v));
      } else if (v != null) {
        sb.append(", ").append(o.key()).append('=').append(v);
      }
    }
    return sb.append(", on_bad_row=").append(onBadRow()).append(')').toString();
  }

  /** Collects options; {@link #build()} validates them together. */
  public static final class Builder {
    private final Loss loss;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder(Loss loss) {
      this.loss = loss;
    }

    /** Sets a typed option; the loss must take it. */
    public <T> Builder set(LossOption<T> option, T value) {
      if (loss.option(option.key()) != option) {
        throw notTaken(option.key());
      }
      values.put(option.key(), option.convert(loss, value));
      return this;
    }

    private LossException notTaken(String key) {
      return new LossException(
          loss + ": option " + key + " does not apply; " + loss + " takes " + allowedList(loss));
    }

    /** Per-class weights (losses with a weight option). */
    public Builder weight(double... w) {
      return set("weight", w);
    }

    public Builder reduction(Reduction r) {
      return set(Loss.REDUCTION, r);
    }

    public Builder reduction(String r) {
      return set(Loss.REDUCTION.key(), r);
    }

    public Builder onBadRow(OnBadRow p) {
      return set(Loss.ON_BAD_ROW, p);
    }

    public Builder onBadRow(String p) {
      return set(Loss.ON_BAD_ROW.key(), p);
    }

    /**
     * Sets an option from a loosely typed value, as SQL literals and config files give them: a
     * number, a boolean, a string, or a list/array of numbers. The message of a wrong value names
     * the option, the value and what is allowed.
     */
    public Builder set(String key, Object value) {
      LossOption<?> o = loss.option(key);
      if (o == null) {
        if (Loss.all().stream().anyMatch(l -> l.option(key) != null)) {
          throw notTaken(key.toLowerCase(java.util.Locale.ROOT));
        }
        throw new LossException(
            loss + ": unknown option '" + key + "'; " + loss + " takes " + allowedList(loss));
      }
      values.put(o.key(), o.convert(loss, value));
      return this;
    }

    /** Validates the options together; every message names the option, value and allowed set. */
    public LossOptions build() {
      Map<String, Object> ordered = new LinkedHashMap<>();
      for (LossOption<?> o : loss.options()) {
        if (values.containsKey(o.key())) {
          ordered.put(o.key(), values.get(o.key()));
        }
      }
      LossOptions options = new LossOptions(loss, ordered);
      if (options.reduction() == Reduction.BATCHMEAN
          && !loss.reductions().contains(Reduction.BATCHMEAN)) {
        throw new LossException(
            loss
                + ": reduction 'batchmean' is only defined for kl_div; expected one of "
                + Reduction.list(loss));
      }
      loss.validate(options);
      return options;
    }
  }

  /** The option keys {@code loss} takes, as one text. */
  public static String allowedList(Loss loss) {
    StringBuilder sb = new StringBuilder();
    for (LossOption<?> o : loss.options()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(o.key());
    }
    return sb.toString();
  }

  /** A value as the user wrote it: numbers plainly, strings quoted. */
  public static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof CharSequence) {
      return "'" + v + "'";
    }
    if (v instanceof Double || v instanceof Float) {
      return formatNumber(((Number) v).doubleValue());
    }
    if (v instanceof double[]) {
      return formatVector((double[]) v);
    }
    if (v instanceof List || v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    return String.valueOf(v) + " (" + v.getClass().getSimpleName() + ")";
  }

  /** A double without a trailing ".0" for whole numbers: 7 rather than 7.0, 3.5 as is. */
  public static String formatNumber(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** A vector as {@code [1, 2.5, NaN]}. */
  public static String formatVector(double[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (i == 16 && v.length > 20) {
        sb.append("... (").append(v.length).append(" entries)");
        break;
      }
      sb.append(formatNumber(v[i]));
    }
    return sb.append(']').toString();
  }
}
