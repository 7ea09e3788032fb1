package io.github.sparkloss.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.LossColumn;
import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.loss.BCEWithLogitsLoss;
import io.github.sparkloss.loss.CrossEntropyLoss;
import io.github.sparkloss.loss.KLDivLoss;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.loss.Losses;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.runtime.AbstractFunction1;

/**
 * An MLlib {@link Evaluator} that scores predictions with a PyTorch-exact loss, through the same
 * aggregate as the SQL functions, so it gives the same numbers as {@code cross_entropy(...)} and
 * friends. Smaller is better: use it to select models with {@code CrossValidator} or {@code
 * TrainValidationSplit}.
 *
 * <pre>{@code
 * LossEvaluator eval = new LossEvaluator();          // log loss of the probability column
 * double ll = eval.evaluate(model.transform(test));
 *
 * new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
 *     .setEvaluator(new LossEvaluator().setWeightCol("w").setLabelSmoothing(0.1));
 * }</pre>
 *
 * <p>The prediction column holds what {@code inputKind} says, passed to the loss as its {@code
 * input_kind} option (cross_entropy, nll_loss, kl_div), so the evaluator evaluates each kind
 * exactly as the SQL function does:
 *
 * <ul>
 *   <li>{@code cross_entropy}: {@code logits} as they are; {@code probability} or {@code
 *       log_probability} are a distribution already, evaluated as {@code nll_loss(ln p)} (or {@code
 *       nll_loss(x)}), which is {@code cross_entropy} of a normalised row. With label smoothing or
 *       probability targets, which {@code nll_loss} does not take, {@code cross_entropy(ln p)}.
 *   <li>{@code nll_loss}, {@code kl_div}: {@code log_probability} as it is; {@code probability}
 *       through {@code ln}, elementwise.
 *   <li>{@code binary_cross_entropy}: {@code probability}.
 *   <li>{@code binary_cross_entropy_with_logits}: {@code logits}.
 * </ul>
 *
 * <p>Probabilities are not clipped: {@code ln(0) = -Infinity}, so a zero probability for the true
 * class gives an infinite loss, as in PyTorch (MLlib's {@code logLoss} clips to {@code [1e-15, 1 -
 * 1e-15]} first). A probability outside [0, 1], or NaN, is a bad row, as for {@code
 * binary_cross_entropy}: an error naming the row's value, or left out and counted under {@code
 * onBadRow = skip}.
 *
 * <p>The defaults (loss {@code cross_entropy}, inputKind {@code probability}, predictionCol {@code
 * probability}) give the log loss of any MLlib probabilistic classifier. MLlib's {@code
 * rawPrediction} is not logits for every model: for binomial {@code LogisticRegression} it is
 * {@code [-m, m]}, whose softmax is {@code sigmoid(2m)} rather than the model's {@code sigmoid(m)}.
 *
 * <p>Options are checked with the messages of the SQL functions, by {@link LossOptions}: each value
 * when it is set, and the combination (an option that does not apply to the loss, {@code batchmean}
 * on a loss other than {@code kl_div}, mismatched lengths) when the evaluator is used, before any
 * row is read. {@link #lossOptions()} runs that check on demand.
 */
public final class LossEvaluator extends Evaluator implements DefaultParamsWritable {
  /** The standard error of the last evaluation; not a parameter, so never copied or saved. */
  private transient volatile Double lastStdError;

  private static final long serialVersionUID = 1L;

  private static final String PREFIX = "LossEvaluator: ";

  /** What the prediction column holds. */
  public static final String LOGITS = "logits";

  public static final String PROBABILITY = "probability";
  public static final String LOG_PROBABILITY = "log_probability";

  /** A value per row or element, such as a regression model's {@code prediction}. */
  public static final String VALUE = "value";

  private static final String[] LOSSES = Losses.names().toArray(new String[0]);
  private static final String[] INPUT_KINDS =
      Arrays.stream(Loss.InputKind.values()).map(Loss.InputKind::key).toArray(String[]::new);

