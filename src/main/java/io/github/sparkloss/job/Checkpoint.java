package io.github.sparkloss.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.sparkloss.options.LossOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * What an incremental evaluation keeps between runs, under {@code incremental.checkpoint}:
 *
 * <ul>
 *   <li>{@code sparkloss.json}: the checkpoint's format version and what it evaluates (input,
 *       schema, window, group_by and every metric); a run whose config differs is refused, naming
 *       the difference, so states of different evaluations are never mixed.
 *   <li>{@code stream/}: Spark's checkpoint of the file source (which files each batch read).
 *   <li>{@code state/N/}: after batch N, one row per group: its keys, row count, each metric's
 *       stats and its partial state in {@code LossState}'s versioned binary form (null once the
 *       group's window is final), with {@code _batch.json} counting files and rows. Written whole
 *       under a hidden name and renamed; the newest two are kept.
 *   <li>{@code reported}: the batch the report shows, and the report's path.
 * </ul>
 *
 * Deleting the checkpoint directory starts the evaluation over; nothing else refers to it.
 */
final class Checkpoint {
  /** The layout and meaning of the files above; another is refused by name. */
  static final int FORMAT = 1;

  private static final String META = "sparkloss.json";
  private static final String BATCH = "_batch.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final JobConfig cfg;
  private final FileSystem fs;
  private final Path root;
  private StructType schema;

  /** The kept states after one batch and what they hold. */
  record Version(
      long batch,
      long filesAdded,
      long rowsAdded,
      long filesTotal,
      long rowsTotal,
      long lateRowsAdded,
      long lateRowsTotal,
      Long maxEventMicros,
      Long watermarkMicros) {}

  Checkpoint(SparkSession spark, JobConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
    Path given = new Path(cfg.incremental().checkpoint());
    try {
      this.fs = given.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new JobException(
          "incremental.checkpoint " + given + " cannot be opened: " + e.getMessage(), e);
    }
    this.root = fs.makeQualified(given);
  }

  Path stream() {
    return new Path(root, "stream");
  }

  private Path states() {
    return new Path(root, "state");
  }

  /**
   * Checks an existing checkpoint against the config, or starts a new one in an empty or missing
   * directory. A directory that holds anything else is refused: it is not the job's to use.
   */
  void open(File configFile) throws IOException {
    Path meta = new Path(root, META);
    if (fs.exists(meta)) {
      Map<String, Object> kept = readJson(meta);
      Object format = kept.get("checkpoint_format");
      if (!Integer.valueOf(FORMAT).equals(format)) {
        throw new JobException(
            "incremental.checkpoint "
                + root
                + " was written in checkpoint format "
                + format
                + " (by sparkloss "
                + kept.get("sparkloss_version")
                + "); this sparkloss ("
                + io.github.sparkloss.SparkLoss.version()
                + ") reads format "
                + FORMAT
                + "; start over with a new checkpoint directory");
      }
      cleanTemporary();
      if (latest(Long.MAX_VALUE) == null) {
        // No batch was kept yet (the first run failed): nothing to mix, so this config starts it,
        // and its file source starts afresh (the old one may have listed another input's files).
        fs.delete(new Path(root, "stream"), true);
        fs.delete(meta, false);
        return;
      }
      List<String> differences = differences(kept, describe((StructType) null));
      if (!differences.isEmpty()) {
        throw new JobException(
            "incremental.checkpoint "
                + root
                + " keeps the states of another evaluation: "
                + String.join("; ", differences)
                + ". Its states cannot be mixed with this config's; give a new checkpoint"
                + " directory to start over (or restore the config)");
      }
      Object s = kept.get("schema");
      schema = s == null ? null : (StructType) DataType.fromJson(String.valueOf(s));
      return;
    }
    if (fs.exists(root)) {
      FileStatus[] children = fs.listStatus(root);
      boolean onlyLeftovers = children.length > 0;
      for (FileStatus c : children) {
        onlyLeftovers &= c.getPath().getName().startsWith("." + META + "-");
      }
      if (onlyLeftovers) {
        // A first run that died while writing its metadata.
        for (FileStatus c : children) {
          fs.delete(c.getPath(), false);
        }
        children = fs.listStatus(root);
      }
      if (!fs.getFileStatus(root).isDirectory() || children.length > 0) {
        throw new JobException(
            "incremental.checkpoint "
                + root
                + " exists and is not a sparkloss checkpoint (it has no "
                + META
                + "); give a new or empty directory");
      }
    }
  }

