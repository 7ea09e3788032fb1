package io.github.sparkloss.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * The JSON report other tools read, and the table people read. Report shape:
 *
 * <pre>
 * {"metrics": [{"name", "loss", "reduction", "group": {column: value}, "value", "std_error",
 *   "ci_low", "ci_high", "confidence", "rows", "ignored_rows", "null_rows", "bad_rows",
 *   "loss_sum", "weight_sum", "per_class": [{"class", "value", "std_error", "ci_low",
 *   "ci_high", "loss_sum", "weight_sum", "rows"}]}],
 *  "comparisons": [{"metric", "group", "baseline", "difference", "std_error", "ci_low",
 *   "ci_high", "p_value", "confidence"}],
 *  "uncompared": [{"metric", "group", "baseline"}] (groups whose baseline group is missing),
 *  "input": {"path", "format", "rows"},
 *  "window": {"column", "duration", "watermark"} (with a window; groups then start with
 *   window_start and window_end),
 *  "incremental": {"checkpoint", "batch", "files_added", "rows_added", "files_total",
 *   "rows_total", "late_rows_added", "late_rows_total", "watermark"} (incremental runs),
 *  "spark_version", "sparkloss_version", "elapsed_seconds"}
 * </pre>
 *
 * Non-finite numbers are written as the strings "NaN", "Infinity" and "-Infinity".
 */
final class Report {
  private Report() {}

