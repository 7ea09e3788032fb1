package io.github.sparkloss.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** The columns a config names: their existence, checked before any job runs, and their use. */
final class Columns {
  private Columns() {}

  /** A top-level column by its exact name, dots and all (never a nested field). */
  static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /** Orders result rows by their first {@code keys} fields, nulls first. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Comparator<Row> groupOrder(int keys) {
    return (a, b) -> {
      for (int i = 0; i < keys; i++) {
        Object x = a.get(i);
        Object y = b.get(i);
        int c;
        if (x == null || y == null) {
          c = x == null ? (y == null ? 0 : -1) : 1;
        } else if (x instanceof Comparable && x.getClass() == y.getClass()) {
          c = ((Comparable) x).compareTo(y);
        } else {
          c = String.valueOf(x).compareTo(String.valueOf(y));
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  /**
   * {@code df} with the window's start and end added as columns when the config has a window
   * (tumbling windows of its duration over its column, as Spark's {@code window} aligns them); a
   * null timestamp has a null window.
   */
  static Dataset<Row> keyed(Dataset<Row> df, JobConfig cfg) {
    JobConfig.Window w = cfg.window();
    if (w == null) {
      return df;
    }
    // The windows Spark's window() gives (aligned to the epoch), computed here so that a row whose
    // timestamp is null keeps a null window instead of being dropped, as window() drops it.
    Column micros = functions.call_function("unix_micros", col(w.column()));
    Column duration = functions.lit(w.durationMicros());
    Column start = micros.minus(functions.call_function("pmod", micros, duration));
    return df.withColumn(JobConfig.WINDOW_START, functions.call_function("timestamp_micros", start))
        .withColumn(
            JobConfig.WINDOW_END,
            functions.call_function("timestamp_micros", start.plus(duration)));
  }

  /** The columns that name a group, in {@link JobConfig#keys} order, over {@link #keyed} rows. */
  static Column[] keys(JobConfig cfg) {
    return cfg.keys().stream().map(Columns::col).toArray(Column[]::new);
  }

  /**
   * Result rows with the window's start and end as ISO-8601 instants ({@code
   * 2026-11-30T00:00:00Z}), which read the same whatever the session's time zone.
   */
  static List<Row> windowsAsText(List<Row> rows, JobConfig cfg) {
    if (cfg.window() == null) {
      return rows;
    }
    List<Row> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Object[] values = new Object[r.length()];
      for (int i = 0; i < values.length; i++) {
        Object v = r.get(i);
        if (i < 2 && v instanceof java.sql.Timestamp) {
          v = ((java.sql.Timestamp) v).toInstant().toString();
        } else if (i < 2 && v instanceof java.time.Instant) {
          v = v.toString();
        }
        values[i] = v;
      }
      out.add(org.apache.spark.sql.RowFactory.create(values));
    }
    return out;
  }

  static void check(Dataset<Row> df, JobConfig cfg) {
    boolean caseSensitive =
        Boolean.parseBoolean(df.sparkSession().conf().get("spark.sql.caseSensitive", "false"));
    Set<String> present = new TreeSet<>();
    for (String c : df.columns()) {
      present.add(caseSensitive ? c : c.toLowerCase(Locale.ROOT));
    }
    List<String[]> named = new ArrayList<>();
    for (int i = 0; i < cfg.groupBy().size(); i++) {
      named.add(new String[] {cfg.groupBy().get(i), "group_by[" + i + "]"});
    }
    for (int i = 0; i < cfg.metrics().size(); i++) {
      JobConfig.Metric m = cfg.metrics().get(i);
      String where = "metrics[" + i + "] (" + m.name() + ")";
      for (int a = 0; a < m.arguments().size(); a++) {
        named.add(
            new String[] {m.arguments().get(a), where + "." + m.loss().arguments().get(a).name()});
      }
      if (m.sampleWeight() != null) {
        named.add(new String[] {m.sampleWeight(), where + ".sample_weight"});
      }
    }
    if (cfg.rows() != null) {
      for (int i = 0; i < cfg.rows().keep().size(); i++) {
        named.add(new String[] {cfg.rows().keep().get(i), "output.rows.keep[" + i + "]"});
      }
    }
    if (cfg.window() != null) {
      named.add(new String[] {cfg.window().column(), "window.column"});
    }
    for (String[] n : named) {
      String key = caseSensitive ? n[0] : n[0].toLowerCase(Locale.ROOT);
      if (!present.contains(key)) {
        throw new JobException(
            "column '"
                + n[0]
                + "' named by "
                + n[1]
                + " does not exist in the input; its columns are "
                + String.join(", ", df.columns()));
      }
    }
    if (cfg.window() != null) {
      checkWindow(df, cfg, present, caseSensitive);
    }
  }

  private static void checkWindow(
      Dataset<Row> df, JobConfig cfg, Set<String> present, boolean caseSensitive) {
    String column = cfg.window().column();
    org.apache.spark.sql.types.DataType type =
        df.select(col(column)).schema().fields()[0].dataType();
    if (!(type instanceof org.apache.spark.sql.types.TimestampType)) {
      throw new JobException(
          "window.column '"
              + column
              + "' is of type "
              + type.simpleString()
              + "; expected a timestamp (a string or number column needs a cast in the input)");
    }
    for (String added : List.of(JobConfig.WINDOW_START, JobConfig.WINDOW_END)) {
      if (present.contains(caseSensitive ? added : added.toLowerCase(Locale.ROOT))) {
        throw new JobException(
            "the input has a column '"
                + added
                + "', which the window's column of that name would hide; rename it in the"
                + " input");
      }
    }
  }
}
