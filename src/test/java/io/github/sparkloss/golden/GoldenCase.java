package io.github.sparkloss.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkloss.eval.BoundLoss;
import io.github.sparkloss.eval.RowInput;
import io.github.sparkloss.loss.Binding;
import io.github.sparkloss.loss.CrossEntropyLoss;
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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One PyTorch golden vector, written by {@code scripts/gen-golden}: the rows of each positional
 * argument of the loss, the options, and PyTorch's expected value. The first five losses come from
 * {@code pytorch-golden.json} (input and target per case), the rest of the family from {@code
 * pytorch-family-golden.json} (every argument by its PyTorch name); both read into this one form.
 */
public final class GoldenCase {
  public static final String FIRST_FIVE = "/golden/pytorch-golden.json";
  public static final String FAMILY = "/golden/pytorch-family-golden.json";
  public static final String UNCERTAINTY = "/golden/uncertainty-golden.json";

  public final String id;
  public final Loss loss;
  public final boolean float32;

  /**
   * Whether the case is of the family's file, where float32 cases hold float32 values in every
   * argument; in the first five losses' file only the input is float32.
   */
  public final boolean family;

  /** The argument names in PyTorch's order. */
  public final List<String> names = new ArrayList<>();

  /** Per argument: matrix, scalar, index, index_matrix or sign (a number per row). */
  public final List<String> shapes = new ArrayList<>();

  /** Per argument, rows x values (a number per row: one value). */
  public final List<double[][]> args = new ArrayList<>();

  public final double[] sampleWeight;
  public final Map<String, Object> options = new LinkedHashMap<>();
  public final Reduction reduction;
  public final int numClasses;
  public final JsonNode expected;
  public final JsonNode expectedPerClass;

  /**
   * The standard error, interval and confidence NumPy and SciPy gave (uncertainty file only; else
   * null): {@code confidence, value, std_error, ci_low, ci_high, n} and maybe {@code per_class}.
   */
  public final JsonNode uncertainty;

  private GoldenCase(JsonNode c, boolean family) {
    id = c.get("id").asText();
    loss = Loss.fromSqlName(c.get("loss").asText());
    float32 = c.get("input_dtype").asText().equals("float32");
    this.family = family;
    if (family) {
      JsonNode shapeNode = c.get("arg_shapes");
      c.get("args")
          .fields()
          .forEachRemaining(e -> add(e.getKey(), shapeNode.get(e.getKey()).asText(), e.getValue()));
    } else {
      String inputShape = c.get("input_shape").asText();
      add("input", inputShape, c.get("input"));
      add(
          "target",
          c.get("target_kind").asText().equals("index") ? "index" : inputShape,
          c.get("target"));
    }
    JsonNode sw = c.get("sample_weight");
    sampleWeight = sw == null || sw.isNull() ? null : numbers(sw);
    c.get("options").fields().forEachRemaining(e -> options.put(e.getKey(), toJava(e.getValue())));
    Object r = options.get("reduction");
    reduction = r == null ? Reduction.MEAN : Reduction.parse(loss, (String) r);
    numClasses =
        c.has("num_classes")
            ? c.get("num_classes").asInt()
            : rows() > 0 ? args.get(0)[0].length : 0;
    expected = c.get("expected");
    expectedPerClass = c.get("expected_per_class");
    uncertainty = c.get("uncertainty");
  }

  private void add(String name, String shape, JsonNode rows) {
    names.add(name);
    shapes.add(shape);
    double[][] values = new double[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      JsonNode v = rows.get(i);
      values[i] = v.isArray() ? numbers(v) : new double[] {number(v)};
    }
    args.add(values);
  }

  /** Every case: the first five losses', then the family's, each in file order. */
  public static List<GoldenCase> all() {
    List<GoldenCase> cases = new ArrayList<>();
    for (String file : List.of(FIRST_FIVE, FAMILY)) {
      for (JsonNode c : read(file).get("cases")) {
        cases.add(new GoldenCase(c, file.equals(FAMILY)));
      }
    }
    return cases;
  }