  static String json(
      JobConfig cfg, LossEvalJob.Evaluation ev, String sparkVersion, double elapsedSeconds) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeArrayFieldStart("metrics");
      int groups = cfg.keys().size();
      for (int m = 0; m < ev.aggregated().size(); m++) {
        JobConfig.Metric metric = ev.aggregated().get(m);
        for (Row row : ev.groups()) {
          Row stats = row.getStruct(groups + 1 + m);
          g.writeStartObject();
          g.writeStringField("name", metric.name());
          g.writeStringField("loss", metric.loss().sqlName());
          g.writeStringField("reduction", metric.options().reduction().sqlName());
          writeGroup(g, "group", Comparisons.group(cfg, row));
          writeNumber(g, "value", stats.getDouble(stats.fieldIndex("value")));
          writeInterval(g, stats);
          g.writeNumberField("confidence", metric.options().confidence());
          for (String counter : List.of("rows", "ignored_rows", "null_rows", "bad_rows")) {
            g.writeNumberField(counter, stats.getLong(stats.fieldIndex(counter)));
          }
          writeNumber(g, "loss_sum", stats.getDouble(stats.fieldIndex("loss_sum")));
          writeNumber(g, "weight_sum", stats.getDouble(stats.fieldIndex("weight_sum")));
          if (metric.perClass()) {
            g.writeArrayFieldStart("per_class");
            for (Row c : stats.<Row>getList(stats.fieldIndex("per_class"))) {
              g.writeStartObject();
              g.writeNumberField("class", c.getInt(0));
              writeNumber(g, "value", c.getDouble(1));
              writeInterval(g, c);
              writeNumber(g, "loss_sum", c.getDouble(2));
              writeNumber(g, "weight_sum", c.getDouble(3));
              g.writeNumberField("rows", c.getLong(4));
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeArrayFieldStart("comparisons");
      for (Comparisons.Comparison c : ev.comparisons().comparisons()) {
        g.writeStartObject();
        g.writeStringField("metric", c.metric());
        writeGroup(g, "group", c.group());
        writeGroup(g, "baseline", c.baseline());
        writeNumber(g, "difference", c.difference());
        writeNumber(g, "std_error", c.stdError());
        writeNumber(g, "ci_low", c.ciLow());
        writeNumber(g, "ci_high", c.ciHigh());
        writeNumber(g, "p_value", c.pValue());
        g.writeNumberField("confidence", metricOf(cfg, c.metric()).options().confidence());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("uncompared");
      for (Comparisons.Uncompared u : ev.comparisons().uncompared()) {
        g.writeStartObject();
        g.writeStringField("metric", u.metric());
        writeGroup(g, "group", u.group());
        writeGroup(g, "baseline", u.baseline());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("input");
      if (cfg.inputPaths().size() == 1) {
        g.writeStringField("path", cfg.inputPaths().get(0));
      } else {
        g.writeArrayFieldStart("path");
        for (String p : cfg.inputPaths()) {
          g.writeString(p);
        }
        g.writeEndArray();
      }
      g.writeStringField("format", cfg.inputFormat());
      g.writeNumberField("rows", ev.inputRows());
      g.writeEndObject();
      if (cfg.window() != null) {
        g.writeObjectFieldStart("window");
        g.writeStringField("column", cfg.window().column());
        g.writeStringField("duration", cfg.window().duration());
        if (cfg.window().watermark() != null) {
          g.writeStringField("watermark", cfg.window().watermark());
        }
        g.writeEndObject();
      }
      IncrementalRun.Summary inc = ev.incremental();
      if (inc != null) {
        g.writeObjectFieldStart("incremental");
        g.writeStringField("checkpoint", inc.checkpoint());
        g.writeNumberField("batch", inc.batch());
        g.writeNumberField("files_added", inc.filesAdded());
        g.writeNumberField("rows_added", inc.rowsAdded());
        g.writeNumberField("files_total", inc.filesTotal());
        g.writeNumberField("rows_total", inc.rowsTotal());
        g.writeNumberField("late_rows_added", inc.lateRowsAdded());
        g.writeNumberField("late_rows_total", inc.lateRowsTotal());
        if (inc.watermark() != null) {
          g.writeStringField("watermark", inc.watermark());
        }
        g.writeEndObject();
      }
      g.writeStringField("spark_version", sparkVersion);
      g.writeStringField("sparkloss_version", io.github.sparkloss.SparkLoss.version());
      g.writeNumberField("elapsed_seconds", Math.round(elapsedSeconds * 1000) / 1000.0);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString() + "\n";
  }

  private static JobConfig.Metric metricOf(JobConfig cfg, String name) {
    return cfg.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  /** std_error, ci_low and ci_high of a stats struct or one of its classes. */
  private static void writeInterval(JsonGenerator g, Row stats) throws IOException {
    for (String field : List.of("std_error", "ci_low", "ci_high")) {
      writeNumber(g, field, stats.getDouble(stats.fieldIndex(field)));
    }
  }

  private static void writeGroup(JsonGenerator g, String field, java.util.Map<String, Object> group)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (java.util.Map.Entry<String, Object> e : group.entrySet()) {
      g.writeFieldName(e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  private static void writeNumber(JsonGenerator g, String field, double v) throws IOException {
    g.writeFieldName(field);
    if (Double.isNaN(v)) {
      g.writeString("NaN");
    } else if (Double.isInfinite(v)) {
      g.writeString(v > 0 ? "Infinity" : "-Infinity");
    } else {
      g.writeNumber(v);
    }
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
      }
    } else if (v instanceof BigDecimal) {
      g.writeNumber((BigDecimal) v);
    } else if (v instanceof Number) {
      g.writeNumber(((Number) v).longValue());
    } else {
      g.writeString(String.valueOf(v));
    }
  }

  /**
   * The tables printed after a run: per metric and group, the value with the half-width of its
   * interval and the row counters; then the comparisons, if any. Group values are escaped so that a
   * control character cannot break a line.
   */
  static void printTable(PrintStream out, JobConfig cfg, LossEvalJob.Evaluation ev) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"metric", "group", "value", "rows", "ignored", "null", "bad"});
    int groups = cfg.keys().size();
    for (int m = 0; m < ev.aggregated().size(); m++) {
      for (Row row : ev.groups()) {
        Row stats = row.getStruct(groups + 1 + m);
        StringBuilder group = new StringBuilder();
        for (int k = 0; k < groups; k++) {
          group
              .append(k == 0 ? "" : ", ")
              .append(escape(cfg.keys().get(k)))
              .append('=')
              .append(escape(String.valueOf(row.get(k))));
        }
        lines.add(
            new String[] {
              escape(ev.aggregated().get(m).name()),
              groups == 0 ? "-" : group.toString(),
              withHalfWidth(
                  stats.getDouble(stats.fieldIndex("value")),
                  stats.getDouble(stats.fieldIndex("ci_high"))
                      - stats.getDouble(stats.fieldIndex("value"))),
              Long.toString(stats.getLong(stats.fieldIndex("rows"))),
              Long.toString(stats.getLong(stats.fieldIndex("ignored_rows"))),
              Long.toString(stats.getLong(stats.fieldIndex("null_rows"))),
              Long.toString(stats.getLong(stats.fieldIndex("bad_rows")))
            });
      }
    }
    print(out, lines, 2);
    List<Comparisons.Comparison> comparisons = ev.comparisons().comparisons();
    if (!comparisons.isEmpty()) {
      List<String[]> cmp = new ArrayList<>();
      cmp.add(new String[] {"metric", "group", "baseline", "difference", "p_value"});
      for (Comparisons.Comparison c : comparisons) {
        cmp.add(
            new String[] {
              escape(c.metric()),
              Comparisons.describe(c.group()),
              Comparisons.describe(c.baseline()),
              withHalfWidth(c.difference(), c.ciHigh() - c.difference()),
              pValue(c.pValue())
            });
      }
      out.println();
      print(out, cmp, 3);
    }
    for (Comparisons.Uncompared u : ev.comparisons().uncompared()) {
      out.println(
          "not compared: "
              + escape(u.metric())
              + " "
              + Comparisons.describe(u.group())
              + " has no baseline group "
              + Comparisons.describe(u.baseline()));
    }
    IncrementalRun.Summary inc = ev.incremental();
    if (inc != null) {
      out.println(
          "incremental: this run added "
              + inc.filesAdded()
              + " files, "
              + inc.rowsAdded()
              + " rows; the kept states hold "
              + inc.filesTotal()
              + " files, "
              + inc.rowsTotal()
              + " rows"
              + (inc.lateRowsTotal() > 0
                  ? "; " + inc.lateRowsTotal() + " late rows were not evaluated"
                  : "")
              + (inc.watermark() != null
                  ? "; windows ending by " + inc.watermark() + " are final"
                  : ""));
    }
  }

  /** A p-value as 0.0123, or {@code <0.0001} below that. */
  static String pValue(double p) {
    return p < 1e-4 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
  }

  /** {@code value ± half-width}, or the value alone when there is no interval. */
  private static String withHalfWidth(double value, double halfWidth) {
    String v = String.format(Locale.ROOT, "%.10g", value);
    return Double.isNaN(halfWidth)
        ? v
        : v + " \u00b1 " + String.format(Locale.ROOT, "%.3g", halfWidth);
  }

  /**
   * A value as one line of plain text: backslash, newline, carriage return and tab as {@code \\},
   * {@code \n}, {@code \r}, {@code \t}; other control characters as {@code \}{@code uXXXX}.
   */
  static String escape(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      String rep;
      switch (ch) {
        case '\\':
          rep = "\\\\";
          break;
        case '\n':
          rep = "\\n";
          break;
        case '\r':
          rep = "\\r";
          break;
        case '\t':
          rep = "\\t";
          break;
        default:
          rep =
              Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029'
                  ? String.format(Locale.ROOT, "\\u%04x", (int) ch)
                  : null;
      }
      if (rep != null && sb == null) {
        sb = new StringBuilder(s.substring(0, i));
      }
      if (sb != null) {
        if (rep != null) {
          sb.append(rep);
        } else {
          sb.append(ch);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** Prints aligned columns, those from {@code firstNumeric} on right-aligned, under a rule. */
  private static void print(PrintStream out, List<String[]> lines, int firstNumeric) {
    int[] width = new int[lines.get(0).length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    for (int r = 0; r < lines.size(); r++) {
      StringBuilder sb = new StringBuilder();
      String[] l = lines.get(r);
      for (int i = 0; i < l.length; i++) {
        sb.append(i == 0 ? "" : "  ").append(pad(l[i], width[i], i >= firstNumeric));
      }
      out.println(sb.toString().stripTrailing());
      if (r == 0) {
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
          rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        out.println(rule);
      }
    }
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }
}
