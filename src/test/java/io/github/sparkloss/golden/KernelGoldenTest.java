package io.github.sparkloss.golden;

import static io.github.sparkloss.golden.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.LossResult;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.state.LossState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every PyTorch golden vector through the kernels, the state and the reduction, without Spark. */
class KernelGoldenTest {

  static List<GoldenCase> cases() {
    return GoldenCase.all();
  }

  @Test
  void goldenFileRecordsTorchAndCoversEveryLoss() {
    // Both files come from one run of the generator, with the torch it recorded.
    assertThat(GoldenCase.torchVersion())
        .matches("\\d+\\.\\d+\\..*")
        .isEqualTo(FamilyCase.header("torch_version"));
    // This file holds the first five losses; the family's file the others (FamilyKernelGoldenTest).
    assertThat(cases().stream().map(c -> c.loss.sqlName()).distinct())
        .containsExactlyInAnyOrder(
            "cross_entropy",
            "nll_loss",
            "binary_cross_entropy",
            "binary_cross_entropy_with_logits",
            "kl_div");
    assertThat(cases()).hasSizeGreaterThan(300);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(GoldenCase c) {
    BoundLoss loss = c.bind(false);
    RowInput r = new RowInput();
    if (c.reduction == Reduction.NONE) {
      JsonNode expected = c.expected;
      assertThat(expected.size()).as("rows").isEqualTo(c.rows());
      for (int i = 0; i < c.rows(); i++) {
        c.fill(r, i);
        JsonNode e = expected.get(i);
        if (e.isArray()) {
          double[] actual = loss.rowElementLosses(r);
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
    assertClose(c.id, loss.value(state), GoldenCase.number(c.expected));
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