  /** The typed params' option keys; other options go through {@link #setOption}. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String[] REDUCTIONS = {"mean", "sum", "batchmean"};
  private static final String[] ON_BAD_ROW = {"fail", "skip"};

  private final String uid;
  private final Param<String> loss;
  private final Param<String> inputKind;
  private final Param<String> predictionCol;
  private final Param<String> labelCol;
  private final Param<String> weightCol;
  private final DoubleArrayParam weight;
  private final LongParam ignoreIndex;
  private final DoubleParam labelSmoothing;
  private final DoubleArrayParam posWeight;
  private final BooleanParam logTarget;
  private final Param<String> reduction;
  private final Param<String> onBadRow;
  private final Param<String> options;

  public LossEvaluator() {
    this(Identifiable.randomUID("lossEval"));
  }

  public LossEvaluator(String uid) {
    this.uid = uid;
    loss =
        new Param<>(
            this,
            "loss",
            "the PyTorch loss, one of " + String.join(", ", LOSSES),
            ParamValidators.inArray(LOSSES));
    inputKind =
        new Param<>(
            this,
            "inputKind",
            "what predictionCol holds: logits, probability, log_probability or value (a"
                + " regression prediction). cross_entropy takes"
                + " logits as they are and a probability or log_probability row as a distribution,"
                + " evaluated as nll_loss(ln p) (cross_entropy(ln p) with label smoothing or"
                + " probability targets); nll_loss and kl_div take log_probability, or probability"
                + " through ln; binary_cross_entropy takes probability;"
                + " binary_cross_entropy_with_logits and the margin losses take logits (scores);"
                + " the regression losses take value. Unset: value for the losses that take it,"
                + " else probability",
            ParamValidators.inArray(INPUT_KINDS));
    predictionCol =
        new Param<>(
            this,
            "predictionCol",
            "column of predictions: an MLlib vector, array<double> or array<float> (or a number"
                + " per row for the binary losses and kl_div), holding what inputKind says");
    labelCol =
        new Param<>(
            this,
            "labelCol",
            "target column: a class index (MLlib's double labels work), or a vector or array of"
                + " probabilities or elementwise targets, as the SQL functions take");
    weightCol =
        new Param<>(
            this,
            "weightCol",
            "sample weight column: a row of weight s counts as s copies of itself; unset or empty"
                + " for none");
    weight =
        new DoubleArrayParam(
            this,
            "weight",
            "per-class (per-element) weights, finite and >= 0; unset for all ones",
            new NonEmpty());
    ignoreIndex =
        new LongParam(
            this,
            "ignoreIndex",
            "target value whose rows count nowhere (cross_entropy, nll_loss); PyTorch's default"
                + " -100");
    labelSmoothing =
        new DoubleParam(
            this,
            "labelSmoothing",
            "label smoothing in [0, 1] (cross_entropy)",
            ParamValidators.inRange(0.0, 1.0));
    posWeight =
        new DoubleArrayParam(
            this,
            "posWeight",
            "weight of positive examples per class, finite and >= 0"
                + " (binary_cross_entropy_with_logits); unset for all ones",
            new NonEmpty());
    logTarget =
        new BooleanParam(this, "logTarget", "whether labelCol holds log-probabilities (kl_div)");
    reduction =
        new Param<>(
            this,
            "reduction",
            "mean, sum, or batchmean (kl_div only); none gives per-row losses and is no metric",
            ParamValidators.inArray(REDUCTIONS));
    onBadRow =
        new Param<>(
            this,
            "onBadRow",
            "fail stops with an error naming the row's problem; skip leaves bad rows out",
            ParamValidators.inArray(ON_BAD_ROW));
    options =
        new Param<>(
            this,
            "options",
            "the loss's other options by their PyTorch names, as a JSON object, e.g."
                + " {\"delta\": 0.5}; set with setOption");
    setDefault(loss, "cross_entropy");
    setDefault(inputKind, PROBABILITY);
    setDefault(predictionCol, "probability");
    setDefault(labelCol, "label");
    setDefault(ignoreIndex, LossOptions.DEFAULT_IGNORE_INDEX);
    setDefault(labelSmoothing, 0.0);
    setDefault(logTarget, false);
    setDefault(reduction, "mean");
    setDefault(onBadRow, "fail");
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- Params -------------------------------------------------------------------------------

  public Param<String> loss() {
    return loss;
  }

  public Param<String> inputKind() {
    return inputKind;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> weightCol() {
    return weightCol;
  }

  public DoubleArrayParam weight() {
    return weight;
  }

  public LongParam ignoreIndex() {
    return ignoreIndex;
  }

  public DoubleParam labelSmoothing() {
    return labelSmoothing;
  }

  public DoubleArrayParam posWeight() {
    return posWeight;
  }

  public BooleanParam logTarget() {
    return logTarget;
  }

  public Param<String> reduction() {
    return reduction;
  }

  public Param<String> onBadRow() {
    return onBadRow;
  }

  public Param<String> options() {
    return options;
  }

  // ---- Getters ------------------------------------------------------------------------------

  public String getLoss() {
    return getOrDefault(loss);
  }

  /**
   * What predictionCol holds: as set, or else {@code value} for the losses that take a value per
   * row or element (the regression losses), {@code probability} for the others.
   */
  public String getInputKind() {
    if (isSet(inputKind)) {
      return getOrDefault(inputKind);
    }
    List<Loss.InputKind> kinds = currentLoss().inputKinds();
    return kinds.contains(Loss.InputKind.VALUE) ? VALUE : getOrDefault(inputKind);
  }

