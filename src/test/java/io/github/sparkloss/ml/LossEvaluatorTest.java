package io.github.sparkloss.ml;

import static io.github.sparkloss.Failures.lossFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.loss.CrossEntropyLoss;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LossEvaluator}: its params (defaults, setters, messages), persistence and copy, its
 * numbers against MLlib's {@code MulticlassClassificationEvaluator(logLoss)} and plain Java, the
 * one place they must differ (MLlib's eps clipping), and model selection with {@code
 * CrossValidator} over a {@code LogisticRegression} pipeline.
 */
class LossEvaluatorTest extends SparkTestBase {

  /**
   * Same per-row terms, different sums. On probability vectors both sides compute {@code -ln p} of
   * the same doubles (Spark's {@code ln} is StrictMath, MLlib's Math.log: at most 1 ulp apart);
   * MLlib then adds in floating point, sparkloss exactly. For n terms of one sign the float sum is
   * off by at most about n * 2^-53 relative: 2,000 rows give 2.2e-13, under this bound.
   */
  private static final double MLLIB_REL_TOL = 1e-12;

  /**
   * The same loss computed two ways from one model: {@code -ln(p)} of MLlib's probability versus a
   * log-softmax (or softplus) of its margins. A probability p carries an absolute rounding error of
   * about 1e-16, so {@code -ln p} is off by about 1e-16 / p; the data keep p well above 1e-4.
   */
  private static final double MARGIN_REL_TOL = 1e-10;

  private static final int C = 4;
  private static final int N = 2000;

  private static Dataset<Row> probs;
  private static double[][] p;
  private static double[] label;
  private static double[] w;

  @BeforeAll
  static void createData() {
    Random rnd = new Random(7);
    p = new double[N][C];
    label = new double[N];
    w = new double[N];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      double sum = 0;
      for (int c = 0; c < C; c++) {
        p[i][c] = 0.02 + rnd.nextDouble();
        sum += p[i][c];
      }
      int argmax = 0;
      double[] logp = new double[C];
      for (int c = 0; c < C; c++) {
        p[i][c] /= sum;
        logp[c] = Math.log(p[i][c]);
        if (p[i][c] > p[i][argmax]) {
          argmax = c;
        }
      }
      label[i] = rnd.nextInt(C);
      w[i] = 0.25 * rnd.nextInt(9);
      rows.add(
          RowFactory.create(
              label[i],
              (double) argmax,
              Vectors.dense(p[i]),
              Arrays.stream(p[i]).boxed().toArray(Double[]::new),
              Vectors.dense(logp),
              w[i]));
    }
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("prediction", DataTypes.DoubleType, false)
            .add("probability", SQLDataTypes.VectorType(), false)
            .add("probArray", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("logProb", SQLDataTypes.VectorType(), false)
            .add("w", DataTypes.DoubleType, false);
    probs = spark.createDataFrame(rows, schema).repartition(3).cache();
    probs.count();
  }

  // ---- Params -------------------------------------------------------------------------------

  @Test
  void defaults() {
    LossEvaluator e = new LossEvaluator();
    assertThat(e.uid()).startsWith("lossEval_");
    assertThat(new LossEvaluator().uid()).isNotEqualTo(e.uid());
    assertThat(e.getLoss()).isEqualTo("cross_entropy");
    assertThat(e.getInputKind()).isEqualTo("probability");
    assertThat(e.getPredictionCol()).isEqualTo("probability");
    assertThat(e.getLabelCol()).isEqualTo("label");
    assertThat(e.getWeightCol()).isNull();
    assertThat(e.getWeight()).isNull();
    assertThat(e.getIgnoreIndex()).isEqualTo(-100L);
    assertThat(e.getLabelSmoothing()).isEqualTo(0.0);
    assertThat(e.getPosWeight()).isNull();
    assertThat(e.getLogTarget()).isFalse();
    assertThat(e.getReduction()).isEqualTo("mean");
    assertThat(e.getOnBadRow()).isEqualTo("fail");
    assertThat(e.isLargerBetter()).isFalse();
    assertThat(Arrays.stream(e.params()).map(Param::name))
        .containsExactlyInAnyOrder(
            "loss",
            "options",
            "inputKind",
            "predictionCol",
            "labelCol",
            "weightCol",
            "weight",
            "ignoreIndex",
            "labelSmoothing",
            "posWeight",
            "logTarget",
            "reduction",
            "onBadRow");
    assertThat(e.explainParams()).contains("loss: the PyTorch loss").contains("(default: mean)");
    assertThat(e.lossOptions().toString())
        .isEqualTo(
            "cross_entropy(reduction=mean, ignore_index=-100, label_smoothing=0.0,"
                + " input_kind=probability, on_bad_row=fail)");
  }

