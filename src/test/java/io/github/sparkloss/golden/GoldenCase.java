package io.github.sparkloss.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import io.github.sparkloss.options.TargetKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PyTorch golden vector from {@code src/test/resources/golden/pytorch-golden.json}, written by
 * {@code scripts/gen-golden}: the rows, the options, and PyTorch's expected value.
 */
public final class GoldenCase {
  public static final String RESOURCE = "/golden/pytorch-golden.json";

  public final String id;
  public final Loss loss;
  public final boolean float32;
  public final boolean scalar;
  public final String targetKind;

  /** Rows x classes; scalar cases have one value per row. */
  public final double[][] input;

  /** Class indices (index targets), else null. */
  public final long[] indexTarget;

  /** Vector targets (rows x classes; scalar cases one per row), else null. */
  public final double[][] vectorTarget;

  public final double[] sampleWeight;
  public final Map<String, Object> options;
  public final Reduction reduction;
  public final int numClasses;
  public final JsonNode expected;
  public final JsonNode expectedPerClass;

  private GoldenCase(JsonNode c) {
    id = c.get("id").asText();
    loss = Loss.fromSqlName(c.get("loss").asText());
    float32 = c.get("input_dtype").asText().equals("float32");
    scalar = c.get("input_shape").asText().equals("scalar");
    targetKind = c.get("target_kind").asText();
    JsonNode in = c.get("input");
    input = new double[in.size()][];
    for (int i = 0; i < in.size(); i++) {
      input[i] = scalar ? new double[] {number(in.get(i))} : numbers(in.get(i));
    }
    JsonNode t = c.get("target");
    if (targetKind.equals("index")) {
      indexTarget = new long[t.size()];
      for (int i = 0; i < t.size(); i++) {
        indexTarget[i] = t.get(i).asLong();
      }
      vectorTarget = null;
    } else {
      indexTarget = null;
      vectorTarget = new double[t.size()][];
      for (int i = 0; i < t.size(); i++) {
        vectorTarget[i] = scalar ? new double[] {number(t.get(i))} : numbers(t.get(i));
      }
    }
    JsonNode sw = c.get("sample_weight");
    sampleWeight = sw == null || sw.isNull() ? null : numbers(sw);
    options = new LinkedHashMap<>();
    c.get("options").fields().forEachRemaining(e -> options.put(e.getKey(), toJava(e.getValue())));
    Object r = options.get("reduction");
    reduction = r == null ? Reduction.MEAN : Reduction.parse(loss, (String) r);
    numClasses =
        c.has("num_classes")
            ? c.get("num_classes").asInt()
            : input.length > 0 ? input[0].length : 0;
    expected = c.get("expected");
    expectedPerClass = c.get("expected_per_class");
  }

  /** All cases, in file order. */
  public static List<GoldenCase> all() {
    try (InputStream in = GoldenCase.class.getResourceAsStream(RESOURCE)) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<GoldenCase> cases = new ArrayList<>();
      for (JsonNode c : root.get("cases")) {
        cases.add(new GoldenCase(c));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PyTorch version that produced the file. */
  public static String torchVersion() {
    try (InputStream in = GoldenCase.class.getResourceAsStream(RESOURCE)) {
      return new ObjectMapper().readTree(in).get("torch_version").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int rows() {
    return input.length;
  }

  public TargetKind kind() {
    switch (targetKind) {
      case "index":
        return TargetKind.CLASS_INDEX;
      case "probs":
        return TargetKind.PROBABILITIES;
      default:
        return TargetKind.ELEMENTWISE;
    }
  }

  public LossOptions lossOptions() {
    LossOptions.Builder b = LossOptions.builder(loss);
    options.forEach(b::set);
    return b.build();
  }

  public BoundLoss bind(boolean perClass) {
    return BoundLoss.bind(
        lossOptions(),
        kind(),
        BoundLoss.ColumnNames.of("input", "target", "sample_weight"),
        perClass,
        scalar);
  }

  /** Fills {@code r} with row {@code i}. */
  public void fill(RowInput r, int i) {
    double[] x = r.input(input[i].length);
    System.arraycopy(input[i], 0, x, 0, input[i].length);
    if (indexTarget != null) {
      r.indexIsDouble = false;
      r.index = indexTarget[i];
    } else {
      double[] t = r.target(vectorTarget[i].length);
      System.arraycopy(vectorTarget[i], 0, t, 0, vectorTarget[i].length);
    }
    r.sampleWeight = sampleWeight == null ? 1.0 : sampleWeight[i];
  }

  /** A JSON number, or one of the strings NaN, Infinity, -Infinity. */
  public static double number(JsonNode n) {
    if (n.isTextual()) {
      switch (n.asText()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          throw new IllegalArgumentException("not a number: " + n);
      }
    }
    return n.asDouble();
  }

  public static double[] numbers(JsonNode a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = number(a.get(i));
    }
    return d;
  }

  static Object toJava(JsonNode n) {
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(e -> l.add(toJava(e)));
      return l;
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    return n.asText();
  }

  @Override
  public String toString() {
    return id;
  }
}
