package io.github.sparkloss.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sparkloss.loss.BCEWithLogitsLoss;
import io.github.sparkloss.loss.CrossEntropyLoss;
import io.github.sparkloss.loss.KLDivLoss;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job's configuration, parsed and validated without Spark: every key, its default, and every
 * error, whose message must name the key (and, for an unknown key, the nearest valid one).
 */
class JobConfigTest {
  private static final String SOURCE = "t.conf";

  private static final String INPUT = "input.path = \"in.parquet\"\n";
  private static final String CE =
      "{ name = ce, loss = cross_entropy, input = logits, target = y }";
  private static final String OUTPUT = "output.report = \"out/report.json\"\n";

  private static JobConfig parse(String text) {
    return JobConfig.parse(text, SOURCE);
  }

  private static String minimal(String metrics) {
    return INPUT + "metrics = [" + metrics + "]\n" + OUTPUT;
  }

  @Test
  void confidenceAtTopLevelIsEachAggregateMetricsDefault() {
    JobConfig cfg =
        parse(
            INPUT
                + "confidence = 0.9\ngroup_by = [model]\nmetrics = ["
                + CE
                + ", { name = ce99, loss = cross_entropy, input = logits, target = y,"
                + " confidence = 0.99 }]\ncompare = [{ metric = ce99, baseline = { model = v1 } }]\n"
                + OUTPUT);
    assertThat(cfg.metrics().get(0).options().confidence()).isEqualTo(0.9);
    assertThat(cfg.metrics().get(1).options().confidence()).isEqualTo(0.99);
    assertThat(cfg.compare())
        .containsExactly(new JobConfig.Compare("ce99", java.util.Map.of("model", "v1")));
    assertThat(parse(minimal(CE)).metrics().get(0).options().confidence()).isEqualTo(0.95);
  }

  @Test
  void minimalConfigTakesEveryDefault() {
    JobConfig cfg = parse(minimal(CE));
    assertThat(cfg.inputPath()).isEqualTo("in.parquet");
    assertThat(cfg.inputPaths()).containsExactly("in.parquet");
    assertThat(cfg.inputFormat()).isEqualTo("parquet");
    assertThat(cfg.inputOptions()).isEmpty();
    assertThat(cfg.groupBy()).isEmpty();
    assertThat(cfg.onBadRow()).isEqualTo(OnBadRow.FAIL);
    assertThat(cfg.reportPath()).isEqualTo("out/report.json");
    assertThat(cfg.htmlPath()).isNull();
    assertThat(cfg.rows()).isNull();
    assertThat(cfg.metrics()).hasSize(1);
    JobConfig.Metric m = cfg.metrics().get(0);
    assertThat(m.name()).isEqualTo("ce");
    assertThat(m.loss()).isEqualTo(Loss.fromSqlName("cross_entropy"));
    assertThat(m.input()).isEqualTo("logits");
    assertThat(m.arguments().get(1)).isEqualTo("y");
    assertThat(m.sampleWeight()).isNull();
    assertThat(m.perClass()).isFalse();
    assertThat(m.perRow()).isFalse();
    // PyTorch's defaults: mean, ignore_index -100 (not "set"), no weight, no smoothing.
    assertThat(m.options().namedArguments())
        .isEqualTo(LossOptions.defaults(Loss.fromSqlName("cross_entropy")).namedArguments());
    assertThat(m.options().reduction()).isEqualTo(Reduction.MEAN);
    assertThat(m.options().isSet(CrossEntropyLoss.IGNORE_INDEX)).isFalse();
    assertThat(m.options().onBadRow()).isEqualTo(OnBadRow.FAIL);
  }