  /**
   * The uncertainty file's cases; each is laid out like the file of its loss (input and target, or
   * every argument by name).
   */
  public static List<GoldenCase> uncertainty() {
    List<GoldenCase> cases = new ArrayList<>();
    for (JsonNode c : read(UNCERTAINTY).get("cases")) {
      cases.add(new GoldenCase(c, c.has("args")));
    }
    return cases;
  }

  private static JsonNode read(String resource) {
    try (InputStream in = GoldenCase.class.getResourceAsStream(resource)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A header field of a golden file, e.g. torch_version. */
  public static String header(String resource, String field) {
    return read(resource).get(field).asText();
  }

  public int rows() {
    return args.get(0).length;
  }

  /** Whether argument {@code i} holds a vector per row. */
  public boolean isVector(int i) {
    String s = shapes.get(i);
    return s.equals("matrix") || s.equals("index_matrix");
  }

  /** Whether argument {@code i} holds float32 values. */
  public boolean isFloat32(int i) {
    return float32 && (family || i == 0);
  }

  /**
   * The Spark type of argument {@code a}'s column: arrays or numbers of the case's element type,
   * class indices as bigint, and multilabel class indices as array<bigint> or array<int>.
   */
  public DataType sparkType(int a, boolean longIndices) {
    DataType element = isFloat32(a) ? DataTypes.FloatType : DataTypes.DoubleType;
    switch (shapes.get(a)) {
      case "matrix":
        return DataTypes.createArrayType(element, false);
      case "index":
        return DataTypes.LongType;
      case "index_matrix":
        return DataTypes.createArrayType(
            longIndices ? DataTypes.LongType : DataTypes.IntegerType, false);
      default:
        return element;
    }
  }

  /** Row {@code i}'s value of argument {@code a}, of the type {@link #sparkType} gives. */
  public Object sparkValue(int a, int i, boolean longIndices) {
    double[] v = args.get(a)[i];
    boolean f = isFloat32(a);
    switch (shapes.get(a)) {
      case "matrix":
        {
          List<Object> list = new ArrayList<>(v.length);
          for (double d : v) {
            list.add(f ? (Object) (float) d : (Object) d);
          }
          return list;
        }
      case "index":
        return (long) v[0];
      case "index_matrix":
        {
          List<Object> list = new ArrayList<>(v.length);
          for (double d : v) {
            list.add(longIndices ? (Object) (long) d : (Object) (int) d);
          }
          return list;
        }
      default:
        return f ? (Object) (float) v[0] : (Object) v[0];
    }
  }

  /** Whether argument {@code i} is a class index per row. */
  public boolean isIndex(int i) {
    return shapes.get(i).equals("index");
  }

  /** The rows whose class index is the case's ignore_index (0 unless the loss takes one). */
  public long ignoredRows() {
    if (loss.option(CrossEntropyLoss.IGNORE_INDEX.key()) == null) {
      return 0;
    }
    Object given = options.get(CrossEntropyLoss.IGNORE_INDEX.key());
    long ignore = given == null ? LossOptions.DEFAULT_IGNORE_INDEX : ((Number) given).longValue();
    long n = 0;
    for (int a = 0; a < names.size(); a++) {
      if (isIndex(a)) {
        for (double[] v : args.get(a)) {
          n += (long) v[0] == ignore ? 1 : 0;
        }
      }
    }
    return n;
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
    return BoundLoss.bind(
        lossOptions(),
        new Binding(
            loss.targetKind(!index && vector.length > 1 && vector[1]),
            vector,
            new BoundLoss.ColumnNames(new ArrayList<>(names), "sample_weight")),
        perClass);
  }

  /** Fills {@code r} with row {@code i}. */
  public void fill(RowInput r, int i) {
    for (int a = 0; a < args.size(); a++) {
      double[] v = args.get(a)[i];
      if (isIndex(a)) {
        r.indexIsDouble = false;
        r.index = (long) v[0];
      } else {
        System.arraycopy(v, 0, r.slot(a, v.length), 0, v.length);
      }
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
