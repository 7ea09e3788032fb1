package io.github.sparkloss.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.github.sparkloss.loss.Arg;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossException;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.OnBadRow;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.Suggest;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The batch job's configuration, read from HOCON (so plain JSON works as is) and validated whole
 * before Spark starts: an unknown key anywhere is an error naming it and the nearest valid key, and
 * every metric's options are checked as SQL checks them.
 *
 * <pre>
 * input { path = "data/preds.parquet", format = parquet }
 * group_by = [model]
 * metrics = [{ name = ce, loss = cross_entropy, input = logits, target = label }]
 * output.report = "out/report.json"
 * output.html = "out/report.html"
 * </pre>
 */
public final class JobConfig {
  static final Set<String> TOP_KEYS =
      Set.of(
          "input",
          "group_by",
          "window",
          "on_bad_row",
          "confidence",
          "metrics",
          "compare",
          "output",
          "incremental");
  static final Set<String> INPUT_KEYS = Set.of("path", "format", "options", "schema");
  static final Set<String> WINDOW_KEYS = Set.of("column", "duration", "watermark");
  static final Set<String> INCREMENTAL_KEYS = Set.of("checkpoint", "trigger");

  /**
   * Options of Spark's file source that incremental runs refuse: the job never deletes or moves its
   * input, and never skips a file of the input directory.
   */
  static final Map<String, String> REFUSED_STREAM_OPTIONS =
      Map.of(
          "cleansource", "the job never deletes or moves its input files",
          "sourcearchivedir", "the job never deletes or moves its input files",
          "maxfileage",
              "every file of the input directory is read, however old its modification time",
          "latestfirst", "files are read in the order they arrived");

  /** The group columns a window adds, before the group_by columns. */
  public static final String WINDOW_START = "window_start";

  public static final String WINDOW_END = "window_end";
  static final Set<String> OUTPUT_KEYS = Set.of("report", "rows", "html");
  static final Set<String> ROWS_KEYS = Set.of("path", "format", "keep");
  static final Set<String> COMPARE_KEYS = Set.of("metric", "baseline");

  /** A metric's own keys; its columns and options are the keys its loss's descriptor lists. */
  static final Set<String> METRIC_OWN_KEYS = Set.of("name", "loss", "sample_weight", "per_class");

  static final Set<String> METRIC_KEYS = metricKeys();
  static final Set<String> INPUT_FORMATS = Set.of("parquet", "json", "csv", "orc");

  /** Every key a metric may have, whatever its loss (a key of another loss is then named). */
  private static Set<String> metricKeys() {
    Set<String> keys = new HashSet<>(METRIC_OWN_KEYS);
    for (Loss loss : Loss.all()) {
      loss.arguments().forEach(a -> keys.add(a.name()));
      loss.options().forEach(o -> keys.add(o.key()));
    }
    keys.remove(Loss.ON_BAD_ROW.key());
    return Set.copyOf(keys);
  }

  /**
   * One metric: a named loss over its argument columns (in PyTorch's order) with its options.
   *
   * @param arguments the column of each of the loss's positional arguments
   */
  public record Metric(
      String name,
      LossOptions options,
      List<String> arguments,
      String sampleWeight,
      boolean perClass) {
    public Loss loss() {
      return options.loss();
    }

    /** The column of the first argument. */
    public String input() {
      return arguments.get(0);
    }

    public boolean perRow() {
      return options.reduction() == Reduction.NONE;
    }
  }

  /**
   * A comparison of every group of a metric with a baseline group: {@code baseline} gives the
   * values of some group_by columns; each other group is compared with the group that has those
   * values there and its own values in the other columns.
   *
   * @param baseline group_by column to value (a string, number, boolean or null), in config order
   */
  public record Compare(String metric, Map<String, Object> baseline) {}

  /** Where per-row losses go: path, format and the input columns kept beside them. */
  public record RowsOutput(String path, String format, List<String> keep) {}

