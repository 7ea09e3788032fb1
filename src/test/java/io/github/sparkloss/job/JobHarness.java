package io.github.sparkloss.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Runs {@link LossEvalJob} as the command line does and reads back what it wrote. */
public final class JobHarness {
  static final ObjectMapper JSON = new ObjectMapper();

  private JobHarness() {}

  /** Exit code, stdout and stderr of one run. */
  record Result(int exit, String out, String err) {
    List<String> errLines() {
      return err.lines().collect(Collectors.toList());
    }

    List<String> outLines() {
      return out.lines().collect(Collectors.toList());
    }

    /** Exit 0, nothing on stderr. */
    Result succeeded() {
      assertThat(err).as("stderr of a successful run").isEmpty();
      assertThat(exit).as("exit code; stderr: " + err).isZero();
      return this;
    }

    /**
     * The failure contract: exit {@link LossEvalJob#EXIT_PROBLEM}, nothing on stdout, and exactly
     * one line on stderr, which is returned.
     */
    String failedWithOneLine() {
      assertThat(exit).as("exit code; stderr: " + err).isEqualTo(LossEvalJob.EXIT_PROBLEM);
      assertThat(out).as("stdout of a failed run").isEmpty();
      assertThat(errLines()).as("stderr of a failed run").hasSize(1);
      String line = errLines().get(0);
      assertThat(line).startsWith("loss-eval: ");
      return line;
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        LossEvalJob.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Writes {@code text} to {@code dir/name} and runs the job on it with {@code extra} args. */
  static Result runConfig(Path dir, String name, String text, String... extra) {
    Path config = write(dir.resolve(name), text);
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(new String[0]));
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code s} as a quoted HOCON/JSON string. */
  static String q(Object s) {
    try {
      return JSON.writeValueAsString(String.valueOf(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file and directory under {@code dir}, relative and sorted; hidden files included. */
  public static List<String> listing(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every file, directory and symbolic link under {@code root} (hidden ones included, links not
   * followed) with a SHA-256 of each file's bytes, so that two snapshots are equal only if nothing
   * was added, removed or changed.
   */
  public static Map<String, String> snapshot(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(name, "link to " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          out.put(name, "directory");
        } else {
          byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
          out.put(name, HexFormat.of().formatHex(digest));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /** The field names of a JSON object, in order. */
  static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /** A report number: a JSON number, or "NaN", "Infinity", "-Infinity" (nothing else). */
  static double number(JsonNode n) {
    assertThat(n).as("report number").isNotNull();
    assertThat(n.isNumber() || (n.isTextual() && n.asText().matches("NaN|-?Infinity")))
        .as("report number " + n)
        .isTrue();
    return io.github.sparkloss.golden.GoldenCase.number(n);
  }

  /** The report's entry for metric {@code name} (and no group_by). */
  static JsonNode entry(JsonNode report, String name) {
    JsonNode found = null;
    for (JsonNode m : report.get("metrics")) {
      if (m.get("name").asText().equals(name)) {
        assertThat(found).as("one entry for metric " + name).isNull();
        found = m;
      }
    }
    assertThat(found).as("entry for metric " + name).isNotNull();
    return found;
  }
}