  @Test
  void settersAndGetters() {
    double[] weight = {1, 2, 0.5, 1};
    LossEvaluator e =
        new LossEvaluator()
            .setLoss("NLL_LOSS")
            .setInputKind("Log_Probability")
            .setPredictionCol("logProb")
            .setLabelCol("y")
            .setWeightCol("w")
            .setWeight(weight)
            .setIgnoreIndex(3)
            .setReduction("SUM")
            .setOnBadRow("skip");
    weight[0] = 9; // the evaluator keeps its own copy
    assertThat(e.getLoss()).isEqualTo("nll_loss");
    assertThat(e.getInputKind()).isEqualTo("log_probability");
    assertThat(e.getPredictionCol()).isEqualTo("logProb");
    assertThat(e.getLabelCol()).isEqualTo("y");
    assertThat(e.getWeightCol()).isEqualTo("w");
    assertThat(e.getWeight()).containsExactly(1, 2, 0.5, 1);
    assertThat(e.getIgnoreIndex()).isEqualTo(3L);
    assertThat(e.getReduction()).isEqualTo("sum");
    assertThat(e.getOnBadRow()).isEqualTo("skip");
    assertThat(e.lossOptions().toString())
        .isEqualTo(
            "nll_loss(reduction=sum, weight=[1.0, 2.0, 0.5, 1.0], ignore_index=3,"
                + " input_kind=log_probability, on_bad_row=skip)");

    e.setLoss(Loss.fromSqlName("binary_cross_entropy_with_logits"))
        .setInputKind("logits")
        .setPosWeight(1, 3, 1, 1)
        .clear(e.ignoreIndex());
    e.setReduction(Reduction.MEAN).setOnBadRow(OnBadRow.FAIL).setWeightCol("");
    assertThat(e.getPosWeight()).containsExactly(1, 3, 1, 1);
    assertThat(e.getWeightCol()).isNull();
    assertThat(e.lossOptions().toString())
        .isEqualTo(
            "binary_cross_entropy_with_logits(reduction=mean, weight=[1.0, 2.0, 0.5, 1.0],"
                + " pos_weight=[1.0, 3.0, 1.0, 1.0], on_bad_row=fail)");

    e.setLoss("kl_div").setInputKind("probability").setLogTarget(true).setReduction("batchmean");
    e.setWeight((double[]) null).setPosWeight((double[]) null);
    assertThat(e.getLogTarget()).isTrue();
    assertThat(e.lossOptions().toString())
        .isEqualTo(
            "kl_div(reduction=batchmean, log_target=true, input_kind=probability,"
                + " on_bad_row=fail)");

    LossEvaluator ce = new LossEvaluator().setLabelSmoothing(0.25);
    assertThat(ce.getLabelSmoothing()).isEqualTo(0.25);
    assertThat(ce.lossOptions().get(CrossEntropyLoss.LABEL_SMOOTHING)).isEqualTo(0.25);
  }

