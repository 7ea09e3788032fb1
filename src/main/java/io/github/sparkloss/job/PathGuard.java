package io.github.sparkloss.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Keeps the job's outputs away from everything it did not write. Before any work, every input and
 * output path is resolved to one comparable form, and an output that is, lies inside or contains an
 * input, is or contains the config file, or overlaps the other output is refused. With {@code
 * --overwrite}, only what an earlier run wrote is replaced: a file that parses as a sparkloss
 * report, an HTML page carrying the job's generator marker, or a directory holding only the files a
 * Spark write leaves.
 *
 * <p>Paths are resolved through Hadoop's FileSystem. On a file system backed by the local disk (any
 * scheme) the form is the real path: relative paths and {@code file:} prefixes resolve, {@code ..}
 * is taken lexically (as Hadoop takes it for every read and write), then symbolic links of the
 * existing part resolve; existing files are compared by identity (device and inode) too. On HDFS it
 * is the qualified URI with the name node's canonical service name, so {@code hdfs://nn/x} and
 * {@code hdfs://nn:8020/x} compare equal; on other file systems, the qualified URI.
 */
public final class PathGuard {
  /** What a Spark file write leaves in its output directory, checksums included. */
  private static final Pattern SPARK_WRITE_FILE =
      Pattern.compile("\\.?(part-.*|_SUCCESS|_committed_.*|_started_.*)(\\.crc)?");

  /** The characters that make a Hadoop path a glob. */
  private static final Pattern GLOB = Pattern.compile("[*?\\[{\\\\]");

  /** The schemes whose canonical service name names one name node, whatever the authority. */
  private final Configuration hadoop;

  private final String tool;

  /**
   * @param tool the command whose outputs are guarded, as messages name it
   */
  public PathGuard(Configuration hadoop, String tool) {
    this.hadoop = hadoop;
    this.tool = tool;
  }

  /**
   * A path as given by the user and in its comparable form: {@code key} is {@code "local:"} plus
   * the real path on a local-disk file system, else the qualified URI.
   */
  record Resolved(
      String role,
      String given,
      String key,
      String shown,
      String glob,
      Object fileKey,
      List<Object> chain,
      String linkTarget) {
    Resolved(String role, String given, String key, String shown) {
      this(role, given, key, shown, null, null, List.of(), null);
    }

    /** The same path, as one of the matches of {@code glob}. */
    Resolved matchOf(String glob) {
      return new Resolved(role, shown, key, shown, glob, fileKey, chain, linkTarget);
    }

    /**
     * {@code this} names the same file as {@code other}, or a directory above it: by path, or, on
     * the local disk, by the identity of an existing file (so that two names of one directory, on a
     * bind mount or a case-insensitive file system, count as one).
     */
    boolean containsOrIs(Resolved other) {
      return other.key.equals(key)
          || other.key.startsWith(key.endsWith("/") ? key : key + "/")
          || fileKey != null && other.chain.contains(fileKey);
    }

    boolean same(Resolved other) {
      return other.key.equals(key) || fileKey != null && fileKey.equals(other.fileKey);
    }

    /** Role and path for a message; the resolved form follows when it reads differently. */
    String describe() {
      return role
          + " "
          + (shown.equals(given) ? given : given + " (resolves to " + shown + ")")
          + (glob == null ? "" : " (matched by input.path " + glob + ")");
    }
  }

  /** Resolves one path the user gave under {@code role} (a config key or "the input"). */
  Resolved resolve(String role, String given) {
    Path p = parse(role, given);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      return resolve(role, given, fs, fs.makeQualified(p));
    } catch (IOException e) {
      throw new JobException("cannot resolve " + role + " " + given + ": " + e.getMessage(), e);
    }
  }

  /** {@code given} as a Hadoop path; {@code key} names it in the error. */
  private static Path parse(String key, String given) {
    try {
      return new Path(given);
    } catch (IllegalArgumentException e) {
      throw new JobException(key + " '" + given + "' is not a valid path: " + e.getMessage());
    }
  }

  private static Resolved resolve(String role, String given, FileSystem fs, Path qualified) {
    if (isLocal(fs)) {
      java.nio.file.Path local = new File(qualified.toUri().getPath()).toPath();
      String real = realPath(local);
      String linkTarget = null;
      if (Files.isSymbolicLink(local)) {
        try {
          linkTarget = Files.readSymbolicLink(local).toString();
        } catch (IOException e) {
          linkTarget = "?";
        }
      }
      return new Resolved(
          role, given, "local:" + real, real, null, fileKey(local), chain(local), linkTarget);
    }
    URI q = qualified.toUri();
    String path = q.getPath();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String uri = q.getScheme() + "://" + (q.getAuthority() == null ? "" : q.getAuthority()) + path;
    // HDFS may be named by several authorities (hdfs://nn and hdfs://nn:8020); its canonical
    // service name is the same for all of them. Other connectors' service names may stand for a
    // whole service rather than one bucket, so they keep their authority.
    String service =
        HDFS_SCHEMES.contains(String.valueOf(q.getScheme())) ? fs.getCanonicalServiceName() : null;
    String key = q.getScheme() + "://" + (service != null ? service : q.getAuthority()) + path;
    return new Resolved(role, given, key, uri);
  }

  private static final Set<String> HDFS_SCHEMES = Set.of("hdfs", "webhdfs", "swebhdfs");

  /** The identity (device and inode) of an existing file, following links, or null. */
  private static Object fileKey(java.nio.file.Path p) {
    try {
      return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** The identities of {@code p} and of each of its existing ancestors. */
  private static List<Object> chain(java.nio.file.Path p) {
    List<Object> chain = new ArrayList<>();
    for (java.nio.file.Path a = p.toAbsolutePath(); a != null; a = a.getParent()) {
      Object k = fileKey(a);
      if (k != null) {
        chain.add(k);
      }
    }
    return List.copyOf(chain);
  }

  /** Any file system whose files are the local disk's, whatever its scheme. */
  private static boolean isLocal(FileSystem fs) {
    return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
  }

  /** The real path of the deepest existing ancestor, followed by the names that do not exist. */
  private static String realPath(java.nio.file.Path p) {
    java.nio.file.Path abs = p.toAbsolutePath().normalize();
    List<String> missing = new ArrayList<>();
    java.nio.file.Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      missing.add(0, existing.getFileName().toString());
      existing = existing.getParent();
    }
    java.nio.file.Path real;
    try {
      real = existing == null ? abs.getRoot() : existing.toRealPath();
    } catch (IOException e) {
      real = existing;
    }
    for (String name : missing) {
      real = real.resolve(name);
    }
    return real.toString();
  }

  /**
   * Every input the given path stands for: the path itself, or the files and directories a glob
   * matches (a glob that matches nothing stands for nothing the job could touch).
   */
  List<Resolved> inputs(String given) {
    Path p = parse("input.path", given);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      if (!GLOB.matcher(given).find()) {
        return List.of(resolve("the input", given, fs, fs.makeQualified(p)));
      }
      FileStatus[] matches = fs.globStatus(p);
      List<Resolved> out = new ArrayList<>();
      for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
        out.add(resolve("the input", given, fs, fs.makeQualified(m.getPath())).matchOf(given));
      }
      return out;
    } catch (IOException e) {
      throw new JobException("cannot resolve input.path " + given + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses an output that overlaps an input, the config file or another output, naming both.
   *
   * @param outputs the outputs, report first
   */
  static void checkSeparate(List<Resolved> inputs, Resolved config, List<Resolved> outputs) {
    for (Resolved out : outputs) {
      if (out.linkTarget() != null) {
        throw new JobException(
            out.describe()
                + " is a symbolic link to "
                + out.linkTarget()
                + "; the job does not write through or replace a link: give the path it points"
                + " to");
      }
    }
    for (Resolved out : outputs) {
      for (Resolved in : inputs) {
        refuseOverlap(out, in, "an output must lie outside every input and must not contain one");
      }
      if (config != null && out.containsOrIs(config)) {
        throw new JobException(
            out.describe()
                + " "
                + (out.same(config) ? "is" : "contains")
                + " "
                + config.describe()
                + "; an output must not be or contain the config file");
      }
    }
    for (int i = 0; i < outputs.size(); i++) {
      for (int j = i + 1; j < outputs.size(); j++) {
        refuseOverlap(
            outputs.get(i),
            outputs.get(j),
            "give the outputs separate paths, neither inside the other");
      }
    }
  }

  /** "A is|is inside|contains B; rule" when {@code a} overlaps {@code b}. */
  private static void refuseOverlap(Resolved a, Resolved b, String rule) {
    String relation = relation(a, b);
    if (relation != null) {
      throw new JobException(a.describe() + " " + relation + " " + b.describe() + "; " + rule);
    }
  }

  /** "is", "is inside" or "contains" when {@code a} overlaps {@code b}, else null. */
  private static String relation(Resolved a, Resolved b) {
    if (a.same(b)) {
      return "is";
    }
    if (b.containsOrIs(a)) {
      return "is inside";
    }
    if (a.containsOrIs(b)) {
      return "contains";
    }
    return null;
  }

  /**
   * Refuses to replace an existing report that is not a sparkloss report. Does nothing when the
   * path does not exist.
   */
  void checkReplaceableReport(String key, String given) throws IOException {
    FileStatus st = existing(key, given);
    if (st == null) {
      return;
    }
    if (st.isDirectory()) {
      throw refused(key, given, "is a directory, not a report an earlier run wrote");
    }
    String problem = notAReport(st.getPath().getFileSystem(hadoop), st.getPath());
    if (problem != null) {
      throw refused(
          key,
          given,
          "is a file of "
              + st.getLen()
              + " bytes that is not a sparkloss report ("
              + problem
              + ")");
    }
  }

  /**
   * Refuses to replace an existing HTML page that an earlier run did not write: one whose head does
   * not carry the generator marker {@link HtmlReport#GENERATOR}. Does nothing when the path does
   * not exist.
   */
  void checkReplaceableHtml(String key, String given) throws IOException {
    FileStatus st = existing(key, given);
    if (st == null) {
      return;
    }
    if (st.isDirectory()) {
      throw refused(key, given, "is a directory, not an HTML report an earlier run wrote");
    }
    if (!hasGeneratorMarker(st.getPath().getFileSystem(hadoop), st.getPath())) {
      throw refused(
          key,
          given,
          "is a file of "
              + st.getLen()
              + " bytes that is not a sparkloss HTML report (no generator marker in its head)");
    }
  }

  /** The first {@link HtmlReport#HEAD_BYTES} bytes of the file hold the generator marker. */
  private static boolean hasGeneratorMarker(FileSystem fs, Path p) {
    try (InputStream in = fs.open(p)) {
      byte[] head = in.readNBytes(HtmlReport.HEAD_BYTES);
      return new String(head, java.nio.charset.StandardCharsets.UTF_8)
          .contains(HtmlReport.GENERATOR);
    } catch (IOException e) {
      return false;
    }
  }

  /** The status of {@code given}, or null when nothing is there. */
  private FileStatus existing(String key, String given) throws IOException {
    Path p = parse(key, given);
    FileSystem fs = p.getFileSystem(hadoop);
    return fs.exists(p) ? fs.getFileStatus(p) : null;
  }

  /** "KEY PATH WHAT; --overwrite replaces only ..., so the job will not delete it". */
  private JobException refused(String key, String given, String what) {
    return new JobException(
        key
            + " "
            + given
            + " "
            + what
            + "; --overwrite replaces only what an earlier run of "
            + tool
            + " wrote, so the job will not delete it");
  }

  /**
   * Why the file is not a report of this job, or null if it is one: a JSON object with a {@code
   * metrics} array, an {@code input} object and a {@code spark_version} string. Read as a stream,
   * so a large file costs no memory.
   */
  private static String notAReport(FileSystem fs, Path p) {
    Set<String> seen = new HashSet<>();
    try (InputStream in = fs.open(p);
        JsonParser json = new JsonFactory().createParser(in)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return "not a JSON object";
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.getCurrentName();
        JsonToken value = json.nextToken();
        if (name.equals("metrics") && value == JsonToken.START_ARRAY
            || name.equals("input") && value == JsonToken.START_OBJECT
            || name.equals("spark_version") && value == JsonToken.VALUE_STRING) {
          seen.add(name);
        }
        json.skipChildren();
      }
      if (json.nextToken() != null) {
        return "text after the JSON object";
      }
    } catch (IOException e) {
      return "not JSON";
    }
    for (String required : List.of("metrics", "input", "spark_version")) {
      if (!seen.contains(required)) {
        return "no '" + required + "' field";
      }
    }
    return null;
  }

  /**
   * Refuses to replace an existing rows output that holds anything a Spark write does not leave.
   * Does nothing when the path does not exist; an empty directory is replaceable.
   */
  public void checkReplaceableRows(String key, String given) throws IOException {
    FileStatus st = existing(key, given);
    if (st == null) {
      return;
    }
    if (!st.isDirectory()) {
      throw refused(
          key,
          given,
          "is a file of " + st.getLen() + " bytes, not a rows output an earlier run wrote");
    }
    FileSystem fs = st.getPath().getFileSystem(hadoop);
    Path p = st.getPath();
    List<String> foreign = new ArrayList<>();
    FileStatus[] entries = fs.listStatus(p);
    Arrays.sort(entries, Comparator.comparing(e -> e.getPath().getName()));
    for (FileStatus e : entries) {
      String name = e.getPath().getName();
      if (e.isDirectory()) {
        foreign.add(name + "/");
      } else if (!SPARK_WRITE_FILE.matcher(name).matches()) {
        foreign.add(name);
      }
    }
    if (!foreign.isEmpty()) {
      int shown = Math.min(foreign.size(), 5);
      String list = String.join(", ", foreign.subList(0, shown));
      if (foreign.size() > shown) {
        list += " and " + (foreign.size() - shown) + " more";
      }
      throw refused(
          key, given, "holds " + list + ", which a Spark write of " + tool + " does not leave");
    }
  }

  /** The local real path of the config file, always on the local disk. */
  static Resolved config(File file) {
    java.nio.file.Path p = file.toPath().toAbsolutePath();
    String real;
    try {
      // As the OS resolves it when the config is read: links first, then "..".
      real = p.toRealPath().toString();
    } catch (IOException e) {
      real = realPath(p);
    }
    return new Resolved(
        "the config file",
        file.toString(),
        "local:" + real,
        real,
        null,
        fileKey(p),
        chain(p),
        null);
  }
}
