package io.github.sparkloss.job;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The job's outputs (the report, its HTML page and the per-row losses), written so that a failed
 * run leaves nothing half-written and nothing the job did not write is ever touched.
 *
 * <ul>
 *   <li>Before any work, {@link #checkTargets} refuses outputs that overlap an input, the config
 *       file or each other ({@link PathGuard}), and existing outputs unless {@code --overwrite} was
 *       given and they are what an earlier run wrote.
 *   <li>Everything goes to hidden temporary siblings first. Only when the whole run succeeded is
 *       each existing output renamed aside to a hidden backup, the new one renamed into place, and
 *       the backups deleted last. A failure in between puts the backups back, so the old outputs
 *       stay as they were.
 * </ul>
 *
 * Paths go through Hadoop's FileSystem, so local paths, HDFS and object stores work alike.
 */
final class Outputs implements AutoCloseable {
  private final Configuration hadoop;
  private final JobConfig cfg;
  private final boolean overwrite;
  private final File configFile;
  private final PathGuard guard;
  private final String token = UUID.randomUUID().toString().substring(0, 8);
  private Path rowsTemp;
  private Path reportTemp;
  private Path htmlTemp;
  private boolean committed;

  /** Directories this run created, deepest last, removed again if the run fails. */
  private final List<Path> createdDirs = new ArrayList<>();

  /**
   * @param configFile the config the job was started with, or null when it came from elsewhere
   */
  Outputs(SparkSession spark, JobConfig cfg, boolean overwrite, File configFile) {
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.cfg = cfg;
    this.overwrite = overwrite;
    this.configFile = configFile;
    this.guard = new PathGuard(hadoop, "loss-eval");
  }

  /**
   * Fails early, before anything is read or written, when an output overlaps an input, the config
   * file or the other output, or when an output exists and may not be replaced.
   */
  void checkTargets() {
    List<PathGuard.Resolved> inputs = new ArrayList<>();
    for (String in : cfg.inputPaths()) {
      inputs.addAll(guard.inputs(in));
    }
    List<PathGuard.Resolved> outputs = new ArrayList<>();
    outputs.add(guard.resolve("output.report", cfg.reportPath()));
    if (cfg.htmlPath() != null) {
      outputs.add(guard.resolve("output.html", cfg.htmlPath()));
    }
    if (cfg.rows() != null) {
      outputs.add(guard.resolve("output.rows.path", cfg.rows().path()));
    }
    if (cfg.incremental() != null) {
      outputs.add(guard.resolve("incremental.checkpoint", cfg.incremental().checkpoint()));
    }
    PathGuard.checkSeparate(
        inputs, configFile == null ? null : PathGuard.config(configFile), outputs);
    checkExisting();
  }

  /** Refuses an existing output unless --overwrite was given and it is the job's own. */
  private void checkExisting() {
    try {
      if (overwrite) {
        guard.checkReplaceableReport("output.report", cfg.reportPath());
        if (cfg.htmlPath() != null) {
          guard.checkReplaceableHtml("output.html", cfg.htmlPath());
        }
        if (cfg.rows() != null) {
          guard.checkReplaceableRows("output.rows.path", cfg.rows().path());
        }
      } else {
        refuseExisting(cfg.reportPath(), "output.report");
        if (cfg.htmlPath() != null) {
          refuseExisting(cfg.htmlPath(), "output.html");
        }
        if (cfg.rows() != null) {
          refuseExisting(cfg.rows().path(), "output.rows.path");
        }
      }
    } catch (IOException e) {
      throw new JobException("cannot check the outputs: " + e.getMessage(), e);
    }
  }

  private void refuseExisting(String path, String key) throws IOException {
    Path p = new Path(path);
    if (p.getFileSystem(hadoop).exists(p)) {
      throw new JobException(key + " " + path + " already exists; pass --overwrite to replace it");
    }
  }

  private Path sibling(String path, String kind) {
    Path p = new Path(path);
    return new Path(
        p.getParent() == null ? new Path(".") : p.getParent(),
        "." + p.getName() + "." + kind + "-" + token);
  }

  /** Writes the per-row losses to a temporary sibling of output.rows.path. */
  void writeRows(Dataset<Row> rows) {
    rowsTemp = sibling(cfg.rows().path(), "tmp");
    noteMissingParents(rowsTemp);
    rows.write().format(cfg.rows().format()).option("header", "true").save(rowsTemp.toString());
  }

  /** Records the ancestors of {@code p} that do not exist yet, so a failure can remove them. */
  private void noteMissingParents(Path p) {
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      List<Path> missing = new ArrayList<>();
      for (Path d = p.getParent(); d != null && !fs.exists(d); d = d.getParent()) {
        missing.add(0, d);
      }
      for (Path d : missing) {
        if (!createdDirs.contains(d)) {
          createdDirs.add(d);
        }
      }
    } catch (IOException e) {
      throw new JobException("cannot check output directory of " + p + ": " + e.getMessage(), e);
    }
  }

  /** One output moving into place: the new one, where it goes, and the old one set aside. */
  private static final class Move {
    final Path from;
    final Path to;
    final Path backup;
    boolean backedUp;
    boolean moved;

    Move(Path from, Path to, Path backup) {
      this.from = from;
      this.to = to;
      this.backup = backup;
    }
  }

  /**
   * Writes the report (and its HTML page, drawn from the report's text) and moves every output into
   * place. The outputs are checked again first, since they may have changed while the job ran; an
   * old output is deleted only after every new one is in place.
   */
  void commit(String reportJson) {
    List<Move> moves = new ArrayList<>();
    try {
      reportTemp = writeTemp(cfg.reportPath(), reportJson);
      if (cfg.htmlPath() != null) {
        htmlTemp = writeTemp(cfg.htmlPath(), HtmlReport.render(reportJson));
      }
      checkExisting();
      if (rowsTemp != null) {
        moves.add(
            new Move(rowsTemp, new Path(cfg.rows().path()), sibling(cfg.rows().path(), "old")));
      }
      moves.add(new Move(reportTemp, new Path(cfg.reportPath()), sibling(cfg.reportPath(), "old")));
      if (htmlTemp != null) {
        moves.add(new Move(htmlTemp, new Path(cfg.htmlPath()), sibling(cfg.htmlPath(), "old")));
      }
      for (Move m : moves) {
        FileSystem mfs = m.to.getFileSystem(hadoop);
        if (mfs.exists(m.to)) {
          if (!overwrite) {
            throw new IOException(m.to + " appeared while the job ran");
          }
          rename(mfs, m.to, m.backup);
          m.backedUp = true;
        }
        rename(mfs, m.from, m.to);
        m.moved = true;
      }
    } catch (IOException e) {
      String kept = rollBack(moves);
      throw new JobException("cannot write output: " + e.getMessage() + kept, e);
    }
    rowsTemp = null;
    reportTemp = null;
    htmlTemp = null;
    committed = true;
    for (Move m : moves) {
      if (m.backedUp) {
        try {
          m.backup.getFileSystem(hadoop).delete(m.backup, true);
        } catch (IOException e) {
          // The new outputs are in place; a hidden backup left behind loses nothing.
        }
      }
    }
  }

  /**
   * Writes {@code text} as UTF-8 to a new hidden temporary sibling of {@code path}, creating the
   * missing directories above it (noted, so that a failed run removes them), and returns the
   * sibling.
   */
  private Path writeTemp(String path, String text) throws IOException {
    Path target = new Path(path);
    FileSystem fs = target.getFileSystem(hadoop);
    // No ".crc" side file beside the output on a local file system: written through the raw
    // file system, leaving the shared, cached instance's settings alone.
    FileSystem writer = fs instanceof LocalFileSystem ? ((LocalFileSystem) fs).getRaw() : fs;
    Path temp = sibling(path, "tmp");
    noteMissingParents(temp);
    if (target.getParent() != null) {
      fs.mkdirs(target.getParent());
    }
    try (OutputStream o = writer.create(temp, false)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return temp;
  }

  /** The HTML page's path as messages show it (the real path on a local disk), or null. */
  String htmlShown() {
    return cfg.htmlPath() == null ? null : guard.resolve("output.html", cfg.htmlPath()).shown();
  }

  /**
   * Renames {@code from} to {@code to}, which must not exist. On Hadoop's own local file systems
   * this is one atomic rename(2) that either happens or throws: their rename falls back to copying
   * and deleting, which can leave a half-moved directory behind. Other file systems (HDFS, and
   * subclasses of the local ones) rename their own way.
   */
  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (fs.getClass() == LocalFileSystem.class || fs.getClass() == RawLocalFileSystem.class) {
      java.nio.file.Path src = new File(fs.makeQualified(from).toUri().getPath()).toPath();
      java.nio.file.Path dst = new File(fs.makeQualified(to).toUri().getPath()).toPath();
      if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("rename of " + from + " to " + to + " failed: " + to + " exists");
      }
      try {
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new IOException("rename of " + from + " to " + to + " failed: " + e, e);
      }
      return;
    }
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }

  /**
   * Undoes the moves of a failed commit, last first: a new output moved into place is deleted and
   * the old one put back. Returns "" when everything was restored, else where an old output is
   * kept.
   */
  private String rollBack(List<Move> moves) {
    StringBuilder kept = new StringBuilder();
    for (int i = moves.size() - 1; i >= 0; i--) {
      Move m = moves.get(i);
      try {
        FileSystem fs = m.to.getFileSystem(hadoop);
        if (m.moved && !fs.delete(m.to, true)) {
          throw new IOException("cannot delete " + m.to);
        }
        if (m.backedUp) {
          rename(fs, m.backup, m.to);
        }
      } catch (IOException e) {
        if (m.backedUp) {
          kept.append("; the previous ").append(m.to).append(" is kept at ").append(m.backup);
        }
      }
    }
    return kept.toString();
  }

  /** Deletes whatever was not committed, and the directories a failed run created. */
  @Override
  public void close() {
    for (Path p : new Path[] {rowsTemp, reportTemp, htmlTemp}) {
      if (p != null) {
        try {
          p.getFileSystem(hadoop).delete(p, true);
        } catch (IOException e) {
          // best effort: the temporary name is hidden and unique
        }
      }
    }
    if (!committed) {
      for (int i = createdDirs.size() - 1; i >= 0; i--) {
        Path d = createdDirs.get(i);
        try {
          FileSystem fs = d.getFileSystem(hadoop);
          if (fs.exists(d) && fs.listStatus(d).length == 0) {
            fs.delete(d, false);
          }
        } catch (IOException e) {
          // best effort
        }
      }
    }
  }
}
