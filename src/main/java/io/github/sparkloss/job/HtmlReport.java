package io.github.sparkloss.job;

import static io.github.sparkloss.job.Html.count;
import static io.github.sparkloss.job.Html.esc;
import static io.github.sparkloss.job.Html.finite;
import static io.github.sparkloss.job.Html.fmt;
import static io.github.sparkloss.job.Html.groupText;
import static io.github.sparkloss.job.Html.number;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON report as one self-contained HTML page: inline CSS and inline SVG only, no script and
 * nothing fetched from anywhere, so that it opens offline and can be mailed. It is drawn from the
 * report's text alone, and draws whatever optional fields the report has: intervals ({@code
 * std_error}, {@code ci_low}, {@code ci_high}), {@code per_class} entries, {@code comparisons},
 * {@code confidence} and {@code sparkloss_version}.
 *
 * <p>Every string from the report is escaped and its control characters made visible. The drawn
 * elements carry stable attributes: {@code data-metric} and {@code data-group} (the group as {@link
 * Html#groupText} writes it) on {@code value-point}, {@code whisker}, {@code class-bar} and {@code
 * comparison} elements.
 */
public final class HtmlReport {
  /** Marks a page this job wrote; --overwrite replaces only a page that carries it. */
  public static final String GENERATOR =
      "<meta name=\"generator\" content=\"sparkloss loss-eval\">";

  /** How much of an existing page is read to find {@link #GENERATOR}. */
  static final int HEAD_BYTES = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final HtmlCharts.Classes METRIC_CLASSES =
      new HtmlCharts.Classes("value-row", "value-point", "whisker");
  private static final HtmlCharts.Classes CLASS_CLASSES =
      new HtmlCharts.Classes("class-row", "class-bar", "class-whisker");
  private static final HtmlCharts.Classes COMPARISON_CLASSES =
      new HtmlCharts.Classes("comparison", "comparison-point", "comparison-whisker");

  private static final String CSS =
      """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;\
      margin:0 auto;max-width:1000px;padding:16px 24px 48px;background:#fff}
      h1{font-size:24px;margin:8px 0 4px}
      h2{font-size:19px;margin:32px 0 4px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
      h3{font-size:15px;margin:18px 0 4px}
      .sub{color:#57606a;margin:0 0 8px}
      dl.run{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
      dl.run dt{color:#57606a}
      dl.run dd{margin:0;word-break:break-all}
      table{border-collapse:collapse;margin:8px 0 4px;font-variant-numeric:tabular-nums}
      th,td{border-bottom:1px solid #eaeef2;padding:3px 10px;text-align:right;vertical-align:top}
      th{background:#f6f8fa;font-weight:600}
      th.text,td.text{text-align:left;max-width:360px;word-break:break-all}
      tr.bad td{background:#fff5f5}
      td.bad-count{color:#b42318;font-weight:700}
      td.na{color:#8c959f}
      td.significant{font-weight:700}
      svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}
      svg .row-label{font-size:12px;fill:#1f2328}
      svg .tick{font-size:11px;fill:#57606a;text-anchor:middle}
      svg .grid{stroke:#eaeef2;stroke-width:1}
      svg .zero{stroke:#57606a;stroke-width:1.5;stroke-dasharray:4 3}
      svg .value-point,svg .comparison-point{fill:#0969da;stroke:#fff;stroke-width:1}
      svg .whisker rect,svg .comparison-whisker rect,svg .class-whisker rect{fill:#24292f}
      svg .class-bar{fill:#54aeff}
      svg .not-drawn{font-size:12px;fill:#b42318;font-style:italic}
      .classes{display:flex;flex-wrap:wrap;gap:0 24px}
      footer{margin-top:40px;color:#8c959f;font-size:12px}
      """;

  private HtmlReport() {}

  /** The page of a report, from the report's JSON text. */
  public static String render(String reportJson) {
    JsonNode report;
    try {
      report = JSON.readTree(reportJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON report: " + e.getOriginalMessage(), e);
    }
    if (report == null || !report.isObject()) {
      throw new IllegalArgumentException("not a JSON report: not a JSON object");
    }
    StringBuilder page = new StringBuilder();
    head(page, report);
    page.append("<body>\n<h1>Loss report</h1>\n");
    run(page, report);
    // The comparisons answer the question the page is usually opened for: they come first.
    comparisons(page, report);
    Map<String, List<JsonNode>> metrics = metricsByName(report.path("metrics"));
    for (Map.Entry<String, List<JsonNode>> m : metrics.entrySet()) {
      metric(page, m.getKey(), m.getValue(), report);
    }
    page.append("<footer>Written by sparkloss loss-eval from its JSON report.</footer>\n");
    return page.append("</body>\n</html>\n").toString();
  }

  // ---- head and run ----

  private static void head(StringBuilder page, JsonNode report) {
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append(GENERATOR)
        .append("\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Loss report: ")
        .append(esc(Html.shorten(inputPaths(report.path("input").path("path")), 120)))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n");
  }

  /** The input path, or the paths joined by ", ". */
  private static String inputPaths(JsonNode path) {
    if (path.isArray()) {
      List<String> paths = new ArrayList<>();
      path.forEach(p -> paths.add(p.asText()));
      return String.join(", ", paths);
    }
    return path.isMissingNode() || path.isNull() ? "n/a" : path.asText();
  }

  private static void run(StringBuilder page, JsonNode report) {
    JsonNode input = report.path("input");
    page.append("<section class=\"run\">\n<dl class=\"run\">\n");
    JsonNode path = input.path("path");
    if (path.isArray()) {
      for (JsonNode p : path) {
        runField(page, "input", esc(p.asText()));
      }
    } else {
      runField(page, "input", esc(inputPaths(path)));
    }
    runField(page, "format", textOrNa(input.path("format")));
    runField(page, "rows", count(input.get("rows")));
    JsonNode window = report.path("window");
    if (window.isObject()) {
      runField(
          page,
          "window",
          esc(window.path("duration").asText())
              + " over "
              + esc(window.path("column").asText())
              + (window.has("watermark")
                  ? ", watermark " + esc(window.path("watermark").asText())
                  : ""));
    }
    JsonNode inc = report.path("incremental");
    if (inc.isObject()) {
      runField(
          page,
          "incremental",
          "this run added "
              + count(inc.get("files_added"))
              + " files, "
              + count(inc.get("rows_added"))
              + " rows; the kept states hold "
              + count(inc.get("files_total"))
              + " files, "
              + count(inc.get("rows_total"))
              + " rows"
              + (inc.path("late_rows_total").asLong(0) > 0
                  ? "; " + count(inc.get("late_rows_total")) + " late rows were not evaluated"
                  : ""));
    }
    Double elapsed = number(report.get("elapsed_seconds"));
    runField(page, "elapsed", elapsed == null ? "n/a" : fmt(elapsed) + " s");
    runField(page, "Spark", textOrNa(report.path("spark_version")));
    if (report.has("sparkloss_version")) {
      runField(page, "sparkloss", textOrNa(report.path("sparkloss_version")));
    }
    Double confidence = number(report.get("confidence"));
    if (finite(confidence)) {
      runField(page, "intervals", fmt(confidence * 100) + "% confidence");
    }
    page.append("</dl>\n</section>\n");
  }

  private static void runField(StringBuilder page, String name, String html) {
    page.append("<dt>").append(name).append("</dt><dd>").append(html).append("</dd>\n");
  }

  private static String textOrNa(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "n/a" : esc(n.isTextual() ? n.asText() : n.toString());
  }

  // ---- metrics ----

  /** The report's entries by metric name, metrics and groups in report order. */
  private static Map<String, List<JsonNode>> metricsByName(JsonNode metrics) {
    Map<String, List<JsonNode>> byName = new LinkedHashMap<>();
    for (JsonNode entry : metrics) {
      byName.computeIfAbsent(entry.path("name").asText(), k -> new ArrayList<>()).add(entry);
    }
    return byName;
  }

  private static void metric(
      StringBuilder page, String name, List<JsonNode> entries, JsonNode report) {
    JsonNode first = entries.get(0);
    page.append("<section class=\"metric\" data-metric=\"")
        .append(esc(name))
        .append("\">\n<h2>")
        .append(esc(name))
        .append("</h2>\n<p class=\"sub\">")
        .append(esc(first.path("loss").asText("n/a")))
        .append(", reduction ")
        .append(esc(first.path("reduction").asText("n/a")))
        .append(intervalNote(report))
        .append("</p>\n");
    List<HtmlCharts.Mark> marks = new ArrayList<>();
    for (JsonNode e : entries) {
      String group = groupText(e.get("group"));
      marks.add(mark(group, e, "data-metric", name, "data-group", group));
    }
    page.append(HtmlCharts.dotPlot(marks, METRIC_CLASSES, false, name + " by group"));
    metricTable(page, entries);
    for (JsonNode e : entries) {
      if (e.path("per_class").isArray()) {
        perClass(page, name, e);
      }
    }
    page.append("</section>\n");
  }

  private static String intervalNote(JsonNode report) {
    Double confidence = number(report.get("confidence"));
    return finite(confidence) ? "; whiskers: " + fmt(confidence * 100) + "% intervals" : "";
  }

  /** A chart row: the value and interval of {@code entry}, with the given attributes. */
  private static HtmlCharts.Mark mark(String label, JsonNode entry, String... attrs) {
    return new HtmlCharts.Mark(
        label,
        number(entry.get("value")),
        number(entry.get("ci_low")),
        number(entry.get("ci_high")),
        HtmlCharts.attrs(attrs));
  }

  private static void metricTable(StringBuilder page, List<JsonNode> entries) {
    page.append("<table class=\"values\">\n<tr><th class=\"text\">group</th><th>value</th>")
        .append("<th>± half-width</th><th>interval</th><th>std error</th><th>rows</th>")
        .append("<th>ignored</th><th>null</th><th>bad</th></tr>\n");
    for (JsonNode e : entries) {
      boolean bad = e.path("bad_rows").asLong(0) > 0;
      page.append(bad ? "<tr class=\"bad\">" : "<tr>")
          .append("<td class=\"text\">")
          .append(esc(groupText(e.get("group"))))
          .append("</td>");
      numberCells(page, e, "value");
      page.append("<td>")
          .append(count(e.get("rows")))
          .append("</td><td>")
          .append(count(e.get("ignored_rows")))
          .append("</td><td>")
          .append(count(e.get("null_rows")))
          .append("</td><td")
          .append(bad ? " class=\"bad-count\"" : "")
          .append('>')
          .append(count(e.get("bad_rows")))
          .append("</td></tr>\n");
    }
    page.append("</table>\n");
  }

  /**
   * The cells of field {@code valueField}, its ± half-width, interval and standard error; n/a where
   * the report has none.
   */
  private static void numberCells(StringBuilder page, JsonNode e, String valueField) {
    Double value = number(e.get(valueField));
    Double low = number(e.get("ci_low"));
    Double high = number(e.get("ci_high"));
    cell(page, fmt(value), value != null);
    boolean interval = low != null && high != null;
    cell(page, interval ? "± " + fmt((high - low) / 2) : "n/a", interval);
    cell(page, interval ? "[" + fmt(low) + ", " + fmt(high) + "]" : "n/a", interval);
    Double se = number(e.get("std_error"));
    cell(page, fmt(se), se != null);
  }

  private static void cell(StringBuilder page, String html, boolean present) {
    page.append(present ? "<td>" : "<td class=\"na\">").append(html).append("</td>");
  }

  // ---- per class ----

  private static void perClass(StringBuilder page, String name, JsonNode entry) {
    String group = groupText(entry.get("group"));
    List<HtmlCharts.Mark> marks = new ArrayList<>();
    for (JsonNode c : entry.path("per_class")) {
      String k = c.path("class").asText();
      String label = "class " + k + " (" + c.path("rows").asText("n/a") + " rows)";
      marks.add(mark(label, c, "data-metric", name, "data-group", group, "data-class", k));
    }
    page.append("<div class=\"per-class\"><h3>")
        .append(esc(name))
        .append(" per class, ")
        .append(esc(group))
        .append("</h3>\n")
        .append(HtmlCharts.barChart(marks, CLASS_CLASSES, name + " per class, " + group))
        .append("</div>\n");
  }

  // ---- comparisons ----

  private static void comparisons(StringBuilder page, JsonNode report) {
    JsonNode comparisons = report.path("comparisons");
    if (!comparisons.isArray() || comparisons.isEmpty()) {
      return;
    }
    page.append("<section class=\"comparisons\">\n<h2>Comparisons</h2>\n")
        .append("<p class=\"sub\">difference of each group from its baseline")
        .append(intervalNote(report))
        .append("; the dashed line is no difference</p>\n");
    List<HtmlCharts.Mark> marks = new ArrayList<>();
    for (JsonNode c : comparisons) {
      marks.add(comparisonMark(c));
    }
    page.append(HtmlCharts.dotPlot(marks, COMPARISON_CLASSES, true, "differences from baseline"));
    comparisonTable(page, comparisons, report);
    page.append("</section>\n");
  }

  /** "metric: group vs baseline". */
  private static String comparisonLabel(JsonNode c) {
    return c.path("metric").asText("n/a")
        + ": "
        + groupText(c.get("group"))
        + " vs "
        + groupText(c.get("baseline"));
  }

  private static HtmlCharts.Mark comparisonMark(JsonNode c) {
    return new HtmlCharts.Mark(
        comparisonLabel(c),
        number(c.get("difference")),
        number(c.get("ci_low")),
        number(c.get("ci_high")),
        HtmlCharts.attrs(
            "data-metric",
            c.path("metric").asText(),
            "data-group",
            groupText(c.get("group")),
            "data-baseline",
            groupText(c.get("baseline"))));
  }

  /** The opening tag of a p-value's cell: bold below {@code alpha}, grey when absent. */
  private static String pClass(Double p, double alpha) {
    if (p == null) {
      return "<td class=\"na\">";
    }
    return finite(p) && p < alpha ? "<td class=\"significant\">" : "<td>";
  }

  private static void comparisonTable(StringBuilder page, JsonNode comparisons, JsonNode report) {
    Double confidence = number(report.get("confidence"));
    double alpha = finite(confidence) ? 1 - confidence : 0.05;
    page.append("<table class=\"comparisons\">\n<tr><th class=\"text\">metric</th>")
        .append("<th class=\"text\">group</th><th class=\"text\">baseline</th>")
        .append("<th>difference</th><th>± half-width</th><th>interval</th><th>std error</th>")
        .append("<th>p-value</th></tr>\n");
    for (JsonNode c : comparisons) {
      page.append("<tr><td class=\"text\">")
          .append(esc(c.path("metric").asText("n/a")))
          .append("</td><td class=\"text\">")
          .append(esc(groupText(c.get("group"))))
          .append("</td><td class=\"text\">")
          .append(esc(groupText(c.get("baseline"))))
          .append("</td>");
      numberCells(page, c, "difference");
      Double p = number(c.get("p_value"));
      page.append(pClass(p, alpha)).append(Html.pValue(p)).append("</td></tr>\n");
    }
    page.append("</table>\n");
  }
}
