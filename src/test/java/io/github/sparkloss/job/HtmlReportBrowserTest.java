package io.github.sparkloss.job;

import static io.github.sparkloss.job.JobHarness.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.tools.SyntheticLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML page of conf/example.conf (over a generated sample log), opened in headless Chromium:
 * every value, interval and comparison of the report is drawn with a size, the page runs no script,
 * and nothing is fetched but the page itself. Needs Debian's {@code chromium}; skipped without it
 * unless {@code SPARKLOSS_REQUIRE_BROWSER=1}, as CI sets it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HtmlReportBrowserTest extends SparkTestBase {
  static final String INSTALL = "install it with: sudo apt-get install -y chromium";

  @TempDir static Path dir;

  static JsonNode report;
  static Path page;
  static DevTools browser;
  static final List<String> REQUESTED = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void runTheExampleAndOpenItsPage() throws Exception {
    String chromium = DevTools.findChromium();
    if (chromium == null) {
      if ("1".equals(System.getenv("SPARKLOSS_REQUIRE_BROWSER"))) {
        throw new AssertionError("SPARKLOSS_REQUIRE_BROWSER=1 but chromium is missing; " + INSTALL);
      }
      Assumptions.assumeTrue(false, "chromium not found; " + INSTALL);
    }
    runExample();
    browser = DevTools.start(chromium, Files.createDirectories(dir.resolve("profile")));
    browser.on(
        "Network.requestWillBeSent", e -> REQUESTED.add(e.path("request").path("url").asText()));
    browser.send("Network.enable", Map.of());
    browser.send("Page.enable", Map.of());
    var loaded = browser.next("Page.loadEventFired");
    browser.send("Page.navigate", Map.of("url", page.toUri().toString()));
    loaded.get(DevTools.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Runs the job on conf/example.conf, reading a small generated log and writing under dir. */
  static void runExample() throws Exception {
    Path input = dir.resolve("sample/predictions.parquet");
    SyntheticLogs.generate(spark, 3000, 10, 3L, 2).write().parquet(input.toString());
    Path out = dir.resolve("out");
    page = out.resolve("report.html");
    String example =
        Files.readString(Path.of("conf/example.conf"))
            .replace("\"data/sample/predictions.parquet\"", q(input))
            .replace("\"target/example/report.json\"", q(out.resolve("report.json")))
            .replace("\"target/example/report.html\"", q(page))
            .replace("\"target/example/rows.parquet\"", q(out.resolve("rows.parquet")));
    assertThat(example).doesNotContain("target/example");
    JobHarness.Result r = JobHarness.runConfig(dir, "example.conf", example).succeeded();
    assertThat(r.outLines()).last().isEqualTo("wrote HTML report to " + page.toRealPath());
    report = JobHarness.readJson(out.resolve("report.json"));
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  /** What the page drew: class, data attributes and the size of every element of {@code cls}. */
  static JsonNode drawn(String cls) throws Exception {
    return browser.evaluate(
        "Array.from(document.getElementsByClassName('"
            + cls
            + "')).map(e => { const b = e.getBoundingClientRect();"
            + " return {tag: e.tagName, metric: e.getAttribute('data-metric'),"
            + " group: e.getAttribute('data-group'), cls: e.getAttribute('data-class'),"
            + " width: b.width, height: b.height}; })");
  }

  /** The drawn element of {@code metric} and {@code group} (and class, if given), with a size. */
  static void assertDrawn(JsonNode drawn, String what, String metric, String group, String cls) {
    JsonNode found = null;
    for (JsonNode d : drawn) {
      if (metric.equals(d.path("metric").asText())
          && group.equals(d.path("group").asText())
          && (cls == null || cls.equals(d.path("cls").asText()))) {
        assertThat(found).as("one " + what + " of " + metric + " / " + group).isNull();
        found = d;
      }
    }
    assertThat(found).as(what + " of " + metric + " / " + group + " / " + cls).isNotNull();
    assertThat(found.path("width").asDouble()).as(what + " width").isGreaterThan(0);
    assertThat(found.path("height").asDouble()).as(what + " height").isGreaterThan(0);
  }

  @Test
  void everyValueAndIntervalIsDrawn() throws Exception {
    JsonNode points = drawn("value-point");
    JsonNode whiskers = drawn("whisker");
    assertThat(report.get("metrics").size()).isGreaterThan(3);
    int expectedWhiskers = 0;
    for (JsonNode m : report.get("metrics")) {
      String name = m.get("name").asText();
      String group = Html.groupText(m.get("group"));
      assertThat(group).startsWith("model=");
      if (Html.finite(Html.number(m.get("value")))) {
        assertDrawn(points, "value point", name, group, null);
      }
      if (Html.finite(Html.number(m.get("ci_low"))) && Html.finite(Html.number(m.get("ci_high")))) {
        assertDrawn(whiskers, "whisker", name, group, null);
        expectedWhiskers++;
      }
    }
    assertThat(points).hasSize(report.get("metrics").size());
    assertThat(expectedWhiskers).as("every example group has an interval").isEqualTo(points.size());
    assertThat(whiskers).hasSize(expectedWhiskers);
  }

  @Test
  void everyClassIsDrawn() throws Exception {
    JsonNode bars = drawn("class-bar");
    int expected = 0;
    for (JsonNode m : report.get("metrics")) {
      for (JsonNode c : m.path("per_class")) {
        if (Html.finite(Html.number(c.get("value")))) {
          assertDrawn(
              bars,
              "class bar",
              m.get("name").asText(),
              Html.groupText(m.get("group")),
              c.get("class").asText());
          expected++;
        }
      }
    }
    assertThat(expected).as("per-class values in the example").isGreaterThan(0);
    assertThat(bars).hasSize(expected);
  }

  @Test
  void everyComparisonIsDrawn() throws Exception {
    JsonNode drawn = drawn("comparison");
    JsonNode comparisons = report.path("comparisons");
    assertThat(comparisons.size()).as("the example compares v2 and v3 with v1, twice").isEqualTo(4);
    assertThat(drawn).hasSize(comparisons.size());
    for (JsonNode c : comparisons) {
      assertDrawn(
          drawn, "comparison", c.get("metric").asText(), Html.groupText(c.get("group")), null);
    }
  }

  @Test
  void thePageRunsNoScriptAndFetchesNothing() throws Exception {
    assertThat(browser.evaluate("document.getElementsByTagName('script').length").asInt()).isZero();
    assertThat(browser.evaluate("document.characterSet").asText()).isEqualTo("UTF-8");
    assertThat(browser.evaluate("document.title").asText()).startsWith("Loss report: ");
    assertThat(REQUESTED).containsExactly(page.toUri().toString());
  }

  @Test
  void screenshot() throws Exception {
    int height = browser.evaluate("document.documentElement.scrollHeight").asInt();
    assertThat(height).isGreaterThan(500);
    Path build = Path.of(System.getProperty("sparkloss.buildDir", "target"));
    Files.createDirectories(build);
    // The top of the page, as README shows it, and the whole page.
    capture(build.resolve("report-example.png"), 1000, 1250);
    capture(build.resolve("report-example-full.png"), 1000, height);
  }

  static void capture(Path file, int width, int height) throws Exception {
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    JsonNode shot = browser.send("Page.captureScreenshot", Map.of("format", "png"));
    byte[] png = Base64.getDecoder().decode(shot.get("data").asText());
    assertThat(png).hasSizeGreaterThan(10_000);
    Files.write(file, png);
  }
}