  /** {@code path} as the file system qualifies it (absolute, with its scheme). */
  private String qualified(String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .makeQualified(p)
          .toString();
    } catch (IOException e) {
      return path;
    }
  }

  /** Starts the checkpoint: writes what it evaluates, with the input's schema. */
  void create(StructType inputSchema) throws IOException {
    Path meta = new Path(root, META);
    if (fs.exists(meta)) {
      return;
    }
    fs.mkdirs(root);
    writeJson(meta, describe(inputSchema));
    schema = inputSchema;
  }

  /** The input schema the first run took, or null before any run. */
  StructType schema() {
    return schema;
  }

  /** What this checkpoint evaluates, as kept in its metadata. */
  private Map<String, Object> describe(StructType inputSchema) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("checkpoint_format", FORMAT);
    m.put("sparkloss_version", io.github.sparkloss.SparkLoss.version());
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("path", qualified(cfg.inputPath()));
    input.put("format", cfg.inputFormat());
    input.put("options", new java.util.TreeMap<>(cfg.inputOptions()));
    m.put("input", input);
    if (inputSchema != null) {
      m.put("schema", inputSchema.json());
    }
    m.put("group_by", cfg.groupBy());
    if (cfg.window() != null) {
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("column", cfg.window().column());
      w.put("duration", cfg.window().duration());
      m.put("window", w);
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (JobConfig.Metric metric : cfg.metrics()) {
      metrics.put(metric.name(), describe(metric));
    }
    m.put("metrics", metrics);
    return m;
  }

  /**
   * A metric as its kept states and results depend on it: the loss, its columns and every option
   * (the confidence too: final windows keep their intervals) except on_bad_row, which only decides
   * whether a later bad row fails the run or is counted.
   */
  static String describe(JobConfig.Metric m) {
    StringBuilder sb = new StringBuilder(m.loss().sqlName()).append('(');
    for (int i = 0; i < m.arguments().size(); i++) {
      sb.append(i == 0 ? "" : ", ")
          .append(m.loss().arguments().get(i).name())
          .append(" = ")
          .append(m.arguments().get(i));
    }
    if (m.sampleWeight() != null) {
      sb.append(", sample_weight = ").append(m.sampleWeight());
    }
    m.options()
        .namedArguments()
        .forEach(
            (k, v) -> {
              if (!k.equals("on_bad_row")) {
                sb.append(", ").append(k).append(" => ").append(LossOptions.describe(v));
              }
            });
    if (m.perClass()) {
      sb.append(", per_class => true");
    }
    return sb.append(')').toString();
  }

  /** What differs between a kept description and this config's, in words. */
  @SuppressWarnings("unchecked")
  private static List<String> differences(Map<String, Object> kept, Map<String, Object> now) {
    List<String> out = new ArrayList<>();
    for (String key : List.of("input", "group_by", "window")) {
      Object a = kept.get(key);
      Object b = now.get(key);
      if (!Objects.equals(a, b)) {
        out.add(key + " was " + render(a) + ", now " + render(b));
      }
    }
    Map<String, Object> a = (Map<String, Object>) kept.getOrDefault("metrics", Map.of());
    Map<String, Object> b = (Map<String, Object>) now.get("metrics");
    for (Map.Entry<String, Object> e : a.entrySet()) {
      Object other = b.get(e.getKey());
      if (other == null) {
        out.add("metric '" + e.getKey() + "' was removed (it was " + e.getValue() + ")");
      } else if (!other.equals(e.getValue())) {
        out.add("metric '" + e.getKey() + "' was " + e.getValue() + ", now " + other);
      }
    }
    for (Map.Entry<String, Object> e : b.entrySet()) {
      if (!a.containsKey(e.getKey())) {
        out.add("metric '" + e.getKey() + "' was added (" + e.getValue() + ")");
      }
    }
    if (out.isEmpty() && !new ArrayList<>(a.keySet()).equals(new ArrayList<>(b.keySet()))) {
      // The kept states are stored in metric order.
      out.add("the metrics were in the order " + a.keySet() + ", now " + b.keySet());
    }
    return out;
  }

  private static String render(Object v) {
    if (v == null) {
      return "none";
    }
    try {
      return new ObjectMapper().writeValueAsString(v);
    } catch (IOException e) {
      return String.valueOf(v);
    }
  }

  /** Whether batch {@code batch}'s states were kept. */
  boolean has(long batch) throws IOException {
    return fs.exists(new Path(new Path(states(), Long.toString(batch)), BATCH));
  }

  /** The newest kept states of a batch before {@code before}, or null when there are none. */
  Version latest(long before) throws IOException {
    if (!fs.exists(states())) {
      return null;
    }
    long best = -1;
    for (FileStatus s : fs.listStatus(states())) {
      String name = s.getPath().getName();
      if (s.isDirectory() && name.matches("\\d{1,18}")) {
        long b = Long.parseLong(name);
        if (b < before && b > best && fs.exists(new Path(s.getPath(), BATCH))) {
          best = b;
        }
      }
    }
    return best < 0 ? null : version(best);
  }

  private Version version(long batch) throws IOException {
    Map<String, Object> m = readJson(new Path(new Path(states(), Long.toString(batch)), BATCH));
    return new Version(
        batch,
        number(m, "files_added"),
        number(m, "rows_added"),
        number(m, "files_total"),
        number(m, "rows_total"),
        number(m, "late_rows_added"),
        number(m, "late_rows_total"),
        m.get("max_event_micros") == null ? null : number(m, "max_event_micros"),
        m.get("watermark_micros") == null ? null : number(m, "watermark_micros"));
  }

  private static long number(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).longValue();
  }

  /** The kept states of {@code version}. */
  Dataset<Row> read(Version version) {
    return spark.read().parquet(new Path(states(), Long.toString(version.batch())).toString());
  }

  /** Writes the states of a batch whole: to a hidden directory first, then renamed into place. */
  void write(Dataset<Row> states, Version v) throws IOException {
    Path target = new Path(states(), Long.toString(v.batch()));
    Path temp =
        new Path(
            states(), ".tmp-" + v.batch() + "-" + UUID.randomUUID().toString().substring(0, 8));
    states.write().parquet(temp.toString());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batch", v.batch());
    m.put("files_added", v.filesAdded());
    m.put("rows_added", v.rowsAdded());
    m.put("files_total", v.filesTotal());
    m.put("rows_total", v.rowsTotal());
    m.put("late_rows_added", v.lateRowsAdded());
    m.put("late_rows_total", v.lateRowsTotal());
    m.put("max_event_micros", v.maxEventMicros());
    m.put("watermark_micros", v.watermarkMicros());
    writeJson(new Path(temp, BATCH), m);
    if (!fs.rename(temp, target)) {
      throw new IOException("cannot rename " + temp + " to " + target);
    }
  }

  /** Deletes kept states older than {@code keep} (the newest two stay). */
  void dropBefore(Version keep) throws IOException {
    if (keep == null) {
      return;
    }
    for (FileStatus s : fs.listStatus(states())) {
      String name = s.getPath().getName();
      if (s.isDirectory() && name.matches("\\d{1,18}") && Long.parseLong(name) < keep.batch()) {
        fs.delete(s.getPath(), true);
      }
    }
  }

  /** Removes what a run that died while writing states left behind. */
  private void cleanTemporary() throws IOException {
    if (!fs.exists(states())) {
      return;
    }
    for (FileStatus s : fs.listStatus(states())) {
      if (s.getPath().getName().startsWith(".tmp-")) {
        fs.delete(s.getPath(), true);
      }
    }
  }

  /** The batch the report shows, or -1 when no report was written from these states. */
  long reported() throws IOException {
    Map<String, Object> r = reportedRecord();
    return r == null ? -1 : number(r, "batch");
  }

  /** Whether the config's report is the one this checkpoint wrote, which a run may replace. */
  boolean ownsReport() {
    try {
      Map<String, Object> r = reportedRecord();
      if (r == null || !cfg.reportPath().equals(r.get("report"))) {
        return false;
      }
      // The report at that path must still be one this checkpoint wrote (or none yet).
      Path report = new Path(cfg.reportPath());
      FileSystem rfs = report.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!rfs.exists(report)) {
        return true;
      }
      try (InputStream in = rfs.open(report)) {
        com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(in);
        return cfg.incremental()
            .checkpoint()
            .equals(n.path("incremental").path("checkpoint").asText(null));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
  }

  private Map<String, Object> reportedRecord() throws IOException {
    Path p = new Path(root, "reported");
    return fs.exists(p) ? readJson(p) : null;
  }

  /** Records that the report shows batch {@code batch}. */
  void markReported(long batch) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batch", batch);
    m.put("report", cfg.reportPath());
    writeJson(new Path(root, "reported"), m);
  }

  /**
   * Records, before the report is written, that the config's report is this checkpoint's, so that a
   * run that dies before {@link #markReported} may replace the report it wrote.
   */
  void claimReport() throws IOException {
    if (!ownsReport()) {
      markReported(reported());
    }
  }

  /** Whether the config's report exists. */
  boolean reportExists() throws IOException {
    Path p = new Path(cfg.reportPath());
    return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> readJson(Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return JSON.readValue(in, LinkedHashMap.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new JobException(
          "incremental.checkpoint " + root + ": " + p.getName() + " is damaged: " + e.getMessage(),
          e);
    }
  }

  /** Writes a small JSON file whole: a hidden sibling first, then renamed over the old one. */
  private void writeJson(Path p, Map<String, Object> value) throws IOException {
    Path temp =
        new Path(
            p.getParent(), "." + p.getName() + "-" + UUID.randomUUID().toString().substring(0, 8));
    try (OutputStream out = fs.create(temp, false)) {
      out.write(JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
    }
    // One atomic rename over the old file: a reader sees the old or the new one, never none.
    org.apache.hadoop.fs.FileContext.getFileContext(
            p.toUri(), spark.sparkContext().hadoopConfiguration())
        .rename(temp, p, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
  }
}
