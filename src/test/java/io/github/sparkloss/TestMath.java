package io.github.sparkloss;

/** Small numeric helpers for building test data, independent of the code under test. */
public final class TestMath {
  private TestMath() {}

  /** log_softmax as PyTorch computes it: {@code (x - max) - log(sum(exp(x - max)))}. */
  public static double[] logSoftmax(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    double log = Math.log(sum);
    double[] out = new double[x.length];
    for (int c = 0; c < x.length; c++) {
      out[c] = (x[c] - max) - log;
    }
    return out;
  }
}
