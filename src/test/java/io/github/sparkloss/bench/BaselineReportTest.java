package io.github.sparkloss.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BaselineReport} on hand-made round directories: medians, ratios, unpaired rounds. */
class BaselineReportTest {
  @TempDir Path tmp;

  @Test
  void mediansAndPerRoundRatiosOfPairedRounds() throws Exception {
    double[] base = {1.0, 2.0, 4.0};
    double[] cur = {0.5, 3.0, 2.0}; // ratios 0.5, 1.5, 0.5: median 0.5
    for (int r = 0; r < 3; r++) {
      write("baseline", r + 1, base[r], 3.0);
      write("current", r + 1, cur[r], 3.0);
    }
    write("baseline", 4, 9.0, 3.0); // no current run: left out
    String out = BaselineReport.report(tmp, "old", "new");
    assertTrue(out.contains("3 rounds"), out);
    // scan: base median 2.0, current median 2.0, ratio median 0.5, range 0.50-1.50.
    assertTrue(out.contains("2.000     2.000    0.500     (0.50-1.50)"), out);
    String json = Files.readString(tmp.resolve("summary.json"));
    assertTrue(json.contains("\"medianRatioWall\": 0.5"), json);
    assertEquals(3, BaselineReport.rounds(tmp.resolve("current")).size());
  }

  private void write(String side, int round, double wall, double value) throws Exception {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", "scan");
    v.put("value", value);
    v.put("medianWall", wall);
    v.put("medianCpu", 2 * wall);
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("key", "cross_entropy/float/C=10/cached");
    g.put("variants", List.of(v));
    Path dir = tmp.resolve(side).resolve("round-" + round);
    Files.createDirectories(dir);
    Files.write(
        dir.resolve("bench-20260101-000000.json"),
        Bench.toJson(Map.of("groups", List.of(g))).getBytes(StandardCharsets.UTF_8));
  }
}
