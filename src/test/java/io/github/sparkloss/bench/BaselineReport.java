package io.github.sparkloss.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The summary of {@code scripts/bench --baseline REV}. Each round ran {@link Bench} once on the
 * baseline revision and once on the working tree, one JVM each, and wrote its JSON under {@code
 * DIR/baseline/round-N} and {@code DIR/current/round-N}. Per group and variant this prints the
 * median over rounds of each side's wall and CPU seconds (each run's own median over its
 * repetitions), the median over rounds of the per-round ratio current / baseline with its range,
 * and how far the two sides' values differ; it writes the same to {@code DIR/summary.json}.
 *
 * <pre>
 *   java -cp ... io.github.sparkloss.bench.BaselineReport DIR [BASELINE_LABEL [CURRENT_LABEL]]
 * </pre>
 */
public final class BaselineReport {
  private BaselineReport() {}

  /** One variant of one group in one run: its medians and its value. */
  record Measure(double wall, double cpu, double value) {}

  /**
   * Prints the summary of the rounds under {@code args[0]}.
   *
   * @param args the run directory, then optional labels of the baseline and the current side
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: BaselineReport DIR [BASELINE [CURRENT]]");
    }
    Path dir = Paths.get(args[0]);
    String base = args.length > 1 ? args[1] : "baseline";
    String cur = args.length > 2 ? args[2] : "current";
    System.out.print(report(dir, base, cur));
  }

  /** The printed summary; also writes {@code dir/summary.json}. */
  static String report(Path dir, String baseLabel, String curLabel) throws IOException {
    Map<Integer, Map<String, Map<String, Measure>>> base = rounds(dir.resolve("baseline"));
    Map<Integer, Map<String, Map<String, Measure>>> cur = rounds(dir.resolve("current"));
    List<Integer> paired = new ArrayList<>();
    for (Integer r : base.keySet()) {
      if (cur.containsKey(r)) {
        paired.add(r);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%nbefore/after: baseline %s, current %s; %d rounds of one run per side"
                + " (each side first in every other round)%n",
            baseLabel,
            curLabel,
            paired.size()));
    if (paired.isEmpty()) {
      out.append("no round has results from both sides\n");
      return out.toString();
    }
    // Groups and variants in the order the first paired round of the current side lists them.
    Map<String, Map<String, Measure>> first = cur.get(paired.get(0));
    out.append(
        String.format(
            Locale.ROOT,
            "%-22s %9s %9s %8s %15s %9s %9s %8s %10s%n",
            "variant",
            "base wall",
            "cur wall",
            "cur/base",
            "(range)",
            "base cpu",
            "cur cpu",
            "cur/base",
            "value diff"));
    List<Object> groups = new ArrayList<>();
    for (Map.Entry<String, Map<String, Measure>> g : first.entrySet()) {
      String key = g.getKey();
      out.append(key).append('\n');
      List<Object> vj = new ArrayList<>();
      for (String variant : g.getValue().keySet()) {
        List<Measure> b = new ArrayList<>();
        List<Measure> c = new ArrayList<>();
        for (Integer r : paired) {
          Measure mb = base.get(r).getOrDefault(key, Map.of()).get(variant);
          Measure mc = cur.get(r).getOrDefault(key, Map.of()).get(variant);
          if (mb != null && mc != null) {
            b.add(mb);
            c.add(mc);
          }
        }
        if (b.isEmpty()) {
          out.append(String.format(Locale.ROOT, "  %-20s (not in the baseline's runs)%n", variant));
          continue;
        }
        int n = b.size();
        double[] bw = new double[n];
        double[] cw = new double[n];
        double[] bc = new double[n];
        double[] cc = new double[n];
        double[] rw = new double[n];
        double[] rc = new double[n];
        double valueDiff = 0.0;
        for (int i = 0; i < n; i++) {
          bw[i] = b.get(i).wall();
          cw[i] = c.get(i).wall();
          bc[i] = b.get(i).cpu();
          cc[i] = c.get(i).cpu();
          rw[i] = cw[i] / bw[i];
          rc[i] = cc[i] / bc[i];
          double d = Bench.relDiff(b.get(i).value(), c.get(i).value());
          valueDiff = Math.max(valueDiff, Double.isNaN(d) ? 0.0 : d);
        }
        double min = Arrays.stream(rw).min().getAsDouble();
        double max = Arrays.stream(rw).max().getAsDouble();
        out.append(
            String.format(
                Locale.ROOT,
                "  %-20s %9.3f %9.3f %8.3f %15s %9.3f %9.3f %8.3f %10.1e%n",
                variant,
                MechanismBench.median(bw),
                MechanismBench.median(cw),
                MechanismBench.median(rw),
                String.format(Locale.ROOT, "(%.2f-%.2f)", min, max),
                MechanismBench.median(bc),
                MechanismBench.median(cc),
                MechanismBench.median(rc),
                valueDiff));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", variant);
        m.put("rounds", n);
        m.put("baselineMedianWall", MechanismBench.median(bw));
        m.put("currentMedianWall", MechanismBench.median(cw));
        m.put("medianRatioWall", MechanismBench.median(rw));
        m.put("baselineMedianCpu", MechanismBench.median(bc));
        m.put("currentMedianCpu", MechanismBench.median(cc));
        m.put("medianRatioCpu", MechanismBench.median(rc));
        m.put("maxValueRelDiff", valueDiff);
        m.put("baselineWall", bw);
        m.put("currentWall", cw);
        m.put("ratioWall", rw);
        m.put("baselineCpu", bc);
        m.put("currentCpu", cc);
        vj.add(m);
      }
      Map<String, Object> gj = new LinkedHashMap<>();
      gj.put("key", key);
      gj.put("variants", vj);
      groups.add(gj);
    }
    out.append(
        "(seconds: medians over rounds of each run's median; cur/base: median over rounds of the"
            + " per-round ratio, range its min-max; value diff: largest relative difference"
            + " between the two sides' values)\n");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("baseline", baseLabel);
    json.put("current", curLabel);
    json.put("rounds", paired);
    json.put("groups", groups);
    Path summary = dir.resolve("summary.json");
    Files.write(summary, Bench.toJson(json).getBytes(StandardCharsets.UTF_8));
    out.append("summary written to ").append(summary).append('\n');
    return out.toString();
  }