  /**
   * Tumbling time windows over a timestamp column: every group gains the window's start and end.
   *
   * @param duration the window's length as Spark reads it ({@code "1 day"}, {@code "10 minutes"})
   * @param watermark with incremental runs, how far behind the latest event time a window is final
   *     (its state is dropped, and rows arriving later for it are counted and not evaluated); null
   *     keeps every window open
   */
  public record Window(String column, String duration, String watermark) {
    /** The duration in microseconds. */
    public long durationMicros() {
      return Durations.micros(duration);
    }

    /** The watermark delay in microseconds; only when {@link #watermark} is set. */
    public long watermarkMicros() {
      return Durations.micros(watermark);
    }
  }

  /**
   * Incremental runs: each run reads only the files that arrived since the last one and merges them
   * into the partial states kept under {@code checkpoint}.
   *
   * @param trigger how often {@code --follow} looks for new files
   */
  public record Incremental(String checkpoint, String trigger) {}

  private final String source;
  private final List<String> inputPaths;
  private final String inputFormat;
  private final Map<String, String> inputOptions;
  private final String inputSchema;
  private final List<String> groupBy;
  private final Window window;
  private final Incremental incremental;
  private final OnBadRow onBadRow;
  private final Double confidence;
  private final List<Metric> metrics;
  private final List<Compare> compare;
  private final String reportPath;
  private final String htmlPath;
  private final RowsOutput rows;

  private JobConfig(String source, Config c) {
    this.source = source;
    checkKeys(c.root(), TOP_KEYS, "");
    Config input = section(c, "input", INPUT_KEYS);
    this.inputPaths = paths(input, "path", "input.path");
    this.inputFormat = format(input, "input.format");
    this.inputOptions = inputOptions(input);
    this.inputSchema =
        input.hasPath("schema") ? string(input, "schema", "input.schema", null) : null;
    this.groupBy = c.hasPath("group_by") ? stringList(c, "group_by", "group_by") : List.of();
    this.window = c.hasPath("window") ? window(c) : null;
    this.incremental = c.hasPath("incremental") ? incremental(c) : null;
    this.onBadRow = onBadRow(c);
    this.confidence = c.hasPath("confidence") ? confidence(c) : null;
    this.metrics = metrics(c);
    this.compare = c.hasPath("compare") ? compare(c) : List.of();
    Config output = section(c, "output", OUTPUT_KEYS);
    this.reportPath = string(output, "report", "output.report", null);
    this.htmlPath = output.hasPath("html") ? string(output, "html", "output.html", null) : null;
    this.rows = output.hasPath("rows") ? rowsOutput(output) : null;
    checkPerRowOutput();
    checkIncremental();
  }

  private Window window(Config c) {
    Config w = section(c, "window", WINDOW_KEYS);
    Window window =
        new Window(
            string(w, "column", "window.column", null),
            duration(w, "duration", "window.duration"),
            w.hasPath("watermark") ? duration(w, "watermark", "window.watermark") : null);
    for (String key : List.of(WINDOW_START, WINDOW_END)) {
      if (groupBy.stream().anyMatch(g -> g.equalsIgnoreCase(key))) {
        throw error(
            "group_by column '" + key + "' clashes with the column of that name the window adds");
      }
    }
    return window;
  }

  /** A fixed duration such as "1 day" or "10 minutes" (no months: they have no fixed length). */
  private String duration(Config c, String path, String where) {
    String d = string(c, path, where, null);
    String problem = Durations.problem(d);
    if (problem != null) {
      throw error(where + " '" + d + "' " + problem);
    }
    return d;
  }

  private Incremental incremental(Config c) {
    Config i = section(c, "incremental", INCREMENTAL_KEYS);
    return new Incremental(
        string(i, "checkpoint", "incremental.checkpoint", null),
        i.hasPath("trigger") ? duration(i, "trigger", "incremental.trigger") : "1 minute");
  }

