package io.github.sparkloss.eval;

import static io.github.sparkloss.options.LossOptions.formatNumber;

import io.github.sparkloss.kernel.BinaryCrossEntropy;
import io.github.sparkloss.kernel.BinaryCrossEntropyWithLogits;
import io.github.sparkloss.kernel.CrossEntropy;
import io.github.sparkloss.kernel.KlDiv;
import io.github.sparkloss.kernel.NllLoss;
import io.github.sparkloss.options.Loss;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import io.github.sparkloss.state.LossState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A loss bound to its options, its target shape and its column names: everything checked, ready for
 * the per-row path. It turns one {@link RowInput} into what the row adds to a {@link LossState} (or
 * into the row's own loss for reduction {@code none}), applies the bad-row policy, and reduces a
 * state to a {@link LossResult}.
 *
 * <pre>{@code
 * BoundLoss ce = BoundLoss.bind(LossOptions.defaults(Loss.CROSS_ENTROPY),
 *     TargetKind.CLASS_INDEX, ColumnNames.of("logits", "label", null), false, false);
 * LossState state = ce.newState();
 * ce.add(state, row);            // once per row
 * double mean = ce.value(state);
 * }</pre>
 */
public final class BoundLoss implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Names of the columns a loss reads, for error messages. */
  public record ColumnNames(String input, String target, String sampleWeight)
      implements Serializable {
    public static ColumnNames of(String input, String target, String sampleWeight) {
      return new ColumnNames(input, target, sampleWeight);
    }
  }

  private static final int OK = 0;
  private static final int IGNORED = 1;
  private static final int BAD = 2;

  private final LossOptions options;
  private final Loss loss;
  private final TargetKind kind;
  private final ColumnNames columns;
  private final boolean perClass;
  private final boolean scalarInput;
  private final double[] weight;
  private final double[] posWeight;
  private final long ignoreIndex;
  private final double smoothing;
  private final boolean logTarget;
  private final boolean skipBadRows;

  /** The class count fixed by weight or pos_weight, or -1 when rows decide it. */
  private final int fixedClasses;

  /** Scratch for per-element losses; per instance, and an instance serves one thread. */
  private transient double[] elements;

  private BoundLoss(
      LossOptions options,
      TargetKind kind,
      ColumnNames columns,
      boolean perClass,
      boolean scalarInput) {
    this.options = options;
    this.loss = options.loss();
    this.kind = kind;
    this.columns = columns;
    this.perClass = perClass;
    this.scalarInput = scalarInput;
    this.weight = options.weight();
    this.posWeight = options.posWeight();
    this.ignoreIndex = options.ignoreIndex();
    this.smoothing = options.labelSmoothing();
    this.logTarget = options.logTarget();
    this.skipBadRows = options.onBadRow() == OnBadRow.SKIP;
    this.fixedClasses = weight != null ? weight.length : posWeight != null ? posWeight.length : -1;
  }

  /**
   * Binds validated options to a target shape, checking what depends on it.
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
    if (kind == TargetKind.CLASS_INDEX && !loss.takesClassIndices()) {
      throw new LossException(
          loss
              + ": class-index targets do not apply; expected element-wise"
              + " targets of the input's shape");
    }
    if (kind == TargetKind.PROBABILITIES && loss != Loss.CROSS_ENTROPY) {
      throw new LossException(
          loss
              + ": probability targets apply to cross_entropy only;"
              + " expected a class index in column "
              + columns.target());
    }
    if (kind == TargetKind.ELEMENTWISE && loss.takesClassIndices()) {
      throw new LossException(loss + ": element-wise targets do not apply; expected class indices");
    }
    if (kind == TargetKind.PROBABILITIES
        && options.ignoreIndexSet()
        && options.ignoreIndex() >= 0) {
      throw new LossException(
          loss
              + ": ignore_index "
              + options.ignoreIndex()
              + " does not apply to probability targets (column "
              + columns.target()
              + "); leave it out or give a negative value");
    }
    if (scalarInput) {
      int c =
          options.weight() != null
              ? options.weight().length
              : options.posWeight() != null ? options.posWeight().length : 1;
      if (c != 1) {
        throw new LossException(
            loss
                + ": "
                + (options.weight() != null ? "weight" : "pos_weight")
                + " has "
                + c
                + " entries but column "
                + columns.input()
                + " holds one value per row; expected 1 entry");
      }
    }
    return new BoundLoss(options, kind, columns, perClass, scalarInput);
  }

  public LossOptions options() {
    return options;
  }

  public Loss loss() {
    return loss;
  }

  public TargetKind targetKind() {
    return kind;
  }

  public ColumnNames columns() {
    return columns;
  }

  public boolean perClass() {
    return perClass;
  }

  public boolean scalarInput() {
    return scalarInput;
  }

  /** A new empty state for this loss: the identity of {@link #merge}. */
  public LossState newState() {
    return new LossState(perClass);
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
    if (reject("column " + column + " has a null element at index " + index + "; expected a number")
        == BAD) {
      state.countBad();
    }
  }

  /** Evaluates one row into {@code state}, or counts it as ignored or bad. */
  public void add(LossState state, RowInput r) {
    double s = r.sampleWeight;
    if (checkRow(state, r) == BAD) {
      state.countBad();
      return;
    }
    if (kind == TargetKind.CLASS_INDEX) {
      int y = classIndex(r);
      if (y == IGNORED_INDEX) {
        state.countIgnored();
        return;
      }
      if (y == BAD_INDEX) {
        state.countBad();
        return;
      }
      // A row of sample weight 0 is evaluated and counted but adds nothing, not even a NaN.
      double l = s == 0.0 ? 0.0 : indexLoss(r, y);
      double d = weight == null ? 1.0 : weight[y];
      if (s != 1.0) {
        l *= s;
        d *= s;
      }
      state.addRow(l, d);
      if (perClass) {
        state.addClassRow(y, l, d);
      }
      return;
    }
    if (checkTargets(r) == BAD) {
      state.countBad();
      return;
    }
    if (s == 0.0) {
      state.addRow(0.0, 0.0);
      return;
    }
    double[] out = perClass ? elements(r.n) : null;
    double l = vectorLoss(r, out);
    state.addRow(s == 1.0 ? l : l * s, s);
    if (perClass) {
      for (int c = 0; c < r.n; c++) {
        state.addClassLoss(c, s == 1.0 ? out[c] : out[c] * s);
      }
    }
  }

  /**
   * The loss of one row for reduction {@code none}, times its sample weight: 0 for an ignored row,
   * null for a bad row under {@code on_bad_row => 'skip'}. For element-wise losses this is the sum
   * over the row's elements; see {@link #rowElementLosses} for the vector.
   */
  public Double rowLoss(RowInput r) {
    if (checkRow(null, r) == BAD) {
      return null;
    }
    double s = r.sampleWeight;
    if (kind == TargetKind.CLASS_INDEX) {
      int y = classIndex(r);
      if (y == IGNORED_INDEX) {
        return 0.0;
      }
      if (y == BAD_INDEX) {
        return null;
      }
      return s == 0.0 ? 0.0 : indexLoss(r, y) * s;
    }
    if (checkTargets(r) == BAD) {
      return null;
    }
    return s == 0.0 ? 0.0 : vectorLoss(r, null) * s;
  }

  /**
   * The per-element losses of one row (element-wise losses, reduction {@code none}), times its
   * sample weight, or null for a bad row under {@code skip}.
   */
  public double[] rowElementLosses(RowInput r) {
    if (checkRow(null, r) == BAD || checkTargets(r) == BAD) {
      return null;
    }
    double[] out = new double[r.n];
    vectorLoss(r, out);
    double s = r.sampleWeight;
    if (s != 1.0) {
      for (int k = 0; k < out.length; k++) {
        out[k] = s == 0.0 ? 0.0 : out[k] * s;
      }
    }
    return out;
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

  /** Reduces a state as the options' reduction says. */
  public double value(LossState state) {
    return reduce(state.lossSum(), state.weightSum(), state.numClasses());
  }

  /** Reduces a state to its value, sums, counters and, for per-class states, per-class shares. */
  public LossResult result(LossState state) {
    double lossSum = state.lossSum();
    double weightSum = state.weightSum();
    List<LossResult.ClassResult> classes = null;
    if (perClass) {
      // A group that evaluated no row still lists every class when weight fixes the count.
      boolean seen = state.numClasses() >= 0;
      int c = seen ? state.numClasses() : Math.max(fixedClasses, 0);
      classes = new ArrayList<>(c);
      for (int i = 0; i < c; i++) {
        double ls = seen ? state.classLossSum(i) : 0.0;
        double ws =
            kind != TargetKind.CLASS_INDEX ? weightSum : seen ? state.classWeightSum(i) : 0.0;
        long rows = kind != TargetKind.CLASS_INDEX ? state.rows() : seen ? state.classRows(i) : 0;
        double v = options.reduction() == Reduction.SUM ? ls : ws == 0.0 ? Double.NaN : ls / ws;
        classes.add(new LossResult.ClassResult(i, v, ls, ws, rows));
      }
    }
    return new LossResult(
        reduce(lossSum, weightSum, state.numClasses()),
        lossSum,
        weightSum,
        state.rows(),
        state.ignoredRows(),
        state.nullRows(),
        state.badRows(),
        classes);
  }

  private double reduce(double lossSum, double weightSum, int numClasses) {
    Reduction reduction = options.reduction();
    if (reduction != Reduction.SUM && weightSum == 0.0) {
      // A mean over nothing (no rows, every row ignored, or a zero weight sum) is NaN, as in
      // PyTorch, even where label smoothing left a non-zero numerator.
      return Double.NaN;
    }
    switch (reduction) {
      case SUM:
        return lossSum;
      case MEAN:
        if (kind == TargetKind.ELEMENTWISE) {
          // Every element counts: C * sum(s_n); an empty group gives 0/0 = NaN.
          return lossSum / (Math.max(numClasses, 0) * weightSum);
        }
        return lossSum / weightSum;
      case BATCHMEAN:
        return lossSum / weightSum;
      default:
        throw new IllegalStateException(loss + ": reduction none has no aggregate value");
    }
  }

  // ---- per-row checks and kernels ----

  private static final int IGNORED_INDEX = -1;
  private static final int BAD_INDEX = -2;

  /** Sample weight and class count; returns OK or BAD (or throws under on_bad_row fail). */
  private int checkRow(LossState state, RowInput r) {
    double s = r.sampleWeight;
    if (!(s >= 0.0) || s == Double.POSITIVE_INFINITY) {
      return reject(
          "sample_weight "
              + formatNumber(s)
              + " in column "
              + columns.sampleWeight()
              + " is not allowed; expected a finite number >= 0");
    }
    int n = r.n;
    if (fixedClasses >= 0) {
      if (n != fixedClasses) {
        return reject(
            "input in column "
                + columns.input()
                + " has "
                + n
                + " classes but "
                + (weight != null ? "weight" : "pos_weight")
                + " has "
                + fixedClasses
                + " entries; expected "
                + fixedClasses
                + " values per row");
      }
    } else if (n == 0) {
      return reject("input in column " + columns.input() + " is empty; expected at least 1 class");
    }
    if (state != null) {
      int seen = state.numClasses();
      if (seen < 0) {
        state.setNumClasses(n);
      } else if (seen != n) {
        throw mixedClasses(seen, n);
      }
    }
    return OK;
  }

  private LossException mixedClasses(int a, int b) {
    return new LossException(
        loss
            + ": input in column "
            + columns.input()
            + " has rows with "
            + Math.min(a, b)
            + " and "
            + Math.max(a, b)
            + " classes in the same group; expected the same number of classes in every row"
            + " (give weight to fix the class count, and rows of other lengths become bad rows)");
  }

  /** The class index, IGNORED_INDEX, or BAD_INDEX (under skip; fail throws). */
  private int classIndex(RowInput r) {
    long y;
    if (r.indexIsDouble) {
      double d = r.indexAsDouble;
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        reject(
            "target "
                + formatNumber(d)
                + " in column "
                + columns.target()
                + " is not a whole number; expected "
                + expectedIndex(r.n));
        return BAD_INDEX;
      }
      if (Math.abs(d) >= 0x1p62) {
        reject(
            "target "
                + formatNumber(d)
                + " in column "
                + columns.target()
                + " is out of range for "
                + r.n
                + " classes; expected "
                + expectedIndex(r.n));
        return BAD_INDEX;
      }
      y = (long) d;
    } else {
      y = r.index;
    }
    if (y == ignoreIndex) {
      return IGNORED_INDEX;
    }
    if (y < 0 || y >= r.n) {
      reject(
          "target "
              + y
              + " in column "
              + columns.target()
              + " is out of range for "
              + r.n
              + " classes; expected "
              + expectedIndex(r.n));
      return BAD_INDEX;
    }
    return (int) y;
  }

  private String expectedIndex(int n) {
    return "a class index in [0, " + n + ") or ignore_index " + ignoreIndex;
  }

  /** Target length and, for binary_cross_entropy, the [0, 1] ranges. */
  private int checkTargets(RowInput r) {
    if (r.tn != r.n) {
      return reject(
          "target in column "
              + columns.target()
              + " has "
              + r.tn
              + " entries but the input has "
              + r.n
              + (kind == TargetKind.PROBABILITIES
                  ? " classes; expected one probability per class"
                  : " elements; expected one target per element"));
    }
    if (loss == Loss.BINARY_CROSS_ENTROPY) {
      for (int k = 0; k < r.n; k++) {
        double x = r.x[k];
        if (!(x >= 0.0 && x <= 1.0)) {
          return reject(
              "input "
                  + formatNumber(x)
                  + where(columns.input(), k)
                  + " is outside [0, 1]; expected a probability");
        }
        double t = r.t[k];
        if (!(t >= 0.0 && t <= 1.0)) {
          return reject(
              "target "
                  + formatNumber(t)
                  + where(columns.target(), k)
                  + " is outside [0, 1]; expected a probability");
        }
      }
    }
    return OK;
  }

  private String where(String column, int k) {
    return scalarInput ? " in column " + column : " at index " + k + " of column " + column;
  }

  private int reject(String what) {
    if (!skipBadRows) {
      throw new LossException(loss + ": " + what);
    }
    return BAD;
  }

  private double indexLoss(RowInput r, int y) {
    if (loss == Loss.NLL_LOSS) {
      return NllLoss.indexLoss(r.x, y, weight);
    }
    return CrossEntropy.indexLoss(r.x, r.n, y, weight, smoothing);
  }

  private double vectorLoss(RowInput r, double[] out) {
    switch (loss) {
      case CROSS_ENTROPY:
        return CrossEntropy.probabilityLoss(r.x, r.n, r.t, weight, smoothing, out);
      case BINARY_CROSS_ENTROPY:
        return BinaryCrossEntropy.row(r.x, r.t, r.n, weight, out);
      case BINARY_CROSS_ENTROPY_WITH_LOGITS:
        return BinaryCrossEntropyWithLogits.row(r.x, r.t, r.n, weight, posWeight, out);
      case KL_DIV:
        return KlDiv.row(r.x, r.t, r.n, logTarget, weight, out);
      default:
        throw new IllegalStateException(loss + " has no vector targets");
    }
  }

  private double[] elements(int n) {
    if (elements == null || elements.length < n) {
      elements = new double[n];
    }
    return elements;
  }
}
