package io.github.sparkloss.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of {@code scripts/bench}'s entry point: 2000 rows, one repetition, cross_entropy on
 * cached float logits with C=10. It checks that the table and the JSON are produced and that
 * sparkloss, the hand-written SQL and MLlib's logLoss agree; then the same for mse_loss, huber_loss
 * and triplet_margin_loss against their hand-written SQL.
 */
class BenchSmokeTest {
  @TempDir Path tmp;

  @Test
  void tinyRunProducesTableJsonAndAgreeingValues() throws Exception {
    Bench.Result r =
        Bench.run(
            new String[] {
              "--rows", "2000",
              "--reps", "1",
              "--only", "cross_entropy",
              "--types", "float",
              "--classes", "10",
              "--sources", "cached",
              "--variants", "scan,sparkloss,sql,mllib,plain",
              "--kernel-rows", "2000",
              "--data", tmp.resolve("data").toString(),
              "--out", tmp.resolve("out").toString()
            });
    String table = r.table.toString();
    assertTrue(table.contains("x scan") && table.contains("sparkloss"), table);
    assertTrue(r.json != null && Files.size(r.json) > 100, "JSON written");
    String json = Files.readString(r.json);
    assertTrue(json.contains("\"groups\"") && json.contains("\"medianWall\""), json);
    Map<String, Double> v = r.values.get("cross_entropy/float/C=10/cached");
    double loss = v.get("sparkloss");
    assertTrue(Double.isFinite(loss) && loss > 0, "sparkloss value " + loss);
    assertTrue(Bench.relDiff(loss, v.get("sql")) < 1e-9, "sql " + v.get("sql") + " vs " + loss);
    // Logits lie in [-4, 4]: no probability is below MLlib's eps 1e-15, so clipping does not bite.
    assertTrue(
        Bench.relDiff(loss, v.get("mllib")) < 1e-9, "mllib " + v.get("mllib") + " vs " + loss);
    assertTrue(
        Bench.relDiff(loss, v.get("plain")) < 1e-9, "plain " + v.get("plain") + " vs " + loss);
  }

  @Test
  void elementwiseAndTripletLossesAgreeWithHandWrittenSql() throws Exception {
    Bench.Result r =
        Bench.run(
            new String[] {
              "--rows", "2000",
              "--reps", "1",
              "--only", "mse_loss,huber_loss,triplet_margin_loss",
              "--types", "float",
              "--classes", "10",
              "--sources", "cached",
              "--variants", "scan,sparkloss,sql,kernel",
              "--kernel-rows", "2000",
              "--data", tmp.resolve("data").toString(),
              "--out", tmp.resolve("out").toString()
            });
    for (String loss : new String[] {"mse_loss", "huber_loss", "triplet_margin_loss"}) {
      Map<String, Double> v = r.values.get(loss + "/float/C=10/cached");
      double value = v.get("sparkloss");
      assertTrue(Double.isFinite(value) && value > 0, loss + " value " + value);
      assertTrue(
          Bench.relDiff(value, v.get("sql")) < Bench.VALUES_REL_TOL,
          loss + ": sql " + v.get("sql") + " vs " + value);
    }
    assertTrue(r.table.toString().contains("kernel: not timed for mse_loss"), r.table.toString());
  }
}