  /** As set, or else {@code prediction} for input kind value and {@code probability} otherwise. */
  public String getPredictionCol() {
    if (isSet(predictionCol)) {
      return getOrDefault(predictionCol);
    }
    return getInputKind().equals(VALUE) ? "prediction" : getOrDefault(predictionCol);
  }

  /** The options set with {@link #setOption}, by key, in the order set. */
  public Map<String, Object> getOptions() {
    if (!isDefined(options)) {
      return new LinkedHashMap<>();
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(getOrDefault(options), LinkedHashMap.class);
      return m;
    } catch (IOException e) {
      throw new LossException(PREFIX + "options is not a JSON object: " + getOrDefault(options));
    }
  }

  public String getLabelCol() {
    return getOrDefault(labelCol);
  }

  /** The sample weight column, or null when there is none. */
  public String getWeightCol() {
    return isDefined(weightCol) ? getOrDefault(weightCol) : null;
  }

  /** Per-class weights, or null for all ones. */
  public double[] getWeight() {
    return isDefined(weight) ? getOrDefault(weight).clone() : null;
  }

  public long getIgnoreIndex() {
    return (Long) getOrDefault(ignoreIndex);
  }

  public double getLabelSmoothing() {
    return (Double) getOrDefault(labelSmoothing);
  }

  /** pos_weight per class, or null for all ones. */
  public double[] getPosWeight() {
    return isDefined(posWeight) ? getOrDefault(posWeight).clone() : null;
  }

  public boolean getLogTarget() {
    return (Boolean) getOrDefault(logTarget);
  }

  public String getReduction() {
    return getOrDefault(reduction);
  }

  public String getOnBadRow() {
    return getOrDefault(onBadRow);
  }

  // ---- Setters: each value is checked here, with the messages of the SQL functions ------------

  /** A SQL loss name, e.g. {@code cross_entropy} or {@code huber_loss}. */
  public LossEvaluator setLoss(String value) {
    return put(loss, Loss.fromSqlName(requireValue("loss", value)).sqlName());
  }

  public LossEvaluator setLoss(Loss value) {
    return put(loss, requireValue("loss", value).sqlName());
  }

  /** {@code logits}, {@code probability}, {@code log_probability} or {@code value}. */
  public LossEvaluator setInputKind(String value) {
    String key = requireValue("inputKind", value).toLowerCase(Locale.ROOT);
    for (String k : INPUT_KINDS) {
      if (k.equals(key)) {
        return put(inputKind, k);
      }
    }
    throw new LossException(
        PREFIX
            + "inputKind '"
            + value
            + "' is not supported; expected one of "
            + String.join(", ", INPUT_KINDS));
  }

  public LossEvaluator setPredictionCol(String value) {
    return put(predictionCol, requireColumn("predictionCol", value));
  }

  public LossEvaluator setLabelCol(String value) {
    return put(labelCol, requireColumn("labelCol", value));
  }

  /** A numeric column of sample weights; null or empty removes it. */
  public LossEvaluator setWeightCol(String value) {
    if (value == null || value.isEmpty()) {
      clear(weightCol);
      return this;
    }
    return put(weightCol, value);
  }

  /** Per-class weights, finite and >= 0; null removes them (all ones). */
  public LossEvaluator setWeight(double... value) {
    if (value == null) {
      clear(weight);
      return this;
    }
    LossOptions.builder(currentLoss()).weight(value).build();
    return put(weight, value.clone());
  }

  /** Target value whose rows are ignored (cross_entropy, nll_loss). */
  public LossEvaluator setIgnoreIndex(long value) {
    return put(ignoreIndex, value);
  }

  /** Label smoothing in [0, 1] (cross_entropy). */
  public LossEvaluator setLabelSmoothing(double value) {
    LossOptions.builder(Loss.fromSqlName("cross_entropy"))
        .set(CrossEntropyLoss.LABEL_SMOOTHING, value)
        .build();
    return put(labelSmoothing, value);
  }