  /** What incremental runs need, and what only they can do. */
  private void checkIncremental() {
    if (window != null && window.watermark() != null && incremental == null) {
      throw error(
          "window.watermark applies to incremental runs only: a full run reads every row, so no"
              + " window is final before it ends; add incremental { checkpoint = ... } or remove"
              + " the watermark");
    }
    if (incremental == null) {
      return;
    }
    for (String key : inputOptions.keySet()) {
      String refused = REFUSED_STREAM_OPTIONS.get(key.toLowerCase(Locale.ROOT));
      if (refused != null) {
        throw error("input.options." + key + " is not allowed in incremental runs: " + refused);
      }
    }
    if (inputPaths.size() != 1) {
      throw error(
          "incremental runs read one input directory, not "
              + inputPaths.size()
              + " paths; put the files under one directory");
    }
    for (Metric m : metrics) {
      if (m.perRow()) {
        throw error(
            "metric '"
                + m.name()
                + "' has reduction 'none', but incremental runs keep aggregates only; evaluate"
                + " per-row losses with a config without incremental");
      }
    }
  }

  /** The required object {@code key}, its keys checked against {@code allowed}. */
  private Config section(Config c, String key, Set<String> allowed) {
    require(c, key);
    ConfigObject o = object(c, key, key);
    checkKeys(o, allowed, key + ".");
    return o.toConfig();
  }

  /** A data format at {@code where}: parquet (the default), json, csv or orc. */
  private String format(Config c, String where) {
    String format = string(c, "format", where, "parquet").toLowerCase(Locale.ROOT);
    if (!INPUT_FORMATS.contains(format)) {
      throw error(
          where
              + " '"
              + format
              + "' is not supported; expected one of parquet, json,"
              + " csv, orc");
    }
    return format;
  }

  private Map<String, String> inputOptions(Config input) {
    Map<String, String> options = new LinkedHashMap<>();
    if (input.hasPath("options")) {
      for (Map.Entry<String, ConfigValue> e :
          object(input, "options", "input.options").entrySet()) {
        Object v = e.getValue().unwrapped();
        if (v instanceof Map || v instanceof List) {
          throw error("input.options." + e.getKey() + " must be a string, number or boolean");
        }
        options.put(e.getKey(), String.valueOf(v));
      }
    }
    return options;
  }

  private OnBadRow onBadRow(Config c) {
    String policy = c.hasPath("on_bad_row") ? string(c, "on_bad_row", "on_bad_row", null) : "fail";
    return parse(
        () -> OnBadRow.parse(Loss.fromSqlName("cross_entropy"), policy),
        "on_bad_row",
        "on_bad_row '" + policy + "' is not supported; expected one of fail, skip");
  }

  /** The top-level confidence, every aggregate metric's default. */
  private double confidence(Config c) {
    ConfigValue v = c.getValue("confidence");
    Object x = v.unwrapped();
    if (!(x instanceof Number)) {
      throw error("confidence must be a number in (0, 1), not " + render(v));
    }
    double d = ((Number) x).doubleValue();
    String problem = Loss.CONFIDENCE.problem(d);
    if (problem != null) {
      throw error("confidence " + render(v) + " " + problem);
    }
    return d;
  }