  @Test
  void everyKeyIsRead() {
    JobConfig cfg =
        parse(
            "input {\n"
                + "  path = \"data/in.csv\"\n"
                + "  format = CSV\n"
                + "  options { header = true, inferSchema = true, sep = \";\", samplingRatio ="
                + " 0.5, maxColumns = 100 }\n"
                + "}\n"
                + "group_by = [model, day]\n"
                + "on_bad_row = skip\n"
                + "metrics = [\n"
                + "  { name = ce, loss = cross_entropy, input = logits, target = label,\n"
                + "    weight = [1, 2.5, 0.5], ignore_index = 0, label_smoothing = 0.1,\n"
                + "    reduction = sum, sample_weight = sw, per_class = true }\n"
                + "  { name = nll, loss = NLL_LOSS, input = lp, target = label, reduction = MEAN }\n"
                + "  { name = bcel, loss = binary_cross_entropy_with_logits, input = z, target ="
                + " t,\n"
                + "    weight = [1, 1], pos_weight = [3, 0.5] }\n"
                + "  { name = bce, loss = binary_cross_entropy, input = p, target = t, weight ="
                + " [2] }\n"
                + "  { name = kl, loss = kl_div, input = lp, target = lq, log_target = true,\n"
                + "    reduction = batchmean, per_class = false }\n"
                + "  { name = ce_row, loss = cross_entropy, input = logits, target = label,"
                + " reduction = none }\n"
                + "]\n"
                + "output {\n"
                + "  report = \"out/r.json\"\n"
                + "  rows { path = \"out/rows\", format = ORC, keep = [id, model] }\n"
                + "}\n");
    assertThat(cfg.inputPath()).isEqualTo("data/in.csv");
    assertThat(cfg.inputFormat()).isEqualTo("csv");
    // Spark's reader takes strings: every scalar is passed on as its text, in order.
    assertThat(cfg.inputOptions())
        .containsOnly(
            Map.entry("header", "true"),
            Map.entry("inferSchema", "true"),
            Map.entry("sep", ";"),
            Map.entry("samplingRatio", "0.5"),
            Map.entry("maxColumns", "100"));
    assertThat(cfg.groupBy()).containsExactly("model", "day");
    assertThat(cfg.onBadRow()).isEqualTo(OnBadRow.SKIP);
    assertThat(cfg.metrics())
        .extracting(JobConfig.Metric::name)
        .containsExactly("ce", "nll", "bcel", "bce", "kl", "ce_row");
    // on_bad_row applies to every metric.
    assertThat(cfg.metrics()).allMatch(m -> m.options().onBadRow() == OnBadRow.SKIP);

    JobConfig.Metric ce = cfg.metrics().get(0);
    assertThat(ce.loss()).isEqualTo(Loss.fromSqlName("cross_entropy"));
    assertThat(ce.options().weight()).containsExactly(1.0, 2.5, 0.5);
    assertThat(ce.options().get(CrossEntropyLoss.IGNORE_INDEX)).isEqualTo(0L);
    assertThat(ce.options().isSet(CrossEntropyLoss.IGNORE_INDEX)).isTrue();
    assertThat(ce.options().get(CrossEntropyLoss.LABEL_SMOOTHING)).isEqualTo(0.1);
    assertThat(ce.options().reduction()).isEqualTo(Reduction.SUM);
    assertThat(ce.sampleWeight()).isEqualTo("sw");
    assertThat(ce.perClass()).isTrue();

    JobConfig.Metric nll = cfg.metrics().get(1);
    assertThat(nll.loss()).isEqualTo(Loss.fromSqlName("nll_loss"));
    assertThat(nll.input()).isEqualTo("lp");
    assertThat(nll.options().reduction()).isEqualTo(Reduction.MEAN);

    JobConfig.Metric bcel = cfg.metrics().get(2);
    assertThat(bcel.loss()).isEqualTo(Loss.fromSqlName("binary_cross_entropy_with_logits"));
    assertThat(bcel.options().get(BCEWithLogitsLoss.POS_WEIGHT)).containsExactly(3.0, 0.5);
    assertThat(bcel.options().weight()).containsExactly(1.0, 1.0);

    assertThat(cfg.metrics().get(3).options().weight()).containsExactly(2.0);

    JobConfig.Metric kl = cfg.metrics().get(4);
    assertThat(kl.options().get(KLDivLoss.LOG_TARGET)).isTrue();
    assertThat(kl.options().reduction()).isEqualTo(Reduction.BATCHMEAN);
    assertThat(kl.perClass()).isFalse();

    JobConfig.Metric row = cfg.metrics().get(5);
    assertThat(row.perRow()).isTrue();
    assertThat(cfg.metrics().stream().filter(JobConfig.Metric::perRow)).containsExactly(row);

    assertThat(cfg.reportPath()).isEqualTo("out/r.json");
    assertThat(cfg.rows())
        .isEqualTo(new JobConfig.RowsOutput("out/rows", "orc", List.of("id", "model")));
  }

  @Test
  void rowsOutputDefaultsToParquetAndNoKeptColumns() {
    JobConfig cfg =
        parse(
            INPUT
                + "metrics = [{ name = r, loss = kl_div, input = a, target = b, reduction = none"
                + " }]\n"
                + "output { report = r.json, rows.path = rows }\n");
    assertThat(cfg.rows()).isEqualTo(new JobConfig.RowsOutput("rows", "parquet", List.of()));
  }

