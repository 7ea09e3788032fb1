package io.github.sparkloss.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The serialized size of a state that saw few rows, byte for byte, and the refusal of other
 * versions. The layout is {@link LossState#writeTo}'s.
 */
class LossStateSizeTest {

  /** One row of cross_entropy of class {@code c}: loss term {@code l}, denominator 1. */
  private static void addRow(LossState s, int c, double l) {
    s.setNumClasses(10);
    s.addRow(l, 1.0);
    if (s.uncertainty() != LossState.Uncertainty.NONE) {
      s.addMoments(1.0, l, 1.0);
    }
    if (s.perClass()) {
      s.addClassRow(c, l, 1.0);
      if (s.uncertainty() != LossState.Uncertainty.NONE) {
        s.addClassMoments(c, 1.0, l);
      }
    }
  }

  private static byte[] bytes(LossState s) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      s.writeTo(out);
    }
    return b.toByteArray();
  }

  private static LossState read(byte[] b) throws IOException {
    return LossState.readFrom(new DataInputStream(new ByteArrayInputStream(b)));
  }

  @Test
  void oneRowStatesAreSmall() throws IOException {
    // version, flags, four counters, class count: 7 bytes; a sum of one value 9.
    LossState plain = new LossState(false);
    addRow(plain, 3, 0.1);
    assertThat(bytes(plain)).hasSize(7 + 9 + 9);
    // Moments: N (9), sum a (9), sum a^2 as the product and its rounding error (17).
    LossState stats = new LossState(false, LossState.Uncertainty.UNIT);
    addRow(stats, 3, 0.1);
    assertThat(bytes(stats)).hasSize(25 + 35);
    // Per class: classes seen (1), then for class 3 its index gap (1), two sums (18), rows (1),
    // moments (35); the nine classes not seen take nothing.
    LossState perClass = new LossState(true, LossState.Uncertainty.UNIT);
    addRow(perClass, 3, 0.1);
    assertThat(bytes(perClass)).hasSize(60 + 1 + 1 + 18 + 1 + 35);
    for (LossState s : new LossState[] {plain, stats, perClass}) {
      assertThat(read(bytes(s))).isEqualTo(s);
    }
    assertThat(read(bytes(perClass)).classRows(3)).isEqualTo(1);
    assertThat(read(bytes(perClass)).classRows(4)).isZero();
    assertThat(read(bytes(perClass)).classLossSum(3)).isEqualTo(0.1);
  }

  @Test
  void tenRowStatesStaySmall() throws IOException {
    LossState s = new LossState(true, LossState.Uncertainty.UNIT);
    for (int i = 0; i < 10; i++) {
      addRow(s, i % 2, 0.1 * (i + 1));
    }
    byte[] b = bytes(s);
    // 301 bytes: the sums of ten terms still fit in two or three parts each.
    assertThat(b.length).isEqualTo(301);
    assertThat(read(b)).isEqualTo(s);
    assertThat(read(b).lossSum()).isEqualTo(s.lossSum());
  }

  @Test
  void emptyStatesAreSevenBytesAndEqualAfterMerges() throws IOException {
    LossState empty = new LossState(true, LossState.Uncertainty.UNIT);
    assertThat(bytes(empty)).hasSize(7 + 1 + 1 + 3);
    assertThat(read(bytes(empty)).isEmpty()).isTrue();
    LossState a = new LossState(true, LossState.Uncertainty.UNIT);
    addRow(a, 2, 0.5);
    LossState b = new LossState(true, LossState.Uncertainty.UNIT);
    addRow(b, 7, 0.25);
    LossState ab = a.copy().merge(b);
    LossState ba = b.copy().merge(read(bytes(a)));
    assertThat(ab).isEqualTo(ba);
    assertThat(bytes(ab)).isEqualTo(bytes(ba));
  }

  @Test
  void otherVersionsAreRefusedByName() {
    // Version 2 was the previous layout (fixed-width counters, every class written).
    for (int version : new int[] {1, 2, 4}) {
      byte[] b = {(byte) version, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      assertThatThrownBy(() -> read(b))
          .isInstanceOf(IOException.class)
          .hasMessage("LossState: unsupported serialized version " + version + ", expected 3");
    }
  }

  @Test
  void corruptClassIndicesAreRejected() throws IOException {
    LossState s = new LossState(true);
    addRow(s, 9, 0.1);
    byte[] b = bytes(s);
    // The gap of the one class seen sits after the header (7 bytes), two sums (18) and the count.
    assertThat(b[7 + 18 + 1]).isEqualTo((byte) 9);
    b[7 + 18 + 1] = 10;
    assertThatThrownBy(() -> read(b))
        .isInstanceOf(IOException.class)
        .hasMessage("LossState: class index 10 out of range for 10 classes");
  }
}
