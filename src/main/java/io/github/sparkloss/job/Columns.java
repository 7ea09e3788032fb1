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
  }
}
