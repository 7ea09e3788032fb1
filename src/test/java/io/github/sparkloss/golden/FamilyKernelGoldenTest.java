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
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The loss family's kernels against real PyTorch, without Spark. */
class FamilyKernelGoldenTest {

  static List<FamilyCase> cases() {
    return FamilyCase.all();
  }

  @Test
  void goldenFileRecordsTorchAndCoversEveryLoss() {
    assertThat(FamilyCase.header("torch_version")).isEqualTo(GoldenCase.torchVersion());
    assertThat(FamilyCase.header("torchvision_version")).isNotBlank();
    Set<Loss> covered = cases().stream().map(c -> c.loss).collect(Collectors.toSet());
    covered.addAll(GoldenCase.all().stream().map(c -> c.loss).collect(Collectors.toSet()));
    assertThat(covered).containsExactlyInAnyOrderElementsOf(Loss.all());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(FamilyCase c) {
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
    assertThat(state.rows()).isEqualTo(c.rows());
    assertThat(state.badRows()).isZero();
  }

  static List<FamilyCase> perClassCases() {
    return FamilyCase.all().stream().filter(c -> c.expectedPerClass != null).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perClassCases")
  void perClassMatchesPyTorch(FamilyCase c) {
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
          c.id + " class " + k + " value", actual.value(), GoldenCase.number(e.get("value")));
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
