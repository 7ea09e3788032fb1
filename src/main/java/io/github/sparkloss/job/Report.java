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
 * {"metrics": [{"name", "loss", "reduction", "group": {column: value}, "value", "rows",
 *   "ignored_rows", "null_rows", "bad_rows", "loss_sum", "weight_sum", "per_class": [...]}],
 *  "input": {"path", "format", "rows"}, "spark_version", "elapsed_seconds"}
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
      int groups = cfg.groupBy().size();
      for (int m = 0; m < ev.aggregated().size(); m++) {
        JobConfig.Metric metric = ev.aggregated().get(m);
        for (Row row : ev.groups()) {
          Row stats = row.getStruct(groups + 1 + m);
          g.writeStartObject();
          g.writeStringField("name", metric.name());
          g.writeStringField("loss", metric.loss().sqlName());
          g.writeStringField("reduction", metric.options().reduction().sqlName());
          g.writeObjectFieldStart("group");
          for (int k = 0; k < groups; k++) {
            g.writeFieldName(cfg.groupBy().get(k));
            writeValue(g, row.get(k));
          }
          g.writeEndObject();
          writeNumber(g, "value", stats.getDouble(stats.fieldIndex("value")));
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
      g.writeStringField("spark_version", sparkVersion);
      g.writeNumberField("elapsed_seconds", Math.round(elapsedSeconds * 1000) / 1000.0);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString() + "\n";
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

  /** The table printed after a run: metric, group, value, rows, ignored, bad. */
  static void printTable(PrintStream out, JobConfig cfg, LossEvalJob.Evaluation ev) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"metric", "group", "value", "rows", "ignored", "null", "bad"});
    int groups = cfg.groupBy().size();
    for (int m = 0; m < ev.aggregated().size(); m++) {
      for (Row row : ev.groups()) {
        Row stats = row.getStruct(groups + 1 + m);
        StringBuilder group = new StringBuilder();
        for (int k = 0; k < groups; k++) {
          group
              .append(k == 0 ? "" : ", ")
              .append(cfg.groupBy().get(k))
              .append('=')
              .append(row.get(k));
        }
        lines.add(
            new String[] {
              ev.aggregated().get(m).name(),
              groups == 0 ? "-" : group.toString(),
              String.format(Locale.ROOT, "%.10g", stats.getDouble(0)),
              Long.toString(stats.getLong(3)),
              Long.toString(stats.getLong(4)),
              Long.toString(stats.getLong(5)),
              Long.toString(stats.getLong(6))
            });
      }
    }
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
        boolean numeric = i >= 2;
        String cell = numeric ? pad(l[i], width[i], true) : pad(l[i], width[i], false);
        sb.append(i == 0 ? "" : "  ").append(cell);
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