  @Test
  void eachValueIsCheckedWhenSet() {
    LossEvaluator e = new LossEvaluator();
    assertMessage(
        () -> e.setLoss("xentropy"),
        "unknown loss 'xentropy'; expected one of cross_entropy, nll_loss, binary_cross_entropy,"
            + " binary_cross_entropy_with_logits, kl_div"
            + ", mse_loss, l1_loss, smooth_l1_loss, huber_loss, poisson_nll_loss, gaussian_nll_loss,"
            + " soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss,"
            + " multilabel_margin_loss, hinge_embedding_loss, margin_ranking_loss,"
            + " cosine_embedding_loss, triplet_margin_loss, sigmoid_focal_loss");
    assertMessage(
        () -> e.setInputKind("logit"),
        "LossEvaluator: inputKind 'logit' is not supported; expected one of logits, probability,"
            + " log_probability, value");
    assertMessage(
        () -> e.setReduction("none"),
        "LossEvaluator: reduction 'none' gives per-row losses, not a metric; expected one of mean,"
            + " sum, batchmean (kl_div only)");
    assertMessage(
        () -> e.setReduction("avg"),
        "LossEvaluator: reduction 'avg' is not supported; expected one of mean, sum, batchmean"
            + " (kl_div only)");
    assertMessage(
        () -> e.setOnBadRow("ignore"),
        "cross_entropy: on_bad_row 'ignore' is not supported; expected one of fail, skip");
    assertMessage(
        () -> e.setLabelSmoothing(1.5), "cross_entropy: label_smoothing must be in [0, 1]: 1.5");
    assertMessage(
        () -> e.setWeight(1, -1, 2),
        "cross_entropy: weight[1] must be finite and >= 0: -1 in [1, -1, 2]");
    assertMessage(
        () -> e.setWeight(), "cross_entropy: weight is empty; expected one entry per class");
    assertMessage(
        () -> e.setPosWeight(1, Double.NaN),
        "binary_cross_entropy_with_logits: pos_weight[1] must be finite and >= 0: NaN in [1, NaN]");
    assertMessage(
        () -> e.setPredictionCol(""), "LossEvaluator: predictionCol is empty; give a column name");
    assertMessage(
        () -> e.setLabelCol(null), "LossEvaluator: labelCol is empty; give a column name");
    assertMessage(() -> e.setLoss((String) null), "LossEvaluator: loss is null; give a value");
    // Nothing was changed by the rejected calls.
    assertThat(Arrays.stream(e.params()).noneMatch(e::isSet)).isTrue();
    assertThat(e.getLoss()).isEqualTo("cross_entropy");

    // Through the generic Params path (ParamMap, ParamGridBuilder): MLlib's validators.
    assertThatThrownBy(() -> e.copy(new ParamMap().put(e.reduction(), "none")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(e.uid() + " parameter reduction given invalid value none.");
    assertThatThrownBy(() -> e.copy(new ParamMap().put(e.labelSmoothing().w(-0.5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(e.uid() + " parameter labelSmoothing given invalid value -0.5.");
    assertThatThrownBy(() -> e.copy(new ParamMap().put(e.weight(), new double[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(e.uid() + " parameter weight given invalid value [].");
  }

  @Test
  void combinationsAreCheckedBeforeAnyRowIsRead() {
    // Reading any row of this dataset fails, so each message below comes before any job.
    Dataset<Row> unreadable =
        probs.withColumn(
            "label",
            functions.raise_error(functions.lit("a row was read")).cast(DataTypes.DoubleType));
    assertEvaluateMessage(
        new LossEvaluator().setPosWeight(1, 2, 1, 1),
        unreadable,
        "cross_entropy: option pos_weight does not apply; cross_entropy takes weight,"
            + " ignore_index, label_smoothing, input_kind, reduction, on_bad_row, confidence");
    assertEvaluateMessage(
        new LossEvaluator().setReduction("batchmean"),
        unreadable,
        "cross_entropy: reduction 'batchmean' is only defined for kl_div; expected one of none,"
            + " sum, mean");
    assertEvaluateMessage(
        new LossEvaluator().setLoss("nll_loss").setLabelSmoothing(0.1),
        unreadable,
        "nll_loss: option label_smoothing does not apply; nll_loss takes weight, ignore_index,"
            + " input_kind, reduction, on_bad_row, confidence");
    assertEvaluateMessage(
        new LossEvaluator()
            .setLoss("binary_cross_entropy_with_logits")
            .setInputKind("logits")
            .setWeight(1, 1)
            .setPosWeight(1, 1, 1),
        unreadable,
        "binary_cross_entropy_with_logits: weight has 2 entries but pos_weight has 3; expected one"
            + " entry per class in both");
    assertEvaluateMessage(
        new LossEvaluator().setLoss("nll_loss").setInputKind("logits"),
        unreadable,
        "LossEvaluator: nll_loss does not take inputKind 'logits'; nll_loss takes probability or"
            + " log_probability; for logits use loss cross_entropy");
    assertEvaluateMessage(
        new LossEvaluator().setLoss("binary_cross_entropy_with_logits"),
        unreadable,
        "LossEvaluator: binary_cross_entropy_with_logits does not take inputKind 'probability';"
            + " binary_cross_entropy_with_logits takes logits; for probabilities use loss"
            + " binary_cross_entropy");
    assertEvaluateMessage(
        new LossEvaluator().setLoss("binary_cross_entropy").setInputKind("log_probability"),
        unreadable,
        "LossEvaluator: binary_cross_entropy does not take inputKind 'log_probability';"
            + " binary_cross_entropy takes probability; for logits use loss"
            + " binary_cross_entropy_with_logits");
    assertEvaluateMessage(
        new LossEvaluator().setLoss("kl_div").setInputKind("logits"),
        unreadable,
        "LossEvaluator: kl_div does not take inputKind 'logits'; kl_div takes probability or"
            + " log_probability");
    // A wrong column type is the SQL function's message, naming the column.
    assertEvaluateMessage(
        new LossEvaluator().setPredictionCol("w").setInputKind("logits"),
        probs,
        "cross_entropy: input column w has type double; expected array<float>, array<double> or"
            + " an MLlib vector");
    // A missing column is Spark's message, naming it.
    assertThatThrownBy(() -> new LossEvaluator().setLabelCol("target").evaluate(probs))
        .hasMessageContaining("`target`");
    // A bad row fails the job with the message of the SQL function, naming the loss evaluated
    // (cross_entropy, even where it is evaluated as nll_loss of the logarithm) and the column.
    LossException bad = lossFailure(() -> new LossEvaluator().setWeight(1, 1, 1).evaluate(probs));
    assertThat(bad)
        .hasMessage(
            "cross_entropy: input in column probability has 4 classes but weight has 3 entries;"
                + " expected 3 values per row");
  }

  // ---- Persistence and copy -----------------------------------------------------------------

  @Test
  void saveAndLoadKeepEveryParam(@TempDir Path dir) throws Exception {
    LossEvaluator e =
        new LossEvaluator()
            .setLoss("cross_entropy")
            .setInputKind("logits")
            .setPredictionCol("rawPrediction")
            .setLabelCol("y")
            .setWeightCol("w")
            .setWeight(1, 2.5, 0.125)
            .setIgnoreIndex(2)
            .setLabelSmoothing(0.1)
            .setReduction("sum")
            .setOnBadRow("skip");
    String path = dir.resolve("ce").toString();
    e.save(path);
    LossEvaluator loaded = LossEvaluator.load(path);
    assertSameParams(loaded, e);

    // Every param, including the binary and kl_div ones, and the defaults left as they were.
    LossEvaluator k =
        new LossEvaluator()
            .setLoss("binary_cross_entropy_with_logits")
            .setInputKind("logits")
            .setPosWeight(1, 3)
            .setLogTarget(true);
    String kpath = dir.resolve("bce").toString();
    k.write().overwrite().save(kpath);
    LossEvaluator kl = LossEvaluator.read().load(kpath);
    assertSameParams(kl, k);
    assertThat(kl.isSet(kl.labelSmoothing())).isFalse();
    assertThat(kl.isSet(kl.ignoreIndex())).isFalse();
    assertThat(kl.isSet(kl.weightCol())).isFalse();

    // Inside a saved CrossValidator, loaded back through MLlib's own reader.
    CrossValidator cv =
        new CrossValidator()
            .setEstimator(new LogisticRegression())
            .setEstimatorParamMaps(new ParamGridBuilder().build())
            .setEvaluator(e);
    String cvPath = dir.resolve("cv").toString();
    cv.save(cvPath);
    Evaluator inner = CrossValidator.load(cvPath).getEvaluator();
    assertThat(inner).isInstanceOf(LossEvaluator.class);
    assertSameParams((LossEvaluator) inner, e);
  }

  @Test
  void copyKeepsParamsAndAppliesExtras() {
    LossEvaluator e = new LossEvaluator().setWeightCol("w").setWeight(1, 2, 3, 4);
    LossEvaluator same = e.copy(ParamMap.empty());
    assertSameParams(same, e);
    assertThat(same).isNotSameAs(e);
    LossEvaluator summed = e.copy(new ParamMap().put(e.reduction(), "sum"));
    assertThat(summed.uid()).isEqualTo(e.uid());
    assertThat(summed.getReduction()).isEqualTo("sum");
    assertThat(summed.getWeight()).containsExactly(1, 2, 3, 4);
    assertThat(e.getReduction()).isEqualTo("mean");
    assertThat(e.evaluate(probs, new ParamMap().put(e.reduction(), "sum")))
        .isEqualTo(summed.evaluate(probs));
  }

  // ---- Numbers ------------------------------------------------------------------------------

  @Test
  void agreesWithMllibLogLossWhereClippingDoesNotBite() {
    // No p is near eps = 1e-15 or 1 - eps: each p is at least 0.02 / 4.
    double mllib = mllibLogLoss(probs, null);
    double mllibWeighted = mllibLogLoss(probs, "w");
    assertThat(mllib).isCloseTo(plainLogLoss(false), within(MLLIB_REL_TOL * mllib));
    assertThat(mllibWeighted).isCloseTo(plainLogLoss(true), within(MLLIB_REL_TOL * mllibWeighted));

    for (LossEvaluator e :
        List.of(
            new LossEvaluator(),
            new LossEvaluator().setLoss("nll_loss"),
            new LossEvaluator().setPredictionCol("probArray"),
            new LossEvaluator().setInputKind("log_probability").setPredictionCol("logProb"),
            new LossEvaluator()
                .setLoss("nll_loss")
                .setInputKind("log_probability")
                .setPredictionCol("logProb"))) {
      assertThat(e.evaluate(probs))
          .as(e.explainParams())
          .isCloseTo(mllib, within(MLLIB_REL_TOL * mllib));
      e.setWeightCol("w");
      assertThat(e.evaluate(probs))
          .as(e.explainParams())
          .isCloseTo(mllibWeighted, within(MLLIB_REL_TOL * mllibWeighted));
    }
  }

  @Test
  void optionsMatchPlainJava() {
    // Label smoothing is cross_entropy of ln(p): (1 - e) * -ln p[y] + e / C * sum_c -ln p[c].
    double e = 0.2;
    double[] cw = {1.0, 2.0, 0.5, 1.5};
    double num = 0;
    double den = 0;
    double sum = 0;
    for (int i = 0; i < N; i++) {
      int y = (int) label[i];
      double smooth = 0;
      for (int c = 0; c < C; c++) {
        smooth -= cw[c] * Math.log(p[i][c]);
      }
      double l = (1 - e) * -cw[y] * Math.log(p[i][y]) + e / C * smooth;
      num += w[i] * l;
      den += w[i] * cw[y];
      sum += -cw[y] * Math.log(p[i][y]);
    }
    double smoothed =
        new LossEvaluator().setLabelSmoothing(e).setWeight(cw).setWeightCol("w").evaluate(probs);
    assertThat(smoothed).isCloseTo(num / den, within(MLLIB_REL_TOL * smoothed));
    double summed = new LossEvaluator().setWeight(cw).setReduction("sum").evaluate(probs);
    assertThat(summed).isCloseTo(sum, within(MLLIB_REL_TOL * summed));
    // Probability targets: cross_entropy(ln p, q) = -sum_c q[c] ln p[c]; with q = p, the entropy.
    double entropy = 0;
    for (int i = 0; i < N; i++) {
      for (int c = 0; c < C; c++) {
        entropy -= p[i][c] * Math.log(p[i][c]);
      }
    }
    entropy /= N;
    double soft =
        new LossEvaluator().setLabelCol("probArray").setPredictionCol("probArray").evaluate(probs);
    assertThat(soft).isCloseTo(entropy, within(MLLIB_REL_TOL * entropy));
    // Rows of the ignored class count nowhere.
    double ignoredNum = 0;
    int kept = 0;
    for (int i = 0; i < N; i++) {
      if (label[i] != 2) {
        ignoredNum -= Math.log(p[i][(int) label[i]]);
        kept++;
      }
    }
    double ignored = new LossEvaluator().setIgnoreIndex(2).evaluate(probs);
    assertThat(ignored).isCloseTo(ignoredNum / kept, within(MLLIB_REL_TOL * ignored));
  }

  @Test
  void clippingDifferenceFromMllib() {
    // Row 0 gives its true class probability 0, row 1 gives it 1e-17 (< eps), row 2 is ordinary.
    List<Row> rows =
        List.of(
            RowFactory.create(0.0, 1.0, Vectors.dense(0.0, 0.75, 0.25)),
            RowFactory.create(2.0, 1.0, Vectors.dense(0.5, 0.5 - 1e-17, 1e-17)),
            RowFactory.create(1.0, 1.0, Vectors.dense(0.125, 0.625, 0.25)));
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("prediction", DataTypes.DoubleType)
            .add("probability", SQLDataTypes.VectorType());
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    double eps = 1e-15;
    // MLlib: -ln(max(eps, p)), so both rows become -ln(1e-15) = 34.54, and the mean is finite.
    double clipped = (-Math.log(eps) - Math.log(eps) - Math.log(0.625)) / 3;
    assertThat(mllibLogLoss(df, null)).isCloseTo(clipped, within(MLLIB_REL_TOL * clipped));
    // sparkloss: -ln(0) = Infinity, as torch.nn.functional.nll_loss(torch.log(p)) gives.
    assertThat(new LossEvaluator().evaluate(df)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(new LossEvaluator().setLoss("nll_loss").evaluate(df))
        .isEqualTo(Double.POSITIVE_INFINITY);
    // Without the zero row: -ln(1e-17) = 39.1 here, the clipped 34.5 in MLlib.
    Dataset<Row> tiny = df.where("label > 0");
    double unclipped = (-Math.log(1e-17) - Math.log(0.625)) / 2;
    assertThat(new LossEvaluator().evaluate(tiny))
        .isCloseTo(unclipped, within(MLLIB_REL_TOL * unclipped));
    double mllibTiny = mllibLogLoss(tiny, null);
    assertThat(mllibTiny)
        .isCloseTo((-Math.log(eps) - Math.log(0.625)) / 2, within(MLLIB_REL_TOL * mllibTiny));
    assertThat(unclipped - mllibTiny).isCloseTo(Math.log(100) / 2, within(1e-12));
  }

  @Test
  void probabilitiesAreLoggedAsTorchLogDoes() {
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("probability", DataTypes.createArrayType(DataTypes.FloatType, true));
    // A null row is skipped; a probability outside [0, 1] is a bad row, as for
    // binary_cross_entropy, named by the loss the evaluator evaluates.
    Dataset<Row> withNull =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1.0, new Float[] {0.25f, 0.75f}),
                RowFactory.create(0.0, null),
                RowFactory.create(null, new Float[] {0.5f, 0.5f})),
            schema);
    assertThat(new LossEvaluator().evaluate(withNull)).isEqualTo(-Math.log(0.75));
    Dataset<Row> negative =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1.0, new Float[] {1.5f, -0.5f}),
                RowFactory.create(0.0, new Float[] {0.5f, 0.5f})),
            schema);
    assertThat(lossFailure(() -> new LossEvaluator().evaluate(negative)).getMessage())
        .isEqualTo(
            "cross_entropy: input 1.5 at index 0 of column probability is outside [0, 1];"
                + " expected a probability");
    assertThat(new LossEvaluator().setOnBadRow("skip").evaluate(negative))
        .isEqualTo(-Math.log(0.5));
    // A null element is the SQL function's bad row, named by its column.
    Dataset<Row> nullElement =
        spark.createDataFrame(List.of(RowFactory.create(1.0, new Float[] {0.5f, null})), schema);
    assertThat(lossFailure(() -> new LossEvaluator().evaluate(nullElement)).getMessage())
        .isEqualTo(
            "cross_entropy: column probability has a null element at index 1; expected a number");
    assertThat(new LossEvaluator().setOnBadRow("skip").setReduction("sum").evaluate(nullElement))
        .isEqualTo(0.0);
    // kl_div on probabilities equals kl_div on their logarithms.
    double fromProbs =
        new LossEvaluator()
            .setLoss("kl_div")
            .setLabelCol("probability")
            .setPredictionCol("probability")
            .evaluate(probs);
    double fromLogs =
        new LossEvaluator()
            .setLoss("kl_div")
            .setInputKind("log_probability")
            .setLabelCol("probability")
            .setPredictionCol("logProb")
            .evaluate(probs);
    assertThat(fromProbs).isCloseTo(0.0, within(1e-15));
    assertThat(fromLogs).isCloseTo(0.0, within(1e-15));
  }

  // ---- Model selection ----------------------------------------------------------------------

  @Test
  void crossValidatorPicksTheModelTheLossSays() {
    int folds = 2;
    Dataset<Row> data =
        blobs(3, 900, 11)
            .withColumn(
                "fold",
                functions
                    .pmod(functions.monotonically_increasing_id(), functions.lit(folds))
                    .cast("int"))
            .cache();
    LogisticRegression lr = new LogisticRegression().setMaxIter(10);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {lr});
    double[] grid = {0.3, 0.0, 0.03};
    ParamMap[] maps = new ParamGridBuilder().addGrid(lr.regParam(), grid).build();
    CrossValidatorModel cv =
        new CrossValidator()
            .setEstimator(pipeline)
            .setEstimatorParamMaps(maps)
            .setNumFolds(folds)
            .setFoldCol("fold")
            .setCollectSubModels(true)
            .setEvaluator(new LossEvaluator())
            .fit(data);

    double[] avg = cv.avgMetrics();
    int argmin = 0;
    for (int i = 1; i < avg.length; i++) {
      if (avg[i] < avg[argmin]) {
        argmin = i;
      }
    }
    double chosen = regParam((PipelineModel) cv.bestModel());
    assertThat(chosen).isEqualTo(maps[argmin].apply(lr.regParam()));
    // The losses differ enough that the choice is no tie, and it is not the first entry, which a
    // larger-is-better evaluator would pick.
    assertThat(argmin).isNotEqualTo(0);
    assertThat(avg[0]).isGreaterThan(avg[argmin] * 1.001);

    // Each average is MLlib's logLoss of the same sub-models on the same validation folds.
    for (int i = 0; i < maps.length; i++) {
      double sum = 0;
      for (int f = 0; f < folds; f++) {
        PipelineModel m = (PipelineModel) cv.subModels()[f][i];
        assertThat(regParam(m)).isEqualTo(maps[i].apply(lr.regParam()));
        sum += mllibLogLoss(m.transform(data.where("fold = " + f)), null);
      }
      assertThat(avg[i])
          .as("average over folds, grid %d", i)
          .isCloseTo(sum / folds, within(MLLIB_REL_TOL * avg[i]));
    }
  }

  // ---- Binary classification ------------------------------------------------------------------

  @Test
  void binomialLogisticRegression() {
    Dataset<Row> data = blobs(2, 1500, 3);
    LogisticRegressionModel model = new LogisticRegression().setMaxIter(30).fit(data);
    assertThat(model.numClasses()).isEqualTo(2);
    Dataset<Row> scored =
        model
            .transform(data)
            .withColumn(
                "margin",
                functions.element_at(
                    org.apache.spark.ml.functions.vector_to_array(
                        functions.col("rawPrediction"), "float64"),
                    2))
            .withColumn(
                "p1",
                functions.element_at(
                    org.apache.spark.ml.functions.vector_to_array(
                        functions.col("probability"), "float64"),
                    2))
            .cache();
    double mllib = mllibLogLoss(scored, null);
    assertThat(new LossEvaluator().evaluate(scored))
        .isCloseTo(mllib, within(MLLIB_REL_TOL * mllib));

    // Binary losses on the scalar margin m and on p1 = sigmoid(m): the same log loss.
    double withLogits =
        new LossEvaluator()
            .setLoss("binary_cross_entropy_with_logits")
            .setInputKind("logits")
            .setPredictionCol("margin")
            .evaluate(scored);
    assertThat(withLogits).isCloseTo(mllib, within(MARGIN_REL_TOL * mllib));
    double withProbs =
        new LossEvaluator().setLoss("binary_cross_entropy").setPredictionCol("p1").evaluate(scored);
    assertThat(withProbs).isCloseTo(mllib, within(MARGIN_REL_TOL * mllib));

    // Binomial rawPrediction is [-m, m]: its softmax is sigmoid(2m), not the model's sigmoid(m),
    // so cross_entropy of rawPrediction is the log loss of another model.
    double raw =
        new LossEvaluator()
            .setInputKind("logits")
            .setPredictionCol("rawPrediction")
            .evaluate(scored);
    double doubled = 0;
    long n = 0;
    for (Row r : scored.select("label", "margin").collectAsList()) {
      double m = r.getDouble(1);
      double z = r.getDouble(0) == 1.0 ? 2 * m : -2 * m;
      doubled += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(-z, 0); // -ln sigmoid(z)
      n++;
    }
    assertThat(raw).isCloseTo(doubled / n, within(MARGIN_REL_TOL * raw));
    assertThat(Math.abs(raw - mllib)).isGreaterThan(0.01 * mllib);
  }

  @Test
  void multinomialRawPredictionIsLogits() {
    Dataset<Row> data = blobs(2, 1500, 3);
    LogisticRegressionModel model =
        new LogisticRegression().setFamily("multinomial").setMaxIter(30).fit(data);
    Dataset<Row> scored = model.transform(data).cache();
    double mllib = mllibLogLoss(scored, null);
    double raw =
        new LossEvaluator()
            .setInputKind("logits")
            .setPredictionCol("rawPrediction")
            .evaluate(scored);
    assertThat(raw).isCloseTo(mllib, within(MARGIN_REL_TOL * mllib));
  }

  // ---- Helpers ------------------------------------------------------------------------------

  /** Overlapping Gaussian blobs in 4 dimensions, one per class; labels as MLlib doubles. */
  private static Dataset<Row> blobs(int classes, int n, long seed) {
    Random rnd = new Random(seed);
    double[][] centers = new double[classes][4];
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < 4; j++) {
        centers[k][j] = 1.2 * rnd.nextGaussian();
      }
    }
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = rnd.nextInt(classes);
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = centers[k][j] + rnd.nextGaussian();
      }
      rows.add(RowFactory.create((double) k, Vectors.dense(x)));
    }
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(rows, schema).repartition(2).cache();
  }

