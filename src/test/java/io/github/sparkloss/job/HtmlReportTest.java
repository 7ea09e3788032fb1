package io.github.sparkloss.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTML page of a report, checked as text: escaping, non-finite numbers, optional fields. */
class HtmlReportTest {
  /** A report of today's shape: no intervals, comparisons, confidence or sparkloss version. */
  static final String PLAIN =
      """
      {"metrics": [
        {"name": "ce", "loss": "cross_entropy", "reduction": "mean", "group": {"model": "a"},
         "value": 1.25, "rows": 10, "ignored_rows": 1, "null_rows": 0, "bad_rows": 0,
         "loss_sum": 12.5, "weight_sum": 10},
        {"name": "ce", "loss": "cross_entropy", "reduction": "mean", "group": {"model": "b"},
         "value": 0.5, "rows": 8, "ignored_rows": 0, "null_rows": 2, "bad_rows": 3,
         "loss_sum": 4, "weight_sum": 8}],
       "input": {"path": "data/in.parquet", "format": "parquet", "rows": 21},
       "spark_version": "4.0.0", "elapsed_seconds": 1.5}
      """;

  /** Every optional field, hostile group values and non-finite numbers. */
  static final String FULL =
      """
      {"metrics": [
        {"name": "ce<b>", "loss": "cross_entropy", "reduction": "mean",
         "group": {"model": "<script>alert(1)</script>", "k\\"q": "a&b\\nc\\u0007"},
         "value": 1.25, "std_error": 0.1, "ci_low": 1.05, "ci_high": 1.45,
         "rows": 10, "ignored_rows": 0, "null_rows": 0, "bad_rows": 0,
         "loss_sum": 12.5, "weight_sum": 10,
         "per_class": [{"class": 0, "value": 0.5, "ci_low": 0.25, "ci_high": 0.75,
                        "loss_sum": 2, "weight_sum": 4, "rows": 4},
                       {"class": 1, "value": "NaN", "loss_sum": 0, "weight_sum": 0, "rows": 0}]},
        {"name": "ce<b>", "loss": "cross_entropy", "reduction": "mean",
         "group": {"model": null, "k\\"q": true},
         "value": "NaN", "std_error": "NaN", "ci_low": "NaN", "ci_high": "NaN",
         "rows": 0, "ignored_rows": 0, "null_rows": 0, "bad_rows": 0,
         "loss_sum": 0, "weight_sum": 0},
        {"name": "ce<b>", "loss": "cross_entropy", "reduction": "mean",
         "group": {"model": 3.5, "k\\"q": false},
         "value": "Infinity", "ci_low": "-Infinity", "ci_high": "Infinity",
         "rows": 1, "ignored_rows": 0, "null_rows": 0, "bad_rows": 0,
         "loss_sum": "Infinity", "weight_sum": 1}],
       "comparisons": [
        {"metric": "ce<b>", "group": {"model": 3.5}, "baseline": {"model": "<script>"},
         "difference": -0.25, "std_error": 0.1, "ci_low": -0.45, "ci_high": -0.05,
         "p_value": 0.012},
        {"metric": "ce<b>", "group": {"model": null}, "baseline": {"model": "<script>"},
         "difference": "NaN", "p_value": "NaN"}],
       "confidence": 0.95,
       "input": {"path": ["a'b.parquet", "c&d\\n.parquet"], "format": "parquet", "rows": 11},
       "spark_version": "4.0.0", "sparkloss_version": "1.2.3", "elapsed_seconds": 0.25}
      """;

