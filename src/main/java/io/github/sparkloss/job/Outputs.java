package io.github.sparkloss.job;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The job's outputs, written so that a failed run leaves nothing half-written: everything goes to
 * hidden temporary siblings first and is renamed into place only when the whole run succeeded.
 * Paths go through Hadoop's FileSystem, so local paths, HDFS and object stores work alike.
 */
final class Outputs implements AutoCloseable {
  private final Configuration hadoop;
  private final JobConfig cfg;
  private final boolean overwrite;
  private final String token = UUID.randomUUID().toString().substring(0, 8);
  private Path rowsTemp;
  private Path reportTemp;
  private boolean committed;

  /** Directories this run created, deepest last, removed again if the run fails. */
  private final java.util.List<Path> createdDirs = new java.util.ArrayList<>();

  Outputs(SparkSession spark, JobConfig cfg, boolean overwrite) {
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.cfg = cfg;
    this.overwrite = overwrite;
  }

  /** Fails early when an output exists and --overwrite was not given. */
  void checkTargets() {
    checkTarget(cfg.reportPath(), "output.report");
    if (cfg.rows() != null) {
      checkTarget(cfg.rows().path(), "output.rows.path");
    }
  }

  private void checkTarget(String path, String key) {
    if (overwrite) {
      return;
    }
    try {
      Path p = new Path(path);
      if (p.getFileSystem(hadoop).exists(p)) {
        throw new JobException(
            key + " " + path + " already exists; pass --overwrite to replace it");
      }
    } catch (IOException e) {
      throw new JobException("cannot check " + key + " " + path + ": " + e.getMessage(), e);
    }
  }

  private Path temp(String path) {
    Path p = new Path(path);
    return new Path(
        p.getParent() == null ? new Path(".") : p.getParent(), "." + p.getName() + ".tmp-" + token);
  }

  /** Writes the per-row losses to a temporary sibling of output.rows.path. */
  void writeRows(Dataset<Row> rows) {
    rowsTemp = temp(cfg.rows().path());
    noteMissingParents(rowsTemp);
    rows.write().format(cfg.rows().format()).option("header", "true").save(rowsTemp.toString());
  }

  /** Records the ancestors of {@code p} that do not exist yet, so a failure can remove them. */
  private void noteMissingParents(Path p) {
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      java.util.List<Path> missing = new java.util.ArrayList<>();
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

  /** Writes the report and moves every output into place. */
  void commit(String reportJson) {
    try {
      Path report = new Path(cfg.reportPath());
      FileSystem fs = report.getFileSystem(hadoop);
      // No ".crc" side files beside the report on a local file system.
      fs.setWriteChecksum(false);
      reportTemp = temp(cfg.reportPath());
      noteMissingParents(reportTemp);
      if (report.getParent() != null) {
        fs.mkdirs(report.getParent());
      }
      try (OutputStream o = fs.create(reportTemp, true)) {
        o.write(reportJson.getBytes(StandardCharsets.UTF_8));
      }
      if (rowsTemp != null) {
        move(rowsTemp, new Path(cfg.rows().path()));
        rowsTemp = null;
      }
      move(reportTemp, report);
      reportTemp = null;
      committed = true;
    } catch (IOException e) {
      throw new JobException("cannot write output: " + e.getMessage(), e);
    }
  }

  private void move(Path from, Path to) throws IOException {
    FileSystem fs = to.getFileSystem(hadoop);
    if (fs.exists(to)) {
      fs.delete(to, true);
    }
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }

  /** Deletes whatever was not committed, and the directories a failed run created. */
  @Override
  public void close() {
    for (Path p : new Path[] {rowsTemp, reportTemp}) {
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
