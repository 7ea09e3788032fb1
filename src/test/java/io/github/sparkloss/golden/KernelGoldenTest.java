package io.github.sparkloss.golden;

import static io.github.sparkloss.golden.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.LossResult;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.state.LossState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every loss's kernel against real PyTorch, without Spark. */
class KernelGoldenTest {

  static List<GoldenCase> cases() {
    return GoldenCase.all();
  }

  @Test
  void goldenFilesRecordTorchAndCoverEveryLoss() {
    // Both files come from one run of the generator, with the torch it recorded.
    String torch = GoldenCase.header(GoldenCase.FIRST_FIVE, "torch_version");
    assertThat(torch)
        .matches("\\d+\\.\\d+\\..*")
        .isEqualTo(GoldenCase.header(GoldenCase.FAMILY, "torch_version"));
    assertThat(GoldenCase.header(GoldenCase.FAMILY, "torchvision_version")).isNotBlank();
    assertThat(cases().stream().map(c -> c.loss).distinct())
        .containsExactlyInAnyOrderElementsOf(Loss.all());
    assertThat(cases()).hasSizeGreaterThan(800);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(GoldenCase c) {
    BoundLoss loss = c.bind(false);
    RowInput r = new RowInput();
    if (c.reduction == Reduction.NONE) {
      assertThat(c.expected.size()).as("rows").isEqualTo(c.rows());
      for (int i = 0; i < c.rows(); i++) {
        c.fill(r, i);
        JsonNode e = c.expected.get(i);
        if (e.isArray()) {
          double[] actual = loss.rowElementLosses(r);
          assertThat(actual).as(c.id + " row " + i).hasSize(e.size());
          for (int k = 0; k < e.size(); k++) {
            assertClose(c.id + " row " + i + "[" + k + "]", actual[k], GoldenCase.number(e.get(k)));
          }
        } else {
          assertClose(c.id + " row " + i, loss.rowLoss(r), GoldenCase.number(e));
        }
      }
      return;
    }
    LossState state = loss.newState();
    for (int i = 0; i < c.rows(); i++) {
      c.fill(r, i);
      loss.add(state, r);
    }
    if (c.rows() == 0) {
      state.setNumClasses(c.numClasses);
    }
    assertClose(c.id, loss.value(state), GoldenCase.number(c.expected));
    assertThat(state.ignoredRows()).isEqualTo(c.ignoredRows());
    assertThat(state.rows() + state.ignoredRows()).isEqualTo(c.rows());
    assertThat(state.badRows()).isZero();
  }

  static List<GoldenCase> perClassCases() {
    return GoldenCase.all().stream().filter(c -> c.expectedPerClass != null).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perClassCases")
  void perClassMatchesPyTorch(GoldenCase c) {
    BoundLoss loss = c.bind(true);
    RowInput r = new RowInput();
    LossState state = loss.newState();
    for (int i = 0; i < c.rows(); i++) {
      c.fill(r, i);
      loss.add(state, r);
    }
    LossResult result = loss.result(state);
    assertClose(c.id, result.value(), GoldenCase.number(c.expected));
    assertThat(result.perClass()).hasSize(c.expectedPerClass.size());
    for (JsonNode e : c.expectedPerClass) {
      int k = e.get("class").asInt();
      LossResult.ClassResult actual = result.perClass().get(k);
      if (e.has("value")) {
        assertClose(
            c.id + " class " + k + " value", actual.value(), GoldenCase.number(e.get("value")));
      }
      assertClose(
          c.id + " class " + k + " loss_sum",
          actual.lossSum(),
          GoldenCase.number(e.get("loss_sum")));
      assertClose(
          c.id + " class " + k + " weight_sum",
          actual.weightSum(),
          GoldenCase.number(e.get("weight_sum")));
      assertThat(actual.rows())
          .as(c.id + " class " + k + " rows")
          .isEqualTo(e.get("rows").asLong());
    }
  }
}