  /** pos_weight per class, finite and >= 0; null removes it (all ones). */
  public LossEvaluator setPosWeight(double... value) {
    if (value == null) {
      clear(posWeight);
      return this;
    }
    LossOptions.builder(Loss.fromSqlName("binary_cross_entropy_with_logits"))
        .set(BCEWithLogitsLoss.POS_WEIGHT, value)
        .build();
    return put(posWeight, value.clone());
  }

  /** Whether labelCol holds log-probabilities (kl_div). */
  public LossEvaluator setLogTarget(boolean value) {
    return put(logTarget, value);
  }

  /**
   * {@code mean} (the default), {@code sum}, or {@code batchmean} (kl_div; checked against the loss
   * when the evaluator is used). {@code none} gives per-row losses and is rejected.
   */
  public LossEvaluator setReduction(String value) {
    String key = requireValue("reduction", value).toLowerCase(Locale.ROOT);
    for (Reduction r : Reduction.values()) {
      if (r.sqlName().equals(key)) {
        return setReduction(r);
      }
    }
    throw new LossException(
        PREFIX
            + "reduction '"
            + value
            + "' is not supported; expected one of mean, sum, batchmean (kl_div only)");
  }

  public LossEvaluator setReduction(Reduction value) {
    if (requireValue("reduction", value) == Reduction.NONE) {
      throw new LossException(
          PREFIX
              + "reduction 'none' gives per-row losses, not a metric; expected one of mean, sum,"
              + " batchmean (kl_div only)");
    }
    return put(reduction, value.sqlName());
  }

  /** {@code fail} (the default) or {@code skip}. */
  public LossEvaluator setOnBadRow(String value) {
    return setOnBadRow(OnBadRow.parse(currentLoss(), requireValue("onBadRow", value)));
  }

  public LossEvaluator setOnBadRow(OnBadRow value) {
    return put(onBadRow, requireValue("onBadRow", value).sqlName());
  }

  /**
   * Sets any option of the loss by its PyTorch name, e.g. {@code setOption("delta", 0.5)}: a
   * number, a boolean, a string or an array of numbers, checked against the loss when the evaluator
   * is used. A null value removes the option.
   */
  public LossEvaluator setOption(String key, Object value) {
    Map<String, Object> m = getOptions();
    String k = requireValue("option key", key).toLowerCase(Locale.ROOT);
    if (k.equals(Loss.INPUT_KIND_KEY)) {
      throw new LossException(
          PREFIX + "option input_kind is the inputKind param; set it with setInputKind");
    }
    if (value == null) {
      m.remove(k);
    } else {
      if (Losses.all().stream().noneMatch(l -> l.option(k) != null)) {
        throw new LossException(
            PREFIX
                + "unknown option '"
                + key
                + "'; "
                + currentLoss()
                + " takes "
                + LossOptions.allowedList(currentLoss()));
      }
      m.put(
          k, value instanceof double[] ? Arrays.stream((double[]) value).boxed().toList() : value);
    }
    try {
      return put(options, JSON.writeValueAsString(m));
    } catch (IOException e) {
      throw new LossException(PREFIX + "option " + key + " cannot be stored: " + e.getMessage());
    }
  }

  private <T> LossEvaluator put(Param<T> param, T value) {
    set(param, value);
    return this;
  }

  private static <T> T requireValue(String name, T value) {
    if (value == null) {
      throw new LossException(PREFIX + name + " is null; give a value");
    }
    return value;
  }