  private List<Compare> compare(Config c) {
    List<? extends ConfigObject> list;
    try {
      list = c.getObjectList("compare");
    } catch (ConfigException.WrongType e) {
      throw error("compare must be a list of objects {metric, baseline = {column = value}}");
    }
    List<Compare> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "compare[" + i + "]";
      checkKeys(list.get(i), COMPARE_KEYS, where + ".");
      Config k = list.get(i).toConfig();
      String name = string(k, "metric", where + ".metric", null);
      Metric m = metrics.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
      if (m == null || m.perRow()) {
        List<String> names = metrics.stream().filter(x -> !x.perRow()).map(Metric::name).toList();
        throw error(
            where
                + ".metric '"
                + name
                + "' is not "
                + (m == null ? "a metric" : "an aggregate metric (its reduction is 'none')")
                + "; expected one of "
                + String.join(", ", names));
      }
      if (groupBy.isEmpty()) {
        throw error(where + " needs group_by: with one group there is nothing to compare");
      }
      ConfigObject b = object(k, "baseline", where + ".baseline");
      if (b.isEmpty()) {
        throw error(where + ".baseline is empty; give a value of " + String.join(", ", groupBy));
      }
      Map<String, Object> baseline = new LinkedHashMap<>();
      for (String key : b.keySet()) {
        if (!groupBy.contains(key)) {
          throw error(
              where
                  + ".baseline."
                  + key
                  + " is not a group_by column; expected one of "
                  + String.join(", ", groupBy));
        }
        ConfigValue v = b.get(key);
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
          throw error(where + ".baseline." + key + " must be a single value, not " + render(v));
        }
        baseline.put(key, v.unwrapped());
      }
      out.add(new Compare(name, java.util.Collections.unmodifiableMap(baseline)));
    }
    return List.copyOf(out);
  }

  private List<Metric> metrics(Config c) {
    require(c, "metrics");
    List<? extends ConfigObject> list;
    try {
      list = c.getObjectList("metrics");
    } catch (ConfigException.WrongType e) {
      throw error("metrics must be a list of objects {name, loss, input, target, ...}");
    }
    if (list.isEmpty()) {
      throw error("metrics is empty; give at least one {name, loss, input, target}");
    }
    List<Metric> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Metric m = metric(list.get(i), "metrics[" + i + "]");
      if (!names.add(m.name())) {
        throw error(
            "metrics[" + i + "].name '" + m.name() + "' is used twice; names must be" + " unique");
      }
      out.add(m);
    }
    return out;
  }

  private RowsOutput rowsOutput(Config output) {
    ConfigObject r = object(output, "rows", "output.rows");
    checkKeys(r, ROWS_KEYS, "output.rows.");
    Config rc = r.toConfig();
    return new RowsOutput(
        string(rc, "path", "output.rows.path", null),
        format(rc, "output.rows.format"),
        rc.hasPath("keep") ? stringList(rc, "keep", "output.rows.keep") : List.of());
  }

  /** Per-row losses need output.rows, output.rows needs them, and their names stay apart. */
  private void checkPerRowOutput() {
    if (rows != null) {
      for (Metric m : metrics) {
        if (m.perRow() && rows.keep().stream().anyMatch(k -> k.equalsIgnoreCase(m.name()))) {
          throw error(
              "metric '"
                  + m.name()
                  + "' has reduction 'none' and names its per-row"
                  + " column, but output.rows.keep keeps an input column of that name; rename the"
                  + " metric");
        }
      }
    }
    boolean anyPerRow = metrics.stream().anyMatch(Metric::perRow);
    if (anyPerRow && rows == null) {
      Metric m = metrics.stream().filter(Metric::perRow).findFirst().orElseThrow();
      throw error(
          "metric '"
              + m.name()
              + "' has reduction 'none', whose per-row losses need"
              + " output.rows {path, format, keep}");
    }
    if (!anyPerRow && rows != null) {
      throw error(
          "output.rows is set but no metric has reduction 'none'; remove it or add such"
              + " a metric");
    }
  }

  /** Reads and validates {@code file}; every problem is a {@link JobException}. */
  public static JobConfig load(File file) {
    if (!file.isFile()) {
      throw new JobException("config file " + file + " does not exist");
    }
    Config c;
    try {
      c =
          ConfigFactory.parseFile(
                  file,
                  ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(syntaxOf(file)))
              .resolve();
    } catch (ConfigException e) {
      throw new JobException("config " + file + ": " + e.getMessage());
    }
    return new JobConfig(file.toString(), c);
  }

  /** Parses HOCON (or JSON) text; {@code source} names it in messages. */
  public static JobConfig parse(String text, String source) {
    Config c;
    try {
      c = ConfigFactory.parseString(text).resolve();
    } catch (ConfigException e) {
      throw new JobException("config " + source + ": " + e.getMessage());
    }
    return new JobConfig(source, c);
  }

  private static ConfigSyntax syntaxOf(File f) {
    return f.getName().endsWith(".json") ? ConfigSyntax.JSON : ConfigSyntax.CONF;
  }

  private Metric metric(ConfigObject obj, String where) {
    checkKeys(obj, METRIC_KEYS, where + ".", metricKeysOf(obj));
    Config m = obj.toConfig();
    String name = string(m, "name", where + ".name", null);
    String lossName = string(m, "loss", where + ".loss", null);
    Loss loss = parse(() -> Loss.fromSqlName(lossName), where + ".loss", null);
    List<String> arguments = metricColumns(m, loss, where);
    String sampleWeight =
        m.hasPath("sample_weight")
            ? string(m, "sample_weight", where + ".sample_weight", null)
            : null;
    boolean perClass = m.hasPath("per_class") && bool(m, "per_class", where + ".per_class");
    LossOptions options = metricOptions(m, loss, where);
    if (perClass && options.reduction() == Reduction.NONE) {
      throw error(where + ".per_class does not apply to reduction 'none'");
    }
    return new Metric(name, options, arguments, sampleWeight, perClass);
  }

  /** The column of each of the loss's arguments; another loss's argument key is an error. */
  private List<String> metricColumns(Config m, Loss loss, String where) {
    List<String> columns = new ArrayList<>();
    Set<String> own = new HashSet<>();
    for (Arg a : loss.arguments()) {
      columns.add(string(m, a.name(), where + "." + a.name(), null));
      own.add(a.name());
    }
    for (Loss other : Loss.all()) {
      for (Arg a : other.arguments()) {
        if (!own.contains(a.name()) && m.hasPath(a.name())) {
          throw error(
              where
                  + "."
                  + a.name()
                  + " does not apply: "
                  + loss
                  + " takes the columns "
                  + String.join(", ", loss.arguments().stream().map(Arg::name).toList()));
        }
      }
    }
    return columns;
  }

  /** The loss's options as the metric gives them, with the job's on_bad_row. */
  private LossOptions metricOptions(Config m, Loss loss, String where) {
    LossOptions.Builder b = LossOptions.builder(loss);
    Set<String> columnKeys = new HashSet<>(METRIC_OWN_KEYS);
    for (Loss l : Loss.all()) {
      l.arguments().forEach(a -> columnKeys.add(a.name()));
    }
    for (String key : new java.util.TreeSet<>(m.root().keySet())) {
      if (!columnKeys.contains(key)) {
        Object v = m.getValue(key).unwrapped();
        parse(() -> b.set(key, v), where + "." + key, null);
      }
    }
    parse(() -> b.onBadRow(onBadRow), where, null);
    LossOptions options = parse(b::build, where, null);
    if (options.reduction() == Reduction.NONE) {
      if (options.isSet(Loss.CONFIDENCE)) {
        throw error(
            where
                + ".confidence does not apply to reduction 'none': per-row losses have no"
                + " interval");
      }
    } else if (confidence != null && !m.hasPath(Loss.CONFIDENCE.key())) {
      options = options.toBuilder().set(Loss.CONFIDENCE, confidence).build();
    }
    return options;
  }

  private interface Step<T> {
    T run();
  }

  private <T> T parse(Step<T> step, String where, String message) {
    try {
      return step.run();
    } catch (LossException e) {
      throw error(where + ": " + (message != null ? message : e.getMessage()));
    }
  }

  private void checkKeys(ConfigObject obj, Set<String> allowed, String prefix) {
    checkKeys(obj, allowed, prefix, allowed);
  }

  /** Refuses a key outside {@code allowed}, suggesting and listing the keys of {@code listed}. */
  private void checkKeys(ConfigObject obj, Set<String> allowed, String prefix, Set<String> listed) {
    for (String key : obj.keySet()) {
      if (!allowed.contains(key)) {
        throw error(
            "unknown key '"
                + prefix
                + key
                + "'"
                + Suggest.didYouMean(key, listed)
                + "; expected one of "
                + String.join(", ", new java.util.TreeSet<>(listed)));
      }
    }
  }

  /**
   * The keys a metric of the loss named in {@code obj} takes, or every metric key when the loss is
   * missing or unknown (the loss is reported then).
   */
  private static Set<String> metricKeysOf(ConfigObject obj) {
    Object name = obj.containsKey("loss") ? obj.get("loss").unwrapped() : null;
    Loss loss =
        name instanceof String ? io.github.sparkloss.loss.Losses.byName((String) name) : null;
    if (loss == null) {
      return METRIC_KEYS;
    }
    Set<String> keys = new HashSet<>(METRIC_OWN_KEYS);
    loss.arguments().forEach(a -> keys.add(a.name()));
    loss.options().forEach(o -> keys.add(o.key()));
    keys.remove(Loss.ON_BAD_ROW.key());
    return keys;
  }

  private void require(Config c, String path) {
    if (!c.hasPath(path)) {
      throw error("missing key '" + path + "'");
    }
  }

  private ConfigObject object(Config c, String path, String where) {
    try {
      return c.getObject(path);
    } catch (ConfigException.Missing e) {
      throw error("missing key '" + where + "'");
    } catch (ConfigException.WrongType e) {
      throw error(where + " must be an object");
    }
  }

  private String string(Config c, String path, String where, String dflt) {
    if (!c.hasPath(path)) {
      if (dflt != null) {
        return dflt;
      }
      throw error("missing key '" + where + "'");
    }
    ConfigValue v = c.getValue(path);
    if (v.valueType() != ConfigValueType.STRING) {
      throw error(where + " must be a string, not " + render(v));
    }
    return (String) v.unwrapped();
  }

  private boolean bool(Config c, String path, String where) {
    try {
      return c.getBoolean(path);
    } catch (ConfigException.WrongType e) {
      throw error(where + " must be true or false, not " + render(c.getValue(path)));
    }
  }

  /** A value on one line, as HOCON would write it without comments. */
  private static String render(ConfigValue v) {
    return v.render(ConfigRenderOptions.concise());
  }

  /** A path, or a non-empty list of paths. */
  private List<String> paths(Config c, String path, String where) {
    if (!c.hasPath(path)) {
      throw error("missing key '" + where + "'");
    }
    ConfigValue v = c.getValue(path);
    if (v.valueType() == ConfigValueType.STRING) {
      return List.of((String) v.unwrapped());
    }
    if (v.valueType() == ConfigValueType.LIST) {
      List<String> list = new ArrayList<>();
      for (ConfigValue e : c.getList(path)) {
        if (e.valueType() != ConfigValueType.STRING) {
          throw error(where + " must be a path or a list of paths, not " + render(v));
        }
        list.add((String) e.unwrapped());
      }
      if (list.isEmpty()) {
        throw error(where + " is an empty list; give at least one path");
      }
      return List.copyOf(list);
    }
    throw error(where + " must be a path or a list of paths, not " + render(v));
  }

  private List<String> stringList(Config c, String path, String where) {
    try {
      return List.copyOf(c.getStringList(path));
    } catch (ConfigException.WrongType e) {
      throw error(where + " must be a list of column names");
    }
  }

  private JobException error(String what) {
    return new JobException("config " + source + ": " + what);
  }

  /** Where the config came from, for messages. */
  public String source() {
    return source;
  }

  /** The comparisons with baseline groups, in config order. */
  public List<Compare> compare() {
    return compare;
  }

  /** The input paths, each a file, a directory or a glob; most configs give one. */
  public List<String> inputPaths() {
    return inputPaths;
  }

  /** The input paths as one text for messages: the path, or the paths joined by ", ". */
  public String inputPath() {
    return String.join(", ", inputPaths);
  }

  public String inputFormat() {
    return inputFormat;
  }

  public Map<String, String> inputOptions() {
    return inputOptions;
  }

  /** The group_by columns of the input. */
  public List<String> groupBy() {
    return groupBy;
  }

  /**
   * The columns that name a group in results: the window's start and end when there is a window,
   * then the group_by columns.
   */
  public List<String> keys() {
    if (window == null) {
      return groupBy;
    }
    List<String> keys = new ArrayList<>(List.of(WINDOW_START, WINDOW_END));
    keys.addAll(groupBy);
    return List.copyOf(keys);
  }

  /** The time window, or null. */
  public Window window() {
    return window;
  }

  /** The incremental section, or null for a full run. */
  public Incremental incremental() {
    return incremental;
  }

  /** The input's schema as a DDL string, or null to take it from the files. */
  public String inputSchema() {
    return inputSchema;
  }

  public OnBadRow onBadRow() {
    return onBadRow;
  }

  public List<Metric> metrics() {
    return metrics;
  }

  public String reportPath() {
    return reportPath;
  }

  /** Where the HTML page of the report goes, or null when none is asked for. */
  public String htmlPath() {
    return htmlPath;
  }

  /** The per-row output, or null when no metric has reduction none. */
  public RowsOutput rows() {
    return rows;
  }
}
