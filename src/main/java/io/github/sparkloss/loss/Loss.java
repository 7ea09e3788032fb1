package io.github.sparkloss.loss;

import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The descriptor of one PyTorch loss: its positional arguments, its options with their defaults and
 * checks, its reductions, its denominator and per-class rules, the MLlib input kinds it accepts,
 * and its kernel. SQL registration, option validation, binding, the Column API, the job config and
 * the MLlib evaluator all read descriptors from {@link Losses}; adding a loss is one subclass plus
 * one line there.
 */
public abstract class Loss implements Serializable {
  private static final long serialVersionUID = 1L;

  /** PyTorch's {@code reduction}; the default is 'mean' for every aggregate. */
  public static final LossOption<Reduction> REDUCTION =
      LossOption.choice("reduction", Reduction.MEAN, (loss, v) -> Reduction.parse(loss, v));

  /** What to do with a row PyTorch would reject: fail (the default) or skip and count it. */
  public static final LossOption<OnBadRow> ON_BAD_ROW =
      LossOption.choice("on_bad_row", OnBadRow.FAIL, (loss, v) -> OnBadRow.parse(loss, v));

  /**
   * Per-class (or per-element) weights, PyTorch's {@code weight}: one finite entry >= 0 per class;
   * when given, it fixes the class count of the rows.
   */
  public static final LossOption<double[]> WEIGHT = LossOption.classVector("weight");

  /**
   * The confidence level of the stats' interval, in (0, 1); 0.95 by default. Read by {@code
   * name_stats} only.
   */
  public static final LossOption<Double> CONFIDENCE =
      LossOption.number(
          "confidence", 0.95, c -> c > 0.0 && c < 1.0 ? null : "must be in (0, 1), exclusive");

  /** The key of the {@code input_kind} option of the losses that take a distribution per row. */
  public static final String INPUT_KIND_KEY = "input_kind";

  /** How 'mean' divides the loss sum. */
  public enum Denominator {
    /** By the sum over rows of s_n * w[y_n] (class-index targets). */
    TARGET_WEIGHT,
    /** By the sum of s_n: one per row. */
    ROWS,
    /** By C * sum of s_n: every element counts. */
    ELEMENTS
  }

  /** What the per-class breakdown of a loss is. */
  public enum PerClass {
    /** Class c gathers the rows whose target is c. */
    TARGET_CLASS,
    /** Class c is element (column) c of every row. */
    ELEMENT,
    /** The loss has no per-class breakdown. */
    NONE
  }

  /**
   * What the input column holds: the {@code input_kind} option of the losses that take a
   * distribution per row ({@link #inputKindOption()}), and the input kinds of {@code
   * io.github.sparkloss.ml.LossEvaluator}.
   */
  public enum InputKind {
    LOGITS("logits"),
    PROBABILITY("probability"),
    LOG_PROBABILITY("log_probability"),
    /** A value per row or per element, such as a regression model's prediction. */
    VALUE("value");

    private final String key;

    InputKind(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /**
     * Parses {@code value} (any case) as one of the input kinds {@code loss} takes; the message of
     * any other names the loss, the value and the accepted kinds.
     */
    public static InputKind parse(Loss loss, String value) {
      if (value != null) {
        String k = value.toLowerCase(Locale.ROOT);
        for (InputKind kind : loss.inputKinds()) {
          if (kind.key.equals(k)) {
            return kind;
          }
        }
      }
      StringBuilder accepted = new StringBuilder();
      for (InputKind kind : loss.inputKinds()) {
        accepted.append(accepted.length() == 0 ? "" : ", ").append(kind.key);
      }
      String hint = loss.inputKindHint();
      throw new LossException(
          loss
              + ": input_kind '"
              + value
              + "' is not supported; expected one of "
              + accepted
              + (hint == null ? "" : " (" + hint + ")"));
    }

    @Override
    public String toString() {
      return key;
    }
  }

  /**
   * The {@code input_kind} option of a loss that takes a distribution per row, defaulting to {@code
   * natural}, the input PyTorch's function takes: the input column holds logits, probabilities or
   * log-probabilities, one of the loss's {@link #inputKinds()}, and {@link #evaluation} says what
   * the loss is evaluated on.
   */
  protected static LossOption<InputKind> inputKind(InputKind natural) {
    return LossOption.choice(INPUT_KIND_KEY, natural, InputKind::parse);
  }

  private final String name;
  private transient List<LossOption<?>> options;
  private transient List<Arg> arguments;

  protected Loss(String name) {
    this.name = name;
  }

  /** The SQL and PyTorch name, e.g. {@code cross_entropy}. */
  public final String sqlName() {
    return name;
  }

  /** The function this loss reproduces, for documentation: {@code torch.nn.functional.<name>}. */
  public String reference() {
    return "torch.nn.functional." + name;
  }

  /** The positional arguments, in PyTorch's order. */
  public final List<Arg> arguments() {
    List<Arg> a = arguments;
    if (a == null) {
      a = arguments = List.copyOf(declareArguments());
    }
    return a;
  }

  /** The positional arguments this loss declares, in PyTorch's order. */
  protected abstract List<Arg> declareArguments();

