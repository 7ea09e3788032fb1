package io.github.sparkloss.options;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The options of one loss, named as PyTorch names them, validated once when built: before any row
 * is read.
 *
 * <pre>{@code
 * LossOptions o = LossOptions.builder(Loss.CROSS_ENTROPY)
 *     .weight(1.0, 2.0, 0.5).labelSmoothing(0.1).reduction(Reduction.SUM).build();
 * }</pre>
 *
 * <p>Options that do not apply to the loss (say {@code pos_weight} for {@code cross_entropy}) are
 * rejected rather than ignored, so a misplaced option never goes unnoticed.
 */
public final class LossOptions implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** PyTorch's default ignore_index. */
  public static final long DEFAULT_IGNORE_INDEX = -100L;

  /** The option names, as PyTorch spells its arguments. */
  public enum Option {
    WEIGHT("weight"),
    IGNORE_INDEX("ignore_index"),
    LABEL_SMOOTHING("label_smoothing"),
    POS_WEIGHT("pos_weight"),
    LOG_TARGET("log_target"),
    REDUCTION("reduction"),
    ON_BAD_ROW("on_bad_row");

    private final String key;

    Option(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** The option called {@code key}, or null. */
    public static Option byKey(String key) {
      String k = key.toLowerCase(Locale.ROOT);
      for (Option o : values()) {
        if (o.key.equals(k)) {
          return o;
        }
      }
      return null;
    }

    /** The options {@code loss} accepts. */
    public static Set<Option> allowedFor(Loss loss) {
      EnumSet<Option> s = EnumSet.of(WEIGHT, REDUCTION, ON_BAD_ROW);
      switch (loss) {
        case CROSS_ENTROPY:
          s.add(IGNORE_INDEX);
          s.add(LABEL_SMOOTHING);
          break;
        case NLL_LOSS:
          s.add(IGNORE_INDEX);
          break;
        case BINARY_CROSS_ENTROPY_WITH_LOGITS:
          s.add(POS_WEIGHT);
          break;
        case KL_DIV:
          s.add(LOG_TARGET);
          break;
        default:
          break;
      }
      return s;
    }

    @Override
    public String toString() {
      return key;
    }
  }

  private final Loss loss;
  private final double[] weight;
  private final long ignoreIndex;
  private final boolean ignoreIndexSet;
  private final double labelSmoothing;
  private final double[] posWeight;
  private final boolean logTarget;
  private final Reduction reduction;
  private final OnBadRow onBadRow;

  private LossOptions(Builder b) {
    this.loss = b.loss;
    this.weight = b.weight;
    this.ignoreIndex = b.ignoreIndex;
    this.ignoreIndexSet = b.ignoreIndexSet;
    this.labelSmoothing = b.labelSmoothing;
    this.posWeight = b.posWeight;
    this.logTarget = b.logTarget;
    this.reduction = b.reduction;
    this.onBadRow = b.onBadRow;
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

  /** Per-class weights, or null for all ones. */
  public double[] weight() {
    return weight == null ? null : weight.clone();
  }

  double[] weightRef() {
    return weight;
  }

  public long ignoreIndex() {
    return ignoreIndex;
  }

  /** Whether ignore_index was given explicitly (not PyTorch's default -100). */
  public boolean ignoreIndexSet() {
    return ignoreIndexSet;
  }

  public double labelSmoothing() {
    return labelSmoothing;
  }

  /** pos_weight per class, or null for all ones. */
  public double[] posWeight() {
    return posWeight == null ? null : posWeight.clone();
  }

  double[] posWeightRef() {
    return posWeight;
  }

  public boolean logTarget() {
    return logTarget;
  }

  public Reduction reduction() {
    return reduction;
  }

  public OnBadRow onBadRow() {
    return onBadRow;
  }

  /** The same options with another reduction (validated again). */
  public LossOptions withReduction(Reduction r) {
    return toBuilder().reduction(r).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(loss);
    b.weight = weight;
    b.ignoreIndex = ignoreIndex;
    b.ignoreIndexSet = ignoreIndexSet;
    b.labelSmoothing = labelSmoothing;
    b.posWeight = posWeight;
    b.logTarget = logTarget;
    b.reduction = reduction;
    b.onBadRow = onBadRow;
    return b;
  }

  /**
   * The options as SQL named arguments would give them: every option that differs from its default,
   * plus reduction and on_bad_row; values are numbers, booleans, strings or double[]. {@code
   * builder(loss)} with each entry {@link Builder#set set} rebuilds equal options.
   */
  public java.util.Map<String, Object> namedArguments() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (weight != null) {
      m.put(Option.WEIGHT.key(), weight.clone());
    }
    if (ignoreIndexSet) {
      m.put(Option.IGNORE_INDEX.key(), ignoreIndex);
    }
    if (labelSmoothing != 0.0) {
      m.put(Option.LABEL_SMOOTHING.key(), labelSmoothing);
    }
    if (posWeight != null) {
      m.put(Option.POS_WEIGHT.key(), posWeight.clone());
    }
    if (logTarget) {
      m.put(Option.LOG_TARGET.key(), true);
    }
    m.put(Option.REDUCTION.key(), reduction.sqlName());
    m.put(Option.ON_BAD_ROW.key(), onBadRow.sqlName());
    return m;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(loss.sqlName()).append('(');
    sb.append("reduction=").append(reduction);
    if (weight != null) {
      sb.append(", weight=").append(Arrays.toString(weight));
    }
    if (loss.takesClassIndices()) {
      sb.append(", ignore_index=").append(ignoreIndex);
    }
    if (loss == Loss.CROSS_ENTROPY) {
      sb.append(", label_smoothing=").append(labelSmoothing);
    }
    if (posWeight != null) {
      sb.append(", pos_weight=").append(Arrays.toString(posWeight));
    }
    if (loss == Loss.KL_DIV) {
      sb.append(", log_target=").append(logTarget);
    }
    return sb.append(", on_bad_row=").append(onBadRow).append(')').toString();
  }

  /** Collects options; {@link #build()} validates them together. */
  public static final class Builder {
    private final Loss loss;
    private double[] weight;
    private long ignoreIndex = DEFAULT_IGNORE_INDEX;
    private boolean ignoreIndexSet;
    private double labelSmoothing;
    private double[] posWeight;
    private boolean logTarget;
    private Reduction reduction = Reduction.MEAN;
    private OnBadRow onBadRow = OnBadRow.FAIL;

    private Builder(Loss loss) {
      this.loss = loss;
    }

    private void mark(Option o) {
      if (!Option.allowedFor(loss).contains(o)) {
        throw new LossException(
            loss + ": option " + o + " does not apply; " + loss + " takes " + allowedList(loss));
      }
    }

    public Builder weight(double... w) {
      mark(Option.WEIGHT);
      this.weight = w == null ? null : w.clone();
      return this;
    }

    public Builder ignoreIndex(long index) {
      mark(Option.IGNORE_INDEX);
      this.ignoreIndex = index;
      this.ignoreIndexSet = true;
      return this;
    }

    public Builder labelSmoothing(double e) {
      mark(Option.LABEL_SMOOTHING);
      this.labelSmoothing = e;
      return this;
    }

    public Builder posWeight(double... pw) {
      mark(Option.POS_WEIGHT);
      this.posWeight = pw == null ? null : pw.clone();
      return this;
    }

    public Builder logTarget(boolean b) {
      mark(Option.LOG_TARGET);
      this.logTarget = b;
      return this;
    }

    public Builder reduction(Reduction r) {
      mark(Option.REDUCTION);
      this.reduction = r;
      return this;
    }

    public Builder reduction(String r) {
      return reduction(Reduction.parse(loss, r));
    }

    public Builder onBadRow(OnBadRow p) {
      mark(Option.ON_BAD_ROW);
      this.onBadRow = p;
      return this;
    }

    public Builder onBadRow(String p) {
      return onBadRow(OnBadRow.parse(loss, p));
    }

    /**
     * Sets an option from a loosely typed value, as SQL literals and config files give them: a
     * number, a boolean, a string, or a list/array of numbers. The message of a wrong value names
     * the option, the value and what is allowed.
     */
    public Builder set(String key, Object value) {
      Option o = Option.byKey(key);
      if (o == null) {
        throw new LossException(
            loss + ": unknown option '" + key + "'; " + loss + " takes " + allowedList(loss));
      }
      if (value == null) {
        throw new LossException(
            loss + ": option " + key + " is null; give a value or leave it out");
      }
      switch (o) {
        case WEIGHT:
          return weight(toDoubles(o, value));
        case POS_WEIGHT:
          return posWeight(toDoubles(o, value));
        case IGNORE_INDEX:
          return ignoreIndex(toLong(o, value));
        case LABEL_SMOOTHING:
          return labelSmoothing(toDouble(o, value));
        case LOG_TARGET:
          return logTarget(toBoolean(o, value));
        case REDUCTION:
          return reduction(toStr(o, value));
        case ON_BAD_ROW:
          return onBadRow(toStr(o, value));
        default:
          throw new AssertionError(o);
      }
    }

    /** Validates the options together; every message names the option, value and allowed set. */
    public LossOptions build() {
      if (reduction == Reduction.BATCHMEAN && loss != Loss.KL_DIV) {
        throw new LossException(
            loss
                + ": reduction 'batchmean' is only defined for kl_div; expected one of none, sum,"
                + " mean");
      }
      if (!(labelSmoothing >= 0.0 && labelSmoothing <= 1.0)) {
        throw new LossException(
            loss + ": label_smoothing must be in [0, 1]: " + formatNumber(labelSmoothing));
      }
      checkVector(Option.WEIGHT, weight);
      checkVector(Option.POS_WEIGHT, posWeight);
      if (weight != null && posWeight != null && weight.length != posWeight.length) {
        throw new LossException(
            loss
                + ": weight has "
                + weight.length
                + " entries but pos_weight has "
                + posWeight.length
                + "; expected one entry per class in both");
      }
      return new LossOptions(this);
    }

    private void checkVector(Option o, double[] v) {
      if (v == null) {
        return;
      }
      if (v.length == 0) {
        throw new LossException(loss + ": " + o + " is empty; expected one entry per class");
      }
      for (int i = 0; i < v.length; i++) {
        if (!(v[i] >= 0.0) || Double.isInfinite(v[i])) {
          throw new LossException(
              loss
                  + ": "
                  + o
                  + "["
                  + i
                  + "] must be finite and >= 0: "
                  + formatNumber(v[i])
                  + " in "
                  + formatVector(v));
        }
      }
    }

    private double[] toDoubles(Option o, Object value) {
      if (value instanceof double[]) {
        return (double[]) value;
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
                loss + ": " + o + "[" + i + "] is " + describe(e) + "; expected a number");
          }
          d[i] = ((Number) e).doubleValue();
        }
        return d;
      }
      throw new LossException(
          loss + ": " + o + " is " + describe(value) + "; expected an array of numbers");
    }

    private double toDouble(Option o, Object value) {
      if (value instanceof Number) {
        return ((Number) value).doubleValue();
      }
      throw new LossException(loss + ": " + o + " is " + describe(value) + "; expected a number");
    }

    private long toLong(Option o, Object value) {
      if (value instanceof Number) {
        Number n = (Number) value;
        double d = n.doubleValue();
        if (value instanceof Long
            || value instanceof Integer
            || value instanceof Short
            || value instanceof Byte) {
          return n.longValue();
        }
        if (d == Math.rint(d) && Math.abs(d) < 0x1p62) {
          return (long) d;
        }
      }
      throw new LossException(
          loss + ": " + o + " is " + describe(value) + "; expected a whole number");
    }

    private boolean toBoolean(Option o, Object value) {
      if (value instanceof Boolean) {
        return (Boolean) value;
      }
      throw new LossException(
          loss + ": " + o + " is " + describe(value) + "; expected true or false");
    }

    private String toStr(Option o, Object value) {
      if (value instanceof CharSequence) {
        return value.toString();
      }
      throw new LossException(loss + ": " + o + " is " + describe(value) + "; expected a string");
    }
  }

  static String allowedList(Loss loss) {
    StringBuilder sb = new StringBuilder();
    for (Option o : Option.allowedFor(loss)) {
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
