package io.github.sparkloss.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** How a baseline value of the config matches a group value of the run. */
class ComparisonsTest {
  @Test
  void numbersMatchByTheirDecimalValue() {
    assertThat(Comparisons.same(1L, 1)).isTrue();
    assertThat(Comparisons.same(1L, 1.0)).isTrue();
    assertThat(Comparisons.same(0.1f, 0.1)).as("float column, HOCON 0.1").isTrue();
    assertThat(Comparisons.same(0.1, 0.1)).isTrue();
    assertThat(Comparisons.same(new BigDecimal("0.10"), 0.1)).as("decimal(3,2) column").isTrue();
    assertThat(Comparisons.same(0.2f, 0.1)).isFalse();
    assertThat(Comparisons.same(2, 1)).isFalse();
  }

  @Test
  void nonFiniteNumbersMatchOnlyThemselves() {
    assertThat(Comparisons.same(Double.NaN, Double.NaN)).isTrue();
    assertThat(Comparisons.same(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).isTrue();
    assertThat(Comparisons.same(Double.POSITIVE_INFINITY, Long.MAX_VALUE)).isFalse();
    assertThat(Comparisons.same(Double.NaN, Double.POSITIVE_INFINITY)).isFalse();
    assertThat(Comparisons.same(Float.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)).isTrue();
  }

  @Test
  void textAndNullMatchAsText() {
    assertThat(Comparisons.same("v1", "v1")).isTrue();
    assertThat(Comparisons.same("1", 1)).isTrue();
    assertThat(Comparisons.same(true, true)).isTrue();
    assertThat(Comparisons.same(null, null)).isTrue();
    assertThat(Comparisons.same(null, "null")).isFalse();
  }
}