  /** Per round number, per group key, per variant: what that round's run measured. */
  static Map<Integer, Map<String, Map<String, Measure>>> rounds(Path side) throws IOException {
    Map<Integer, Map<String, Map<String, Measure>>> rounds = new TreeMap<>();
    if (!Files.isDirectory(side)) {
      return rounds;
    }
    ObjectMapper mapper = new ObjectMapper();
    try (Stream<Path> dirs = Files.list(side)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!Files.isDirectory(d) || !name.matches("round-\\d+")) {
          continue;
        }
        Path json = newestJson(d);
        if (json == null) {
          continue;
        }
        Map<String, Map<String, Measure>> groups = new LinkedHashMap<>();
        for (JsonNode g : mapper.readTree(json.toFile()).path("groups")) {
          Map<String, Measure> vs = new LinkedHashMap<>();
          for (JsonNode v : g.path("variants")) {
            vs.put(
                v.path("name").asText(),
                new Measure(
                    number(v.path("medianWall")),
                    number(v.path("medianCpu")),
                    number(v.path("value"))));
          }
          groups.put(g.path("key").asText(), vs);
        }
        rounds.put(Integer.parseInt(name.substring("round-".length())), groups);
      }
    }
    return rounds;
  }

  private static double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  private static Path newestJson(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().matches("bench-.*\\.json"))
          .max(Path::compareTo)
          .orElse(null);
    }
  }
}