  @Test
  void inputPathMayBeAList() {
    JobConfig cfg =
        parse("input.path = [\"logs/a\", \"logs/b,c\"]\nmetrics = [" + CE + "]\n" + OUTPUT);
    assertThat(cfg.inputPaths()).containsExactly("logs/a", "logs/b,c");
    assertThat(cfg.inputPath()).isEqualTo("logs/a, logs/b,c");
  }

  @Test
  void everyInputFormatIsAccepted() {
    for (String format : List.of("parquet", "json", "csv", "orc", "Parquet", "JSON")) {
      JobConfig cfg =
          parse("input { path = x, format = " + format + " }\nmetrics = [" + CE + "]\n" + OUTPUT);
      assertThat(cfg.inputFormat()).isEqualTo(format.toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Test
  void jsonFileIsReadAsJson(@TempDir Path dir) {
    Path file =
        JobHarness.write(
            dir.resolve("eval.json"),
            "{\"input\": {\"path\": \"in.parquet\", \"format\": \"json\", \"options\":"
                + " {\"multiLine\": true}},\n"
                + " \"group_by\": [\"model\"],\n"
                + " \"metrics\": [{\"name\": \"ce\", \"loss\": \"cross_entropy\", \"input\":"
                + " \"logits\", \"target\": \"label\", \"weight\": [1.0, 2.0], \"ignore_index\":"
                + " 1}],\n"
                + " \"output\": {\"report\": \"r.json\"}}\n");
    JobConfig cfg = JobConfig.load(file.toFile());
    assertThat(cfg.inputFormat()).isEqualTo("json");
    assertThat(cfg.inputOptions()).containsExactly(Map.entry("multiLine", "true"));
    assertThat(cfg.groupBy()).containsExactly("model");
    assertThat(cfg.metrics().get(0).options().weight()).containsExactly(1.0, 2.0);
    assertThat(cfg.metrics().get(0).options().get(CrossEntropyLoss.IGNORE_INDEX)).isEqualTo(1L);

    // A .json file is parsed as strict JSON: HOCON's unquoted strings are a syntax error.
    Path hoconInJson = JobHarness.write(dir.resolve("bad.json"), minimal(CE));
    assertThatThrownBy(() -> JobConfig.load(hoconInJson.toFile()))
        .isInstanceOf(JobException.class)
        .hasMessageStartingWith("config " + hoconInJson + ": ");
  }

  @Test
  void hoconFileIsLoaded(@TempDir Path dir) {
    Path file = JobHarness.write(dir.resolve("eval.conf"), "# a comment\n" + minimal(CE));
    assertThat(JobConfig.load(file.toFile()).metrics()).hasSize(1);
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    File missing = dir.resolve("nope.conf").toFile();
    assertThatThrownBy(() -> JobConfig.load(missing))
        .isInstanceOf(JobException.class)
        .hasMessage("config file " + missing + " does not exist");
    // A directory is not a config file either.
    assertThatThrownBy(() -> JobConfig.load(dir.toFile()))
        .isInstanceOf(JobException.class)
        .hasMessage("config file " + dir + " does not exist");
  }

  @Test
  void syntaxErrorNamesTheSource() {
    assertThatThrownBy(() -> parse("input { path = x\nmetrics = ["))
        .isInstanceOf(JobException.class)
        .hasMessageStartingWith("config t.conf: ");
  }

  private static final String TOP =
      "; expected one of compare, confidence, group_by, incremental, input, metrics, on_bad_row,"
          + " output, window";
  private static final String METRIC =
      "; expected one of confidence, ignore_index, input, input_kind, label_smoothing, loss, name, per_class,"
          + " reduction, sample_weight, target, weight";

  /** An unknown key anywhere: named with its path, the nearest valid key suggested. */
  static Stream<Arguments> unknownKeys() {
    return Stream.of(
        Arguments.of(
            minimal(CE) + "metric = []\n", "unknown key 'metric' (did you mean 'metrics'?)" + TOP),
        Arguments.of(
            minimal(CE) + "groupby = [model]\n",
            "unknown key 'groupby' (did you mean 'group_by'?)" + TOP),
        Arguments.of(
            minimal(CE) + "onbadrow = skip\n",
            "unknown key 'onbadrow' (did you mean 'on_bad_row'?)" + TOP),
        Arguments.of(
            minimal(CE) + "outputs = {}\n", "unknown key 'outputs' (did you mean 'output'?)" + TOP),
        Arguments.of(minimal(CE) + "spark { master = local }\n", "unknown key 'spark'" + TOP),
        Arguments.of(
            minimal(CE) + "input.fromat = csv\n",
            "unknown key 'input.fromat' (did you mean 'format'?); expected one of format, options,"
                + " path, schema"),
        Arguments.of(
            minimal(CE) + "input.option { header = true }\n",
            "unknown key 'input.option' (did you mean 'options'?); expected one of format,"
                + " options, path, schema"),
        Arguments.of(
            minimal(CE) + "output.reports = x\n",
            "unknown key 'output.reports' (did you mean 'report'?); expected one of html, report, rows"),
        Arguments.of(
            minimal(CE) + "output.row.path = x\n",
            "unknown key 'output.row' (did you mean 'rows'?); expected one of html, report, rows"),
        Arguments.of(
            minimal("{ name = r, loss = nll_loss, input = a, target = b, reduction = none }")
                + "output.rows { path = x, kep = [id] }\n",
            "unknown key 'output.rows.kep' (did you mean 'keep'?); expected one of format, keep,"
                + " path"),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropy, input = a, target = b, weights = [1, 2] }"),
            "unknown key 'metrics[0].weights' (did you mean 'weight'?)" + METRIC),
        Arguments.of(
            minimal(
                CE
                    + ", { name = c2, loss = cross_entropy, input = a, target = b, labelsmoothing ="
                    + " 0.1 }"),
            "unknown key 'metrics[1].labelsmoothing' (did you mean 'label_smoothing'?)" + METRIC),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropy, input = a, target = b, sampleweight = w }"),
            "unknown key 'metrics[0].sampleweight' (did you mean 'sample_weight'?)" + METRIC),
        Arguments.of(
            minimal("{ name = k, loss = kl_div, input = a, target = b, logtarget = true }"),
            "unknown key 'metrics[0].logtarget' (did you mean 'log_target'?); expected one of confidence, input,"
                + " input_kind, log_target, loss, name, per_class, reduction, sample_weight, target, weight"),
        Arguments.of(
            minimal(
                "{ name = b, loss = binary_cross_entropy_with_logits, input = a, target = b,"
                    + " posweight = [2] }"),
            "unknown key 'metrics[0].posweight' (did you mean 'pos_weight'?); expected one of confidence, input,"
                + " loss, name, per_class, pos_weight, reduction, sample_weight, target, weight"),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropy, input = a, target = b, perclass = true }"),
            "unknown key 'metrics[0].perclass' (did you mean 'per_class'?)" + METRIC),
        // on_bad_row is a top-level key: inside a metric it is unknown (and nothing is close).
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = a, target = b, on_bad_row = skip"
                    + " }"),
            "unknown key 'metrics[0].on_bad_row'" + METRIC));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unknownKeys")
  void unknownKeyIsNamedWithTheNearestValidKey(String text, String message) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(JobException.class)
        .hasMessage("config t.conf: " + message);
  }

  /** Every other configuration error, with the message that names the key and the value. */
  static Stream<Arguments> invalidConfigs() {
    String rowsOut = "output { report = r.json, rows { path = rows, keep = [id] } }\n";
    String ceRow =
        "{ name = ce_row, loss = cross_entropy, input = logits, target = y, reduction = none }";
    String grouped = INPUT + "group_by = [model, day]\nmetrics = [" + CE + ", " + ceRow + "]\n";
    String rowsOutput = "output { report = r.json, rows { path = rows, keep = [id] } }\n";
    return Stream.of(
        // confidence and compare
        Arguments.of(
            INPUT + "confidence = 1\nmetrics = [" + CE + "]\n" + OUTPUT,
            "confidence 1 must be in (0, 1), exclusive"),
        Arguments.of(
            INPUT + "confidence = high\nmetrics = [" + CE + "]\n" + OUTPUT,
            "confidence must be a number in (0, 1), not \"high\""),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = logits, target = y, confidence = 0 }"),
            "metrics[0].confidence: cross_entropy: confidence must be in (0, 1), exclusive: 0"),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = logits, target = y, reduction = none,"
                    + " confidence = 0.9 }"),
            "metrics[0].confidence does not apply to reduction 'none': per-row losses have no"
                + " interval"),
        Arguments.of(
            grouped + "compare = [{ metric = cee, baseline = { model = v1 } }]\n" + rowsOutput,
            "compare[0].metric 'cee' is not a metric; expected one of ce"),
        Arguments.of(
            grouped + "compare = [{ metric = ce_row, baseline = { model = v1 } }]\n" + rowsOutput,
            "compare[0].metric 'ce_row' is not an aggregate metric (its reduction is 'none');"
                + " expected one of ce"),
        Arguments.of(
            grouped + "compare = [{ metric = ce, baseline = { modle = v1 } }]\n" + rowsOutput,
            "compare[0].baseline.modle is not a group_by column; expected one of model, day"),
        Arguments.of(
            grouped + "compare = [{ metric = ce, baseline = {} }]\n" + rowsOutput,
            "compare[0].baseline is empty; give a value of model, day"),
        Arguments.of(
            grouped + "compare = [{ metric = ce, baseline = { model = [v1] } }]\n" + rowsOutput,
            "compare[0].baseline.model must be a single value, not [\"v1\"]"),
        Arguments.of(
            grouped + "compare = [{ metric = ce, basline = { model = v1 } }]\n" + rowsOutput,
            "unknown key 'compare[0].basline' (did you mean 'baseline'?); expected one of"
                + " baseline, metric"),
        Arguments.of(
            grouped + "compare = [{ metric = ce }]\n" + rowsOutput,
            "missing key 'compare[0].baseline'"),
        Arguments.of(
            minimal(CE) + "compare = [{ metric = ce, baseline = { model = v1 } }]\n",
            "compare[0] needs group_by: with one group there is nothing to compare"),
        Arguments.of(
            minimal(CE) + "compare = { metric = ce }\n",
            "compare must be a list of objects {metric, baseline = {column = value}}"),
        // input
        Arguments.of("metrics = [" + CE + "]\n" + OUTPUT, "missing key 'input'"),
        Arguments.of("input = x\nmetrics = [" + CE + "]\n" + OUTPUT, "input must be an object"),
        Arguments.of(
            "input.format = parquet\nmetrics = [" + CE + "]\n" + OUTPUT,
            "missing key 'input.path'"),
        Arguments.of(
            "input.path = 3\nmetrics = [" + CE + "]\n" + OUTPUT,
            "input.path must be a path or a list of paths, not 3"),
        Arguments.of(
            "input.path = [a, 3, {b = 1}]\nmetrics = [" + CE + "]\n" + OUTPUT,
            "input.path must be a path or a list of paths, not [\"a\",3,{\"b\":1}]"),
        Arguments.of(
            "input.path = []\nmetrics = [" + CE + "]\n" + OUTPUT,
            "input.path is an empty list; give at least one path"),
        Arguments.of(
            "input { path = x, format = avro }\nmetrics = [" + CE + "]\n" + OUTPUT,
            "input.format 'avro' is not supported; expected one of parquet, json, csv, orc"),
        Arguments.of(
            INPUT + "input.options { a { b = 1 } }\nmetrics = [" + CE + "]\n" + OUTPUT,
            "input.options.a must be a string, number or boolean"),
        Arguments.of(
            INPUT + "input.options { a = [1, 2] }\nmetrics = [" + CE + "]\n" + OUTPUT,
            "input.options.a must be a string, number or boolean"),
        // group_by, on_bad_row
        Arguments.of(minimal(CE) + "group_by = model\n", "group_by must be a list of column names"),
        Arguments.of(
            minimal(CE) + "group_by = [[model]]\n", "group_by must be a list of column names"),
        Arguments.of(
            minimal(CE) + "on_bad_row = ignore\n",
            "on_bad_row: on_bad_row 'ignore' is not supported; expected one of fail, skip"),
        // metrics
        Arguments.of(INPUT + OUTPUT, "missing key 'metrics'"),
        Arguments.of(
            INPUT + "metrics = []\n" + OUTPUT,
            "metrics is empty; give at least one {name, loss, input, target}"),
        Arguments.of(
            INPUT + "metrics " + CE + "\n" + OUTPUT,
            "metrics must be a list of objects {name, loss, input, target, ...}"),
        Arguments.of(
            INPUT + "metrics = [ce]\n" + OUTPUT,
            "metrics must be a list of objects {name, loss, input, target, ...}"),
        Arguments.of(
            minimal("{ loss = cross_entropy, input = a, target = b }"),
            "missing key 'metrics[0].name'"),
        Arguments.of(
            minimal("{ name = ce, input = a, target = b }"), "missing key 'metrics[0].loss'"),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropy, target = b }"),
            "missing key 'metrics[0].input'"),
        Arguments.of(
            minimal(CE + ", { name = c2, loss = cross_entropy, input = a }"),
            "missing key 'metrics[1].target'"),
        Arguments.of(
            minimal("{ name = 3, loss = cross_entropy, input = a, target = b }"),
            "metrics[0].name must be a string, not 3"),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = a, target = b, sample_weight = 1"
                    + " }"),
            "metrics[0].sample_weight must be a string, not 1"),
        Arguments.of(
            minimal(CE + ", { name = ce, loss = nll_loss, input = a, target = b }"),
            "metrics[1].name 'ce' is used twice; names must be unique"),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropi, input = a, target = b }"),
            "metrics[0].loss: unknown loss 'cross_entropi'; expected one of cross_entropy,"
                + " nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits, kl_div"
                + ", mse_loss, l1_loss, smooth_l1_loss, huber_loss, poisson_nll_loss, gaussian_nll_loss,"
                + " soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss,"
                + " multilabel_margin_loss, hinge_embedding_loss, margin_ranking_loss,"
                + " cosine_embedding_loss, triplet_margin_loss, sigmoid_focal_loss"),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropy, input = a, target = b, reduction = avg }"),
            "metrics[0].reduction: cross_entropy: reduction 'avg' is not supported; expected one"
                + " of none, sum, mean"),
        Arguments.of(
            minimal("{ name = k, loss = kl_div, input = a, target = b, reduction = average }"),
            "metrics[0].reduction: kl_div: reduction 'average' is not supported; expected one of"
                + " none, sum, mean, batchmean"),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = a, target = b, reduction = batchmean"
                    + " }"),
            "metrics[0]: cross_entropy: reduction 'batchmean' is only defined for kl_div;"
                + " expected one of none, sum, mean"),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = a, target = b, label_smoothing = 1.5"
                    + " }"),
            "metrics[0].label_smoothing: cross_entropy: label_smoothing must be in [0, 1]: 1.5"),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = a, target = b, label_smoothing = -0.1"
                    + " }"),
            "metrics[0].label_smoothing: cross_entropy: label_smoothing must be in [0, 1]: -0.1"),
        Arguments.of(
            minimal("{ name = n, loss = nll_loss, input = a, target = b, weight = [1, 0.5, -2] }"),
            "metrics[0].weight: nll_loss: weight[2] must be finite and >= 0: -2 in [1, 0.5, -2]"),
        Arguments.of(
            minimal("{ name = n, loss = nll_loss, input = a, target = b, weight = [] }"),
            "metrics[0].weight: nll_loss: weight is empty; expected one entry per class"),
        Arguments.of(
            minimal("{ name = n, loss = nll_loss, input = a, target = b, weight = [1, a] }"),
            "metrics[0].weight: nll_loss: weight[1] is 'a'; expected a number"),
        Arguments.of(
            minimal("{ name = n, loss = nll_loss, input = a, target = b, weight = 2 }"),
            "metrics[0].weight: nll_loss: weight is 2; expected an array of numbers"),
        Arguments.of(
            minimal(
                "{ name = b, loss = binary_cross_entropy_with_logits, input = a, target = b,"
                    + " pos_weight = [1, -1] }"),
            "metrics[0].pos_weight: binary_cross_entropy_with_logits: pos_weight[1] must be finite and >= 0:"
                + " -1 in [1, -1]"),
        Arguments.of(
            minimal(
                "{ name = b, loss = binary_cross_entropy_with_logits, input = a, target = b,"
                    + " weight = [1, 2, 1], pos_weight = [1, 2] }"),
            "metrics[0]: binary_cross_entropy_with_logits: weight has 3 entries but pos_weight"
                + " has 2; expected one entry per class in both"),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = a, target = b, pos_weight = [1, 2] }"),
            "metrics[0].pos_weight: cross_entropy: option pos_weight does not apply;"
                + " cross_entropy takes weight, ignore_index, label_smoothing, input_kind, reduction,"
                + " on_bad_row, confidence"),
        Arguments.of(
            minimal("{ name = n, loss = nll_loss, input = a, target = b, label_smoothing = 0.1 }"),
            "metrics[0].label_smoothing: nll_loss: option label_smoothing does not apply; nll_loss"
                + " takes weight, ignore_index, input_kind, reduction, on_bad_row, confidence"),
        Arguments.of(
            minimal("{ name = k, loss = kl_div, input = a, target = b, ignore_index = 0 }"),
            "metrics[0].ignore_index: kl_div: option ignore_index does not apply; kl_div takes"
                + " weight, log_target, input_kind, reduction, on_bad_row, confidence"),
        Arguments.of(
            minimal(
                "{ name = b, loss = binary_cross_entropy, input = a, target = b, log_target = true"
                    + " }"),
            "metrics[0].log_target: binary_cross_entropy: option log_target does not apply;"
                + " binary_cross_entropy takes weight, reduction, on_bad_row, confidence"),
        Arguments.of(
            minimal(
                "{ name = ce, loss = cross_entropy, input = a, target = b, ignore_index = 1.5"
                    + " }"),
            "metrics[0].ignore_index: cross_entropy: ignore_index is 1.5; expected a whole number"),
        Arguments.of(
            minimal("{ name = k, loss = kl_div, input = a, target = b, log_target = 1 }"),
            "metrics[0].log_target: kl_div: log_target is 1; expected true or false"),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropy, input = a, target = b, reduction = 1 }"),
            "metrics[0].reduction: cross_entropy: reduction is 1; expected a string"),
        Arguments.of(
            minimal("{ name = ce, loss = cross_entropy, input = a, target = b, per_class = 3 }"),
            "metrics[0].per_class must be true or false, not 3"),
        Arguments.of(
            INPUT
                + "metrics = [{ name = ce_row, loss = cross_entropy, input = a, target = b,"
                + " reduction = none, per_class = true }]\n"
                + rowsOut,
            "metrics[0].per_class does not apply to reduction 'none'"),
        // output
        Arguments.of(INPUT + "metrics = [" + CE + "]\n", "missing key 'output'"),
        Arguments.of(INPUT + "metrics = [" + CE + "]\noutput = x\n", "output must be an object"),
        Arguments.of(
            INPUT + "metrics = [" + CE + "]\noutput.rows.path = x\n",
            "missing key 'output.report'"),
        Arguments.of(
            INPUT + "metrics = [" + ceRow + "]\n" + OUTPUT,
            "metric 'ce_row' has reduction 'none', whose per-row losses need output.rows {path,"
                + " format, keep}"),
        Arguments.of(
            INPUT + "metrics = [" + CE + "]\n" + rowsOut,
            "output.rows is set but no metric has reduction 'none'; remove it or add such a"
                + " metric"),
        Arguments.of(
            INPUT + "metrics = [" + ceRow + "]\noutput { report = r, rows { keep = [id] } }\n",
            "missing key 'output.rows.path'"),
        Arguments.of(
            INPUT
                + "metrics = ["
                + ceRow
                + "]\noutput { report = r, rows { path = p, format = avro } }\n",
            "output.rows.format 'avro' is not supported; expected one of parquet, json, csv, orc"),
        Arguments.of(
            INPUT
                + "metrics = ["
                + ceRow
                + "]\noutput { report = r, rows { path = p, keep = id } }\n",
            "output.rows.keep must be a list of column names"),
        Arguments.of(
            minimal(CE) + "window { column = ts, duration = \"1 month\" }\n",
            "window.duration '1 month' is not a duration; expected a number and a unit"
                + " (microseconds to weeks), as in '1 day' or '10 minutes'"),
        Arguments.of(
            minimal(CE) + "window { column = ts, duration = \"0 days\" }\n",
            "window.duration '0 days' must be longer than zero"),
        Arguments.of(
            minimal(CE) + "window { duration = \"1 day\" }\n", "missing key 'window.column'"),
        Arguments.of(
            minimal(CE) + "group_by = [window_end]\nwindow { column = ts, duration = 1h }\n",
            "window.duration '1h' is not a duration; expected a number and a unit"
                + " (microseconds to weeks), as in '1 day' or '10 minutes'"),
        Arguments.of(
            minimal(CE)
                + "group_by = [model, WINDOW_START]\nwindow { column = ts, duration = \"1"
                + " day\" }\n",
            "group_by column 'window_start' clashes with the column of that name the window adds"),
        Arguments.of(
            minimal(CE) + "window { column = ts, duration = \"1 day\", watermark = \"2 days\" }\n",
            "window.watermark applies to incremental runs only: a full run reads every row, so no"
                + " window is final before it ends; add incremental { checkpoint = ... } or remove"
                + " the watermark"),
        Arguments.of(
            minimal(CE) + "incremental { trigger = \"1 minute\" }\n",
            "missing key 'incremental.checkpoint'"),
        Arguments.of(
            minimal(CE) + "incremental { checkpoint = cp, trigger = often }\n",
            "incremental.trigger 'often' is not a duration; expected a number and a unit"
                + " (microseconds to weeks), as in '1 day' or '10 minutes'"),
        Arguments.of(
            "input { path = in, options { cleanSource = delete } }\nmetrics = ["
                + CE
                + "]\n"
                + OUTPUT
                + "incremental.checkpoint = cp\n",
            "input.options.cleanSource is not allowed in incremental runs: the job never deletes or"
                + " moves its input files"),
        Arguments.of(
            "input { path = in, options { maxFileAge = 1h } }\nmetrics = ["
                + CE
                + "]\n"
                + OUTPUT
                + "incremental.checkpoint = cp\n",
            "input.options.maxFileAge is not allowed in incremental runs: every file of the input"
                + " directory is read, however old its modification time"),
        Arguments.of(
            minimal(CE) + "incremental { checkpoint = cp, every = 1 }\n",
            "unknown key 'incremental.every'; expected one of checkpoint, trigger"),
        Arguments.of(
            "input.path = [a, b]\nmetrics = ["
                + CE
                + "]\n"
                + OUTPUT
                + "incremental.checkpoint = cp\n",
            "incremental runs read one input directory, not 2 paths; put the files under one"
                + " directory"),
        Arguments.of(
            INPUT
                + "metrics = ["
                + ceRow
                + "]\noutput { report = r, rows { path = p } }\nincremental.checkpoint = cp\n",
            "metric 'ce_row' has reduction 'none', but incremental runs keep aggregates only;"
                + " evaluate per-row losses with a config without incremental"));
  }

  @Test
  void windowAndIncrementalSections() {
    JobConfig cfg =
        parse(
            minimal(CE)
                + "group_by = [model]\n"
                + "window { column = ts, duration = \"1 hour 30 minutes\", watermark = \"2"
                + " days\" }\n"
                + "incremental.checkpoint = cp\n");
    assertThat(cfg.keys()).containsExactly("window_start", "window_end", "model");
    assertThat(cfg.groupBy()).containsExactly("model");
    assertThat(cfg.window().durationMicros()).isEqualTo(5_400_000_000L);
    assertThat(cfg.window().watermarkMicros()).isEqualTo(172_800_000_000L);
    assertThat(cfg.incremental()).isEqualTo(new JobConfig.Incremental("cp", "1 minute"));
    assertThat(parse(minimal(CE)).keys()).isEmpty();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidConfigs")
  void invalidConfigIsRejectedNamingTheKey(String text, String message) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(JobException.class)
        .hasMessage("config t.conf: " + message);
  }

  /**
   * A value of the wrong kind where a string is expected must be named on one line: the job prints
   * the message as its single stderr line.
   */
  @Test
  void nonStringValueIsNamedOnOneLine() {
    assertThatThrownBy(
            () -> parse(minimal("{ name = ce, loss = cross_entropy, input = [a], target = b }")))
        .isInstanceOf(JobException.class)
        .hasMessageStartingWith("config t.conf: metrics[0].input must be a string, not ")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> parse(INPUT + "metrics = [" + CE + "]\noutput.report = [x]\n"))
        .isInstanceOf(JobException.class)
        .hasMessageStartingWith("config t.conf: output.report must be a string, not ")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(
            () -> parse(INPUT + "metrics = [" + CE + "]\n" + OUTPUT + "output.html = 3\n"))
        .isInstanceOf(JobException.class)
        .hasMessage("config t.conf: output.html must be a string, not 3");
    assertThatThrownBy(
            () -> parse(INPUT + "metrics = [" + CE + "]\n" + OUTPUT + "output.html { p = x }\n"))
        .isInstanceOf(JobException.class)
        .hasMessageStartingWith("config t.conf: output.html must be a string, not ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void htmlPageIsAnOptionalOutput() {
    JobConfig cfg = parse(minimal(CE) + "output.html = \"out/report.html\"\n");
    assertThat(cfg.htmlPath()).isEqualTo("out/report.html");
    assertThat(cfg.reportPath()).isEqualTo("out/report.json");
  }

  /** A nested key that must be an object is named with its full path. */
  @Test
  void nestedObjectKeyIsNamedWithItsPath() {
    String ceRow =
        "{ name = ce_row, loss = cross_entropy, input = logits, target = y, reduction = none }";
    assertThatThrownBy(
            () -> parse(INPUT + "metrics = [" + ceRow + "]\noutput { report = r, rows = p }\n"))
        .isInstanceOf(JobException.class)
        .hasMessage("config t.conf: output.rows must be an object");
    assertThatThrownBy(() -> parse(INPUT + "input.options = x\nmetrics = [" + CE + "]\n" + OUTPUT))
        .isInstanceOf(JobException.class)
        .hasMessage("config t.conf: input.options must be an object");
  }
}
