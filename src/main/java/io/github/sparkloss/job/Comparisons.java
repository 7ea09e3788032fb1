package io.github.sparkloss.job;

import io.github.sparkloss.eval.StandardNormal;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Row;

/**
 * The job's {@code compare} entries, evaluated on the groups of a run: for each group of the metric
 * that is not a baseline group, its difference from its baseline group with the standard error of a
 * difference of independent samples, sqrt(se_g^2 + se_b^2), the interval at the metric's confidence
 * and the two-sided normal p-value.
 */
final class Comparisons {
  private Comparisons() {}

  /**
   * One group against its baseline.
   *
   * @param group the compared group, group_by column to value
   * @param baseline the baseline group
   */
  record Comparison(
      String metric,
      Map<String, Object> group,
      Map<String, Object> baseline,
      double difference,
      double stdError,
      double ciLow,
      double ciHigh,
      double pValue) {}

  /**
   * A group with no baseline counterpart: the baseline group it would be compared with (its own
   * values in the columns the baseline leaves open) is not in the run's groups.
   */
  record Uncompared(String metric, Map<String, Object> group, Map<String, Object> baseline) {}

  /** The comparisons of a run, and the groups that had no baseline group to be compared with. */
  record Result(List<Comparison> comparisons, List<Uncompared> uncompared) {}

  /**
   * Evaluates every comparison of {@code cfg} over the sorted group rows of a run (group_by values,
   * the row count, then one stats struct per aggregate metric).
   *
   * @throws JobException when no group has a comparison's baseline values, naming the groups that
   *     exist
   */
  static Result of(JobConfig cfg, List<JobConfig.Metric> aggregated, List<Row> groups) {
    List<Comparison> out = new ArrayList<>();
    List<Uncompared> uncompared = new ArrayList<>();
    int keys = cfg.keys().size();
    for (int i = 0; i < cfg.compare().size(); i++) {
      JobConfig.Compare c = cfg.compare().get(i);
      String where = "compare[" + i + "]";
      int m = indexOf(aggregated, c.metric());
      double z = StandardNormal.intervalZ(aggregated.get(m).options().confidence());
      List<Row> baselines = groups.stream().filter(g -> matches(cfg, g, c.baseline())).toList();
      if (baselines.isEmpty()) {
        throw new JobException(
            "config "
                + cfg.source()
                + ": "
                + where
                + ".baseline "
                + describe(c.baseline())
                + " is not a group of this run; "
                + (groups.isEmpty()
                    ? "the run has no groups (no input rows)"
                    : "the groups are " + describeAll(cfg, groups)));
      }
      for (Row g : groups) {
        if (matches(cfg, g, c.baseline())) {
          continue;
        }
        Row b = counterpart(cfg, g, c.baseline(), baselines);
        if (b == null) {
          uncompared.add(
              new Uncompared(c.metric(), group(cfg, g), expectedBaseline(cfg, g, c.baseline())));
          continue;
        }
        Row gs = g.getStruct(keys + 1 + m);
        Row bs = b.getStruct(keys + 1 + m);
        double diff = value(gs, "value") - value(bs, "value");
        double se = Math.hypot(value(gs, "std_error"), value(bs, "std_error"));
        out.add(
            new Comparison(
                c.metric(),
                group(cfg, g),
                group(cfg, b),
                diff,
                se,
                diff - z * se,
                diff + z * se,
                StandardNormal.twoSidedPValue(diff / se)));
      }
    }
    return new Result(List.copyOf(out), List.copyOf(uncompared));
  }

  private static int indexOf(List<JobConfig.Metric> aggregated, String name) {
    for (int i = 0; i < aggregated.size(); i++) {
      if (aggregated.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("compare names metric " + name + ", which the config checked");
  }

  private static double value(Row stats, String field) {
    return stats.getDouble(stats.fieldIndex(field));
  }

  /** Whether group {@code g} has the baseline's value in each of the baseline's columns. */
  private static boolean matches(JobConfig cfg, Row g, Map<String, Object> baseline) {
    for (Map.Entry<String, Object> e : baseline.entrySet()) {
      if (!same(g.get(cfg.keys().indexOf(e.getKey())), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The baseline group that agrees with {@code g} on every column the baseline leaves open. */
  private static Row counterpart(
      JobConfig cfg, Row g, Map<String, Object> baseline, List<Row> baselines) {
    for (Row b : baselines) {
      boolean same = true;
      for (int k = 0; k < cfg.keys().size() && same; k++) {
        if (!baseline.containsKey(cfg.keys().get(k))) {
          same = Objects.equals(g.get(k), b.get(k));
        }
      }
      if (same) {
        return b;
      }
    }
    return null;
  }

  /**
   * A group value equals a config value: numbers by their decimal value (1 = 1.0, 0.1f = 0.1 =
   * decimal 0.10; NaN and infinities only themselves), others by their text.
   */
  static boolean same(Object groupValue, Object configValue) {
    if (groupValue == null || configValue == null) {
      return groupValue == null && configValue == null;
    }
    if (groupValue instanceof Number && configValue instanceof Number) {
      BigDecimal a = decimal((Number) groupValue);
      BigDecimal b = decimal((Number) configValue);
      if (a == null || b == null) {
        return Double.compare(
                ((Number) groupValue).doubleValue(), ((Number) configValue).doubleValue())
            == 0;
      }
      return a.compareTo(b) == 0;
    }
    return String.valueOf(groupValue).equals(String.valueOf(configValue));
  }

  /** The number as written in shortest form (floats and doubles), or null when not finite. */
  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal) {
      return (BigDecimal) n;
    }
    if (n instanceof Float) {
      float f = n.floatValue();
      return Float.isFinite(f) ? new BigDecimal(Float.toString(f)) : null;
    }
    if (n instanceof Double) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    if (n instanceof java.math.BigInteger) {
      return new BigDecimal((java.math.BigInteger) n);
    }
    return BigDecimal.valueOf(n.longValue());
  }

  /** The group_by values of group row {@code g}, column to value. */
  static Map<String, Object> group(JobConfig cfg, Row g) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int k = 0; k < cfg.keys().size(); k++) {
      m.put(cfg.keys().get(k), g.get(k));
    }
    return m;
  }

  private static Map<String, Object> expectedBaseline(
      JobConfig cfg, Row g, Map<String, Object> baseline) {
    Map<String, Object> m = group(cfg, g);
    m.putAll(baseline);
    return m;
  }

  /** {@code {model = v1, day = 3}}, values escaped as the table escapes them. */
  static String describe(Map<String, Object> group) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : group.entrySet()) {
      sb.append(sb.length() > 1 ? ", " : "")
          .append(Report.escape(e.getKey()))
          .append(" = ")
          .append(Report.escape(String.valueOf(e.getValue())));
    }
    return sb.append('}').toString();
  }

  private static String describeAll(JobConfig cfg, List<Row> groups) {
    List<String> all = new ArrayList<>();
    for (Row g : groups) {
      all.add(describe(group(cfg, g)));
      if (all.size() == 20 && groups.size() > 20) {
        all.add("... (" + groups.size() + " groups)");
        break;
      }
    }
    return String.join(", ", all);
  }
}