  private static String requireColumn(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new LossException(PREFIX + name + " is empty; give a column name");
    }
    return value;
  }

  private Loss currentLoss() {
    return Loss.fromSqlName(getLoss());
  }

  // ---- Evaluation ---------------------------------------------------------------------------

  /**
   * The options of the configured loss as the SQL function would take them, validated together:
   * only the options that were set are passed, so one that does not apply to the loss is an error,
   * as it is in SQL. For a loss with an {@code input_kind} option, it is set to {@link
   * #getInputKind()}.
   */
  public LossOptions lossOptions() {
    Loss l = currentLoss();
    LossOptions.Builder b = LossOptions.builder(l);
    if (isSet(weight)) {
      b.set(Loss.WEIGHT, getOrDefault(weight));
    }
    if (isSet(ignoreIndex)) {
      b.set(CrossEntropyLoss.IGNORE_INDEX, getIgnoreIndex());
    }
    if (isSet(labelSmoothing)) {
      b.set(CrossEntropyLoss.LABEL_SMOOTHING, getLabelSmoothing());
    }
    if (isSet(posWeight)) {
      b.set(BCEWithLogitsLoss.POS_WEIGHT, getOrDefault(posWeight));
    }
    if (isSet(logTarget)) {
      b.set(KLDivLoss.LOG_TARGET, getLogTarget());
    }
    getOptions().forEach(b::set);
    b.reduction(getReduction());
    b.onBadRow(getOnBadRow());
    LossOptions options = b.build();
    String kind = getInputKind();
    checkInputKind(l, kind);
    if (l.inputKindOption() != null) {
      options = options.toBuilder().set(l.inputKindOption(), inputKindOf(kind)).build();
    }
    if (l.arguments().size() != 2) {
      throw new LossException(
          PREFIX
              + l
              + " takes "
              + l.arguments().size()
              + " columns, not a prediction and a label; evaluate it with SQL or SparkLoss.loss");
    }
    return options;
  }

  private static void checkInputKind(Loss l, String kind) {
    List<Loss.InputKind> kinds = l.inputKinds();
    for (Loss.InputKind k : kinds) {
      if (k.key().equals(kind)) {
        return;
      }
    }
    String takes = kinds.stream().map(Loss.InputKind::key).collect(Collectors.joining(" or "));
    String hint = l.inputKindHint();
    throw new LossException(
        PREFIX
            + l
            + " does not take inputKind '"
            + kind
            + "'; "
            + l
            + " takes "
            + takes
            + (hint == null ? "" : "; " + hint));
  }

  /**
   * The loss of {@code dataset} under the configured options: one Spark job, the same aggregate as
   * the SQL function. NaN for a mean over nothing, as in PyTorch.
   */
  @Override
  public double evaluate(Dataset<?> dataset) {
    LossOptions configured = lossOptions();
    Column prediction = dataset.col(getPredictionCol());
    Column label = dataset.col(getLabelCol());

    SparkSession spark = dataset.sparkSession();
    if (!SparkLoss.isRegistered(spark)) {
      // The evaluator is handed to CrossValidator with no session step of its own.
      SparkLoss.register(spark);
    }
    LossColumn call = SparkLoss.column(configured, prediction, label);
    String w = getWeightCol();
    if (w != null) {
      call = call.sampleWeight(dataset.col(w));
    }
    Dataset<Row> aggregate;
    try {
      aggregate = dataset.agg(call.stats());
    } catch (LossException e) {
      // The evaluator asks for the stats form; its users know the loss by its own name.
      throw e.naming(configured.loss().sqlName());
    }
    Row row = aggregate.head();
    if (row.isNullAt(0)) {
      lastStdError = Double.NaN;
      return Double.NaN;
    }
    Row stats = row.getStruct(0);
    lastStdError = stats.getDouble(stats.fieldIndex("std_error"));
    return stats.getDouble(stats.fieldIndex("value"));
  }

  /**
   * The standard error of the value the last {@link #evaluate} of this instance returned, computed
   * in the same pass as the value (the contract's delta-method standard error, rows as the sampling
   * unit); NaN before the first evaluation and for fewer than two rows. An evaluator that several
   * threads share reports whichever evaluation finished last.
   */
  public double getLastStdError() {
    Double se = lastStdError;
    return se == null ? Double.NaN : se;
  }

  private static Loss.InputKind inputKindOf(String key) {
    for (Loss.InputKind k : Loss.InputKind.values()) {
      if (k.key().equals(key)) {
        return k;
      }
    }
    throw new IllegalStateException(key);
  }

  @Override
  public boolean isLargerBetter() {
    return false;
  }

  @Override
  public LossEvaluator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String toString() {
    return "LossEvaluator: uid=" + uid + ", loss=" + getLoss() + ", inputKind=" + getInputKind();
  }

  // ---- Persistence --------------------------------------------------------------------------

  /** Reads an evaluator saved with {@code write().save(path)} or {@code save(path)}. */
  public static MLReader<LossEvaluator> read() {
    return new Readable().read();
  }

  /** {@code LossEvaluator.load(path)}: the evaluator saved at {@code path}. */
  public static LossEvaluator load(String path) {
    return read().load(path);
  }

  private static final class Readable implements DefaultParamsReadable<LossEvaluator> {}

  /** Param check of weight and pos_weight; their entries are checked by {@link LossOptions}. */
  private static final class NonEmpty extends AbstractFunction1<double[], Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(double[] v) {
      return v.length > 0;
    }
  }
}
