package io.github.sparkloss.eval;

import io.github.sparkloss.loss.Binding;
import io.github.sparkloss.loss.Kernel;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.loss.LossOption;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import io.github.sparkloss.state.LossState;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A loss bound to its options, its argument shapes and its column names: everything checked, ready
 * for the per-row path. It runs the row checks shared by every loss, hands the row to the loss's
 * {@link Kernel}, and adds the typed {@link Outcome} to a {@link LossState} (or returns the row's
 * own loss for reduction {@code none}); {@link Reducer} turns a state into the result.
 *
 * <p>A loss with an {@code input_kind} is bound to what its {@link Loss#evaluation evaluation}
 * says: for probabilities, each row's input is checked to be in [0, 1] and its logarithm taken into
 * a scratch array of this instance (the row's own arrays may be shared by several losses), and the
 * kernel may be another loss's (cross_entropy of probabilities is nll_loss of their logarithm).
 * Options, messages and results stay those of the loss called.
 *
 * <pre>{@code
 * BoundLoss ce = BoundLoss.bind(LossOptions.defaults(Loss.fromSqlName("cross_entropy")),
 *     TargetKind.CLASS_INDEX, ColumnNames.of("logits", "label", null), false, false);
 * LossState state = ce.newState();
 * ce.add(state, row);            // once per row
 * double mean = ce.value(state);
 * }</pre>
 */
public final class BoundLoss implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Names of the columns a loss reads, for error messages. */
  public record ColumnNames(List<String> arguments, String sampleWeight) implements Serializable {
    /** The columns of a loss of two arguments, input and target. */
    public static ColumnNames of(String input, String target, String sampleWeight) {
      return new ColumnNames(Arrays.asList(input, target), sampleWeight);
    }

    /** The column of the first argument. */
    public String input() {
      return arguments.get(0);
    }

    /** The column of the second argument. */
    public String target() {
      return arguments.get(1);
    }

    /** The column of argument {@code i}. */
    public String argument(int i) {
      return arguments.get(i);
    }
  }

  private final LossOptions options;
  private final Loss loss;
  private final Binding binding;
  private final boolean perClass;
  private final Loss.PerClass perClassKind;
  private final Kernel kernel;

  /** Whether each row's input is replaced by its logarithm before the kernel sees it. */
  private final boolean takeLog;

  private final RowChecks checks;
  private final Reducer reducer;

  /** What states keep for standard errors: NONE unless bound for the stats. */
  private final LossState.Uncertainty uncertainty;

  /** The argument names, for messages. */
  private final String[] argNames;

  /** For each argument after the first: whether it must have the first one's length. */
  private final boolean[] aligned;

  /** The class count fixed by a per-class option, or -1 when rows decide it. */
  private final int fixedClasses;

  private final String fixedBy;

  /** Scratch for one row's outcome; per instance, and an instance serves one thread. */
  private transient RowResult result;

  /** Scratch for the row the kernel sees when the input's logarithm is taken; as above. */
  private transient RowInput logRow;

  private BoundLoss(LossOptions options, Binding binding, boolean perClass, boolean stdError) {
    this.options = options;
    this.loss = options.loss();
    this.binding = binding;
    this.perClass = perClass;
    Loss.Evaluation evaluation = evaluation(options, binding);
    LossOptions evaluated = evaluation.options();
    Loss evaluatedLoss = evaluated.loss();
    this.perClassKind = evaluatedLoss.perClass(binding.kind());
    this.kernel = evaluatedLoss.kernel(evaluated, binding);
    this.takeLog = evaluation.takeLog();
    this.checks = new RowChecks(loss.sqlName(), binding, options.onBadRow() == OnBadRow.SKIP);
    LossOption<double[]> fixing = loss.classCountOption(options);
    this.fixedClasses = fixing == null ? -1 : options.get(fixing).length;
    this.fixedBy = fixing == null ? null : fixing.key();
    this.reducer =
        new Reducer(
            options.reduction(),
            evaluatedLoss.denominator(binding.kind()),
            perClassKind,
            fixedClasses,
            loss,
            loss.options().contains(Loss.WEIGHT) ? options.get(Loss.WEIGHT) : null,
            options.confidence());
    this.uncertainty = stdError ? reducer.uncertainty() : LossState.Uncertainty.NONE;
    List<io.github.sparkloss.loss.Arg> args = loss.arguments();
    this.argNames = args.stream().map(io.github.sparkloss.loss.Arg::name).toArray(String[]::new);
    this.aligned = new boolean[args.size()];
    for (int i = 1; i < args.size(); i++) {
      switch (args.get(i).accepts()) {
        case LIKE_FIRST:
        case CLASS_INDICES:
          aligned[i] = true;
          break;
        case LIKE_FIRST_OR_ROW_VALUE:
        case CLASS_INDEX_OR_PROBABILITIES:
        case VECTOR:
          aligned[i] = binding.isVector(i);
          break;
        default:
          aligned[i] = false;
      }
    }
  }

  /** What {@code options} are evaluated as on {@code binding}'s columns, by their input_kind. */
  private static Loss.Evaluation evaluation(LossOptions options, Binding binding) {
    Loss loss = options.loss();
    LossOption<Loss.InputKind> inputKind = loss.inputKindOption();
    if (inputKind == null) {
      return new Loss.Evaluation(options, false);
    }
    return loss.evaluation(
        options.get(inputKind), options, binding.kind() == TargetKind.CLASS_INDEX);
  }

  /**
   * Binds validated options to resolved argument shapes, checking what depends on them.
   *
   * @param perClass whether states keep the per-class breakdown
   */
  public static BoundLoss bind(LossOptions options, Binding binding, boolean perClass) {
    return bind(options, binding, perClass, false);
  }

  /**
   * Binds validated options to resolved argument shapes, checking what depends on them.
   *
   * @param perClass whether states keep the per-class breakdown
   * @param stdError whether states keep the exact moments behind the standard error and interval
   *     (reductions that aggregate only)
   */
  public static BoundLoss bind(
      LossOptions options, Binding binding, boolean perClass, boolean stdError) {
    Loss loss = options.loss();
    if (perClass && loss.perClass(binding.kind()) == Loss.PerClass.NONE) {
      throw new LossException(
          loss + ": per_class does not apply; " + loss + " gives one loss per row, not per class");
    }
    if (binding.scalarInput()) {
      LossOption<double[]> fixing = loss.classCountOption(options);
      if (fixing != null && options.get(fixing).length != 1) {
        throw new LossException(
            loss
                + ": "
                + fixing.key()
                + " has "
                + options.get(fixing).length
                + " entries but column "
                + binding.column(0)
                + " holds one value per row; expected 1 entry");
      }
    }
    loss.checkBinding(options, binding);
    return new BoundLoss(
        options, binding, perClass, stdError && options.reduction() != Reduction.NONE);
  }

  /**
   * Binds a loss of two arguments, input and target.
   *
   * @param scalarInput whether input and target are plain numeric columns (one element per row)
   */
  public static BoundLoss bind(
      LossOptions options,
      TargetKind kind,
      ColumnNames columns,
      boolean perClass,
      boolean scalarInput) {
    Loss loss = options.loss();
    if (kind == TargetKind.CLASS_INDEX && !loss.takesClassIndex()) {
      throw new LossException(
          loss
              + ": class-index targets do not apply; expected element-wise"
              + " targets of the input's shape");
    }
    if (kind == TargetKind.PROBABILITIES && loss.targetKind(true) != TargetKind.PROBABILITIES) {
      throw new LossException(
          loss
              + ": probability targets apply to cross_entropy only;"
              + " expected a class index in column "
              + columns.target());
    }
    if (kind == TargetKind.ELEMENTWISE && loss.takesClassIndex()) {
      throw new LossException(loss + ": element-wise targets do not apply; expected class indices");
    }
    boolean[] vector = {!scalarInput, kind != TargetKind.CLASS_INDEX && !scalarInput};
    return bind(options, new Binding(kind, vector, columns), perClass);
  }

  public LossOptions options() {
    return options;
  }

  public Loss loss() {
    return loss;
  }

  public TargetKind targetKind() {
    return binding.kind();
  }

  public ColumnNames columns() {
    return binding.columns();
  }

  public boolean perClass() {
    return perClass;
  }

  public boolean scalarInput() {
    return binding.scalarInput();
  }

  /** Whether reduction 'none' gives a vector per row (element-wise losses over vectors). */
  public boolean elementResults() {
    return reducer.denominator() == Loss.Denominator.ELEMENTS && !binding.scalarInput();
  }

  /** A new empty state for this loss: the identity of {@link #merge}. */
  public LossState newState() {
    return new LossState(perClass, uncertainty);
  }

  /** Whether states keep the moments behind the standard error. */
  public boolean stdError() {
    return uncertainty != LossState.Uncertainty.NONE;
  }

  /** Counts a row whose input, target or sample weight is null: skipped, as SQL skips nulls. */
  public void addNullRow(LossState state) {
    state.countNull();
  }

  /**
   * A row that cannot be read (a null element inside an array): fails or is counted as bad.
   *
   * @param column the column holding the array
   */
  public void addNullElementRow(LossState state, String column, int index) {
    checks.reject(
        "column " + column + " has a null element at index " + index + "; expected a number");
    state.countBad();
  }

  private RowResult result(boolean elements, int n) {
    RowResult out = result;
    if (out == null) {
      out = result = new RowResult();
    }
    out.reset();
    if (elements) {
      if (out.elements == null || out.elements.length < n) {
        out.elements = new double[Math.max(n, 16)];
      }
    } else {
      out.elements = null;
    }
    return out;
  }

  /** Checks and evaluates a row; {@code state} (may be null) tracks the group's class count. */
  private Outcome evaluate(LossState state, RowInput r, RowResult out) {
    Outcome o = checkRow(state, r);
    if (o != Outcome.EVALUATED) {
      return o;
    }
    if (takeLog) {
      RowInput logs = logRow(r);
      if (logs == null) {
        return Outcome.BAD;
      }
      r = logs;
    }
    return kernel.evaluate(r, out, checks);
  }

  /**
   * The row with its input replaced by the input's logarithm, as {@code torch.log} takes it ({@code
   * ln(0) = -Infinity}, no clipping), in this instance's scratch; the other arguments are the row's
   * own arrays, which kernels only read. Null for a bad row under skip: an input element outside
   * [0, 1] (or NaN) is no probability.
   */
  private RowInput logRow(RowInput r) {
    int n = r.n;
    double[] x = r.x;
    for (int k = 0; k < n; k++) {
      if (checks.probability(x[k], argNames[0], 0, k) == Outcome.BAD) {
        return null;
      }
    }
    RowInput logs = logRow;
    if (logs == null) {
      logs = logRow = new RowInput();
    }
    double[] lx = logs.input(n);
    for (int k = 0; k < n; k++) {
      lx[k] = Math.log(x[k]);
    }
    logs.t = r.t;
    logs.tn = r.tn;
    logs.u = r.u;
    logs.un = r.un;
    logs.index = r.index;
    logs.indexAsDouble = r.indexAsDouble;
    logs.indexIsDouble = r.indexIsDouble;
    logs.sampleWeight = r.sampleWeight;
    return logs;
  }

  /** Evaluates one row into {@code state}, or counts it as ignored or bad. */
  public void add(LossState state, RowInput r) {
    boolean elements = perClass && perClassKind == Loss.PerClass.ELEMENT;
    RowResult out = result(elements, r.n);
    switch (evaluate(state, r, out)) {
      case BAD:
        state.countBad();
        return;
      case IGNORED:
        state.countIgnored();
        return;
      default:
        break;
    }
    double s = r.sampleWeight;
    // A row of sample weight 0 is evaluated and counted but adds nothing, not even a NaN.
    double l = s == 0.0 ? 0.0 : out.loss;
    double d = out.denominator;
    if (s != 1.0) {
      l *= s;
      d *= s;
    }
    state.addRow(l, d);
    if (perClass || uncertainty != LossState.Uncertainty.NONE) {
      addBreakdown(state, r, out, s, l, d);
    }
  }

  /**
   * The rest of a row for states that keep more than the sums: the moments behind the standard
   * error and the per-class partials. Apart from {@link #add}, which stays small enough to inline.
   */
  private void addBreakdown(
      LossState state, RowInput r, RowResult out, double s, double l, double d) {
    boolean moments = uncertainty != LossState.Uncertainty.NONE;
    if (moments) {
      state.addMoments(s, out.loss, out.denominator);
    }
    if (!perClass) {
      return;
    }
    if (perClassKind == Loss.PerClass.TARGET_CLASS) {
      state.addClassRow(out.targetClass, l, d);
      if (moments) {
        state.addClassMoments(out.targetClass, s, out.loss);
      }
    } else if (s != 0.0) {
      double[] e = out.elements;
      for (int c = 0; c < r.n; c++) {
        state.addClassLoss(c, s == 1.0 ? e[c] : e[c] * s);
        if (moments) {
          state.addClassMoments(c, s, e[c]);
        }
      }
    }
  }

  /**
   * The loss of one row for reduction {@code none}, times its sample weight: 0 for an ignored row,
   * null for a bad row under {@code on_bad_row => 'skip'}. For element-wise losses this is the sum
   * over the row's elements; see {@link #rowElementLosses} for the vector.
   */
  public Double rowLoss(RowInput r) {
    RowResult out = result(false, r.n);
    switch (evaluate(null, r, out)) {
      case BAD:
        return null;
      case IGNORED:
        return 0.0;
      default:
        double s = r.sampleWeight;
        return s == 0.0 ? 0.0 : out.loss * s;
    }
  }

  /**
   * The per-element losses of one row (element-wise losses, reduction {@code none}), times its
   * sample weight, or null for a bad row under {@code skip}.
   */
  public double[] rowElementLosses(RowInput r) {
    RowResult out = result(true, r.n);
    if (evaluate(null, r, out) == Outcome.BAD) {
      return null;
    }
    double[] losses = Arrays.copyOf(out.elements, r.n);
    double s = r.sampleWeight;
    if (s != 1.0) {
      for (int k = 0; k < losses.length; k++) {
        losses[k] = s == 0.0 ? 0.0 : losses[k] * s;
      }
    }
    return losses;
  }

  /**
   * Adds {@code other} into {@code into}. Two partials of one group that saw different class counts
   * are an error whatever the bad-row policy: which rows are wrong is undefined without a weight
   * vector that fixes the count.
   */
  public LossState merge(LossState into, LossState other) {
    if (into.numClasses() >= 0
        && other.numClasses() >= 0
        && into.numClasses() != other.numClasses()) {
      throw mixedClasses(into.numClasses(), other.numClasses());
    }
    return into.merge(other);
  }

  /** Whether {@code state} keeps what this loss's states keep, so that it can be merged here. */
  public boolean fits(LossState state) {
    LossState fresh = newState();
    return fresh.perClass() == state.perClass() && fresh.uncertainty() == state.uncertainty();
  }

  /** Reduces a state as the options' reduction says. */
  public double value(LossState state) {
    return reducer.value(state);
  }

  /** Reduces a state to its value, sums, counters and, for per-class states, per-class shares. */
  public LossResult result(LossState state) {
    return reducer.result(state, perClass);
  }

  // ---- the checks every row gets ----

  /** Sample weight, class count and aligned lengths; EVALUATED when they pass. */
  private Outcome checkRow(LossState state, RowInput r) {
    double s = r.sampleWeight;
    if (!(s >= 0.0) || s == Double.POSITIVE_INFINITY) {
      return badSampleWeight(s);
    }
    int n = r.n;
    if (fixedClasses >= 0 ? n != fixedClasses : n == 0) {
      return badClassCount(n);
    }
    if (state != null) {
      int seen = state.numClasses();
      if (seen < 0) {
        state.setNumClasses(n);
      } else if (seen != n) {
        throw mixedClasses(seen, n);
      }
    }
    for (int i = 1; i < aligned.length; i++) {
      if (aligned[i] && r.length(i) != n) {
        return misaligned(i, r.length(i), n);
      }
    }
    return Outcome.EVALUATED;
  }

  // The messages live apart from the per-row path, which stays small enough to inline.

  private Outcome badSampleWeight(double s) {
    return checks.reject(
        "sample_weight "
            + io.github.sparkloss.options.LossOptions.formatNumber(s)
            + " in column "
            + binding.columns().sampleWeight()
            + " is not allowed; expected a finite number >= 0");
  }

  private Outcome badClassCount(int n) {
    if (fixedClasses < 0) {
      return checks.reject(
          argNames[0] + " in column " + binding.column(0) + " is empty; expected at least 1 class");
    }
    return checks.reject(
        argNames[0]
            + " in column "
            + binding.column(0)
            + " has "
            + n
            + " classes but "
            + fixedBy
            + " has "
            + fixedClasses
            + " entries; expected "
            + fixedClasses
            + " values per row");
  }

  private Outcome misaligned(int i, int len, int n) {
    String arg = argNames[i];
    return checks.reject(
        arg
            + " in column "
            + binding.column(i)
            + " has "
            + len
            + " entries but the "
            + argNames[0]
            + " has "
            + n
            + (binding.kind() == TargetKind.PROBABILITIES
                ? " classes; expected one probability per class"
                : " elements; expected one " + arg + " per element"));
  }

  private LossException mixedClasses(int a, int b) {
    return new LossException(
        loss
            + ": "
            + argNames[0]
            + " in column "
            + binding.column(0)
            + " has rows with "
            + Math.min(a, b)
            + " and "
            + Math.max(a, b)
            + " classes in the same group; expected the same number of classes in every row"
            + " (give weight to fix the class count, and rows of other lengths become bad rows)");
  }
}