  private static double regParam(PipelineModel m) {
    return ((LogisticRegressionModel) m.stages()[0]).getRegParam();
  }

  private static double mllibLogLoss(Dataset<Row> df, String weightCol) {
    MulticlassClassificationEvaluator e =
        new MulticlassClassificationEvaluator().setMetricName("logLoss");
    if (weightCol != null) {
      e.setWeightCol(weightCol);
    }
    return e.evaluate(df);
  }

  /** Mean of -ln p[y], weighted by w when asked: plain Java over the generated rows. */
  private static double plainLogLoss(boolean weighted) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < N; i++) {
      double s = weighted ? w[i] : 1.0;
      num += s * -Math.log(p[i][(int) label[i]]);
      den += s;
    }
    return num / den;
  }

  private static void assertSameParams(LossEvaluator actual, LossEvaluator expected) {
    assertThat(actual.uid()).isEqualTo(expected.uid());
    for (Param<?> param : expected.params()) {
      Param<?> other = actual.getParam(param.name());
      assertThat(actual.isSet(other)).as(param.name()).isEqualTo(expected.isSet(param));
      assertThat(actual.isDefined(other)).as(param.name()).isEqualTo(expected.isDefined(param));
      if (expected.isDefined(param)) {
        assertThat(actual.getOrDefault(other))
            .as(param.name())
            .isEqualTo(expected.getOrDefault(param));
      }
    }
  }

  private static void assertMessage(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOf(LossException.class).hasMessage(message);
  }

  private static void assertEvaluateMessage(LossEvaluator e, Dataset<Row> df, String message) {
    assertThatThrownBy(() -> e.evaluate(df)).isInstanceOf(LossException.class).hasMessage(message);
  }
}