  /**
   * This loss's own options in documentation order; reduction, on_bad_row and confidence come
   * after.
   */
  protected abstract List<LossOption<?>> ownOptions();

  /** Every option this loss takes, in documentation order. */
  public final List<LossOption<?>> options() {
    List<LossOption<?>> o = options;
    if (o == null) {
      List<LossOption<?>> all = new ArrayList<>(ownOptions());
      all.add(REDUCTION);
      all.add(ON_BAD_ROW);
      all.add(CONFIDENCE);
      o = options = Collections.unmodifiableList(all);
    }
    return o;
  }

  /** The option called {@code key} (any case), or null. */
  public final LossOption<?> option(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (LossOption<?> o : options()) {
      if (o.key().equals(k)) {
        return o;
      }
    }
    return null;
  }

  /** The reductions this loss takes. */
  public Set<Reduction> reductions() {
    return EnumSet.of(Reduction.NONE, Reduction.SUM, Reduction.MEAN);
  }

  /** Checks options together, after each was checked alone; throws a {@link LossException}. */
  public void validate(LossOptions options) {}

  /** The target's kind for the given argument shapes. */
  public TargetKind targetKind(boolean targetIsVector) {
    return takesClassIndex() && !targetIsVector ? TargetKind.CLASS_INDEX : TargetKind.ELEMENTWISE;
  }

  /** How 'mean' divides, for a target of {@code kind}. */
  public abstract Denominator denominator(TargetKind kind);

  /** What per_class means for a target of {@code kind}. */
  public abstract PerClass perClass(TargetKind kind);

  /** Whether the loss has a per-class breakdown for some target kind. */
  public final boolean hasPerClass() {
    for (TargetKind kind : TargetKind.values()) {
      if (perClass(kind) != PerClass.NONE) {
        return true;
      }
    }
    return false;
  }

  /** Checks what depends on the bound columns, before any row is read. */
  public void checkBinding(LossOptions options, Binding binding) {}

  /** The kernel of this loss under {@code options} for {@code binding}. */
  public abstract Kernel kernel(LossOptions options, Binding binding);

  /**
   * The input kinds this loss evaluates: the values of its {@code input_kind} option when it has
   * one ({@link #inputKindOption()}), and the input kinds of {@code LossEvaluator}.
   */
  public abstract List<InputKind> inputKinds();

  /** This loss's {@code input_kind} option, or null when its input has one meaning only. */
  @SuppressWarnings("unchecked")
  public final LossOption<InputKind> inputKindOption() {
    return (LossOption<InputKind>) option(INPUT_KIND_KEY);
  }

  /** A hint after the accepted input kinds in the messages of a kind this loss does not take. */
  public String inputKindHint() {
    return null;
  }

  /**
   * What a call of this loss on input of kind {@code kind} (one of {@link #inputKinds()}) is
   * evaluated as: this loss, or one that gives the same numbers on the input's logarithm. Binding a
   * call applies it to the call's {@code input_kind}, so SQL, the job, the Column API and {@code
   * LossEvaluator} evaluate every kind the same way.
   *
   * @param indexTarget whether the target is a class index
   */
  public Evaluation evaluation(InputKind kind, LossOptions options, boolean indexTarget) {
    return new Evaluation(options, kind == InputKind.PROBABILITY);
  }

  /**
   * What a loss is evaluated as.
   *
   * @param options the loss and options to evaluate
   * @param takeLog whether each input element x is replaced by {@code ln(x)} first, as {@code
   *     torch.log} takes it: {@code ln(0) = -Infinity}, no clipping; the input is then checked to
   *     be probabilities in [0, 1]
   */
  public record Evaluation(LossOptions options, boolean takeLog) {}

  /** Whether a positional argument takes class indices. */
  public final boolean takesClassIndex() {
    for (Arg a : arguments()) {
      if (a.accepts() == Arg.Accepts.CLASS_INDEX
          || a.accepts() == Arg.Accepts.CLASS_INDEX_OR_PROBABILITIES) {
        return true;
      }
    }
    return false;
  }

  /** The per-class vector option that fixes the class count, given first when several are set. */
  public final LossOption<double[]> classCountOption(LossOptions o) {
    for (LossOption<?> opt : options()) {
      if (opt.isClassVector() && o.isSet(opt)) {
        @SuppressWarnings("unchecked")
        LossOption<double[]> v = (LossOption<double[]>) opt;
        return v;
      }
    }
    return null;
  }

  /** Looks a loss up by its SQL name. */
  public static Loss fromSqlName(String name) {
    Loss loss = Losses.byName(name);
    if (loss == null) {
      throw new LossException(
          "unknown loss '" + name + "'; expected one of " + String.join(", ", Losses.names()));
    }
    return loss;
  }

  /** Every loss, in registry order. */
  public static List<Loss> all() {
    return Losses.all();
  }

  /** A deserialized descriptor is the registry's instance. */
  protected final Object readResolve() throws ObjectStreamException {
    Loss registered = Losses.byName(name);
    return registered != null ? registered : this;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof Loss && ((Loss) o).name.equals(name);
  }

  @Override
  public final int hashCode() {
    return name.hashCode();
  }

  @Override
  public final String toString() {
    return name;
  }
}