  @Test
  void aPlainReportRendersWithoutItsOptionalFields() {
    String html = HtmlReport.render(PLAIN);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<meta charset=\"utf-8\">", HtmlReport.GENERATOR, "<title>Loss report: ")
        .contains("data/in.parquet", "4.0.0", "1.5 s")
        .doesNotContain(
            "sparkloss</dt>",
            "<g class=\"whisker\"",
            "<h2>Comparisons",
            "<rect class=\"class-bar\"");
    assertThat(html.indexOf(HtmlReport.GENERATOR)).isLessThan(HtmlReport.HEAD_BYTES);
    assertThat(count(html, "<circle class=\"value-point\"")).isEqualTo(2);
    assertThat(html).contains("data-metric=\"ce\" data-group=\"model=a\"");
    // The row with bad rows is marked; the interval columns say n/a.
    assertThat(count(html, "<tr class=\"bad\">")).isEqualTo(1);
    assertThat(html).contains("<td class=\"bad-count\">3</td>", "<td class=\"na\">n/a</td>");
  }

  @Test
  void nothingIsFetchedAndNothingRuns() {
    for (String report : new String[] {PLAIN, FULL}) {
      String html = HtmlReport.render(report).toLowerCase(java.util.Locale.ROOT);
      assertThat(html)
          .doesNotContain("<script", "http://", "https://", "@import", "url(", "<link", "<img")
          .doesNotContain(" src=", " href=", "onload", "onerror");
    }
  }

  @Test
  void everyStringFromTheReportIsEscaped() {
    String html = HtmlReport.render(FULL);
    assertThat(html)
        .doesNotContain("<script>", "<b>", "a&b", "k\"q", "a'b")
        .contains("ce&lt;b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("k&quot;q=a&amp;b␊c␇", "a&#39;b.parquet", "c&amp;d␊.parquet");
    // Attributes too: the group as text, escaped, in data-group.
    assertThat(html)
        .contains(
            "data-metric=\"ce&lt;b&gt;\" data-group=\"model=&lt;script&gt;alert(1)&lt;/script&gt;,"
                + " k&quot;q=a&amp;b␊c␇\"");
    // No raw control character anywhere but the page's own line ends.
    assertThat(html.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    // Null, number and boolean group values.
    assertThat(html).contains("model=null, k&quot;q=true", "model=3.5, k&quot;q=false");
  }

  @Test
  void nonFiniteValuesAreNotDrawnAndSaidInText() {
    String html = HtmlReport.render(FULL);
    assertThat(html).doesNotContain("\"NaN\"", "\"Infinity\"", "\"-Infinity\"");
    Matcher coords =
        Pattern.compile(" (?:cx|cy|x|y|x1|x2|y1|y2|width|height)=\"([^\"]*)\"").matcher(html);
    int seen = 0;
    while (coords.find()) {
      assertThat(coords.group(1)).matches("-?[0-9]+(\\.[0-9]+)?");
      seen++;
    }
    assertThat(seen).isGreaterThan(20);
    // One drawn point of three; the NaN and the infinite value are named instead.
    assertThat(count(html, "<circle class=\"value-point\"")).isEqualTo(1);
    assertThat(html)
        .contains("not drawn: the value is NaN", "not drawn: the value is ∞")
        .contains("<td>NaN</td>", "<td>∞</td>", "[−∞, ∞]");
    // The finite interval is drawn; the NaN and infinite ones are not.
    assertThat(count(html, "<g class=\"whisker\"")).isEqualTo(1);
    assertThat(html).contains("± 0.2", "[1.05, 1.45]");
  }

  @Test
  void optionalFieldsAreDrawnWhenPresent() {
    String html = HtmlReport.render(FULL);
    assertThat(html)
        .contains("<dt>sparkloss</dt><dd>1.2.3</dd>", "95% confidence", "Comparisons")
        .contains("<dd>a&#39;b.parquet</dd>", "<dd>c&amp;d␊.parquet</dd>");
    assertThat(count(html, "<rect class=\"class-bar\"")).isEqualTo(1);
    assertThat(html).contains("data-class=\"0\"", "data-class=\"1\"");
    assertThat(count(html, "<g class=\"comparison\"")).isEqualTo(2);
    assertThat(count(html, "<circle class=\"comparison-point\"")).isEqualTo(1);
    assertThat(html).contains("class=\"zero\"", "<td class=\"significant\">0.012</td>");
  }

  @Test
  void notAReportIsRefused() {
    assertThatThrownBy(() -> HtmlReport.render("[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON report: not a JSON object");
    assertThatThrownBy(() -> HtmlReport.render("{"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a JSON report: ");
    // An object with nothing in it still renders, saying n/a.
    assertThat(HtmlReport.render("{}")).contains("<dd>n/a</dd>").doesNotContain("<svg");
  }

  @Test
  void visibleTextAndNumbers() {
    assertThat(Html.visible("a\nb\r\t\u0000\u007f\u0085\u2028")).isEqualTo("a␊b␍␉␀␡\\u0085\\u2028");
    assertThat(Html.esc("<a href='x'>&\"</a>"))
        .isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    assertThat(Html.fmt(1.0 / 3)).isEqualTo("0.333333");
    assertThat(Html.fmt(2.0)).isEqualTo("2");
    assertThat(Html.fmt(1e-9)).isEqualTo("1.00000e-09");
    assertThat(Html.fmt(null)).isEqualTo("n/a");
    assertThat(Html.pValue(1e-7)).isEqualTo("&lt; 0.0001");
    assertThat(HtmlCharts.niceStep(0.13)).isEqualTo(0.2);
    assertThat(HtmlCharts.niceStep(3)).isEqualTo(5);
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
