package io.github.sparkloss.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.loss.Binding;
import io.github.sparkloss.loss.Loss;
import io.github.sparkloss.options.LossOptions;
import io.github.sparkloss.options.Reduction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PyTorch golden vector of the loss family ({@code
 * src/test/resources/golden/pytorch-family-golden.json}, written by {@code scripts/gen-golden}):
 * the rows of each positional argument, the options, and PyTorch's expected value.
 */
public final class FamilyCase {
  public static final String RESOURCE = "/golden/pytorch-family-golden.json";

  public final String id;
  public final Loss loss;
  public final boolean float32;

  /** The argument names in PyTorch's order. */
  public final List<String> names = new ArrayList<>();

  /** Per argument: matrix, scalar, index, index_matrix or sign. */
  public final List<String> shapes = new ArrayList<>();

  /** Per argument, rows x values (scalar shapes: one value per row). */
  public final List<double[][]> args = new ArrayList<>();

  public final double[] sampleWeight;
  public final Map<String, Object> options = new LinkedHashMap<>();
  public final Reduction reduction;
  public final int numClasses;
  public final JsonNode expected;
  public final JsonNode expectedPerClass;
  public final String note;

  private FamilyCase(JsonNode c) {
    id = c.get("id").asText();
    loss = Loss.fromSqlName(c.get("loss").asText());
    float32 = c.get("input_dtype").asText().equals("float32");
    JsonNode shapeNode = c.get("arg_shapes");
    c.get("args")
        .fields()
        .forEachRemaining(
            e -> {
              names.add(e.getKey());
              String shape = shapeNode.get(e.getKey()).asText();
              shapes.add(shape);
              JsonNode rows = e.getValue();
              double[][] values = new double[rows.size()][];
              for (int i = 0; i < rows.size(); i++) {
                JsonNode v = rows.get(i);
                values[i] =
                    v.isArray() ? GoldenCase.numbers(v) : new double[] {GoldenCase.number(v)};
              }
              args.add(values);
            });
    JsonNode sw = c.get("sample_weight");
    sampleWeight = sw == null || sw.isNull() ? null : GoldenCase.numbers(sw);
    c.get("options")
        .fields()
        .forEachRemaining(e -> options.put(e.getKey(), GoldenCase.toJava(e.getValue())));
    Object r = options.get("reduction");
    reduction = r == null ? Reduction.MEAN : Reduction.parse(loss, (String) r);
    numClasses =
        c.has("num_classes")
            ? c.get("num_classes").asInt()
            : rows() > 0 ? args.get(0)[0].length : 0;
    expected = c.get("expected");
    expectedPerClass = c.get("expected_per_class");
    note = c.has("note") ? c.get("note").asText() : "";
  }

  /** All cases, in file order. */
  public static List<FamilyCase> all() {
    try (InputStream in = FamilyCase.class.getResourceAsStream(RESOURCE)) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<FamilyCase> cases = new ArrayList<>();
      for (JsonNode c : root.get("cases")) {
        cases.add(new FamilyCase(c));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A header field of the file, e.g. torch_version. */
  public static String header(String field) {
    try (InputStream in = FamilyCase.class.getResourceAsStream(RESOURCE)) {
      return new ObjectMapper().readTree(in).get(field).asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int rows() {
    return args.get(0).length;
  }

  /** Whether argument {@code i} holds a vector per row. */
  public boolean isVector(int i) {
    String s = shapes.get(i);
    return s.equals("matrix") || s.equals("index_matrix");
  }

  /** Whether argument {@code i} is a class index per row. */
  public boolean isIndex(int i) {
    return shapes.get(i).equals("index");
  }

  public LossOptions lossOptions() {
    LossOptions.Builder b = LossOptions.builder(loss);
    options.forEach(b::set);
    return b.build();
  }

  public BoundLoss bind(boolean perClass) {
    boolean[] vector = new boolean[names.size()];
    boolean index = false;
    for (int i = 0; i < vector.length; i++) {
      vector[i] = isVector(i);
      index |= isIndex(i);
    }
    List<String> columns = new ArrayList<>(names);
    return BoundLoss.bind(
        lossOptions(),
        new Binding(
            loss.targetKind(!index && vector.length > 1 && vector[1]),
            vector,
            new BoundLoss.ColumnNames(columns, "sample_weight")),
        perClass);
  }

  /** Fills {@code r} with row {@code i}. */
  public void fill(RowInput r, int i) {
    for (int a = 0; a < args.size(); a++) {
      double[] v = args.get(a)[i];
      if (isIndex(a)) {
        r.indexIsDouble = false;
        r.index = (long) v[0];
        continue;
      }
      System.arraycopy(v, 0, r.slot(a, v.length), 0, v.length);
    }
    r.sampleWeight = sampleWeight == null ? 1.0 : sampleWeight[i];
  }

  @Override
  public String toString() {
    return id;
  }
}
