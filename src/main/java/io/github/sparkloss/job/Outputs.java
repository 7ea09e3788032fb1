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
    rows.write().format(cfg.rows().format()).save(rowsTemp.toString());
  }

  /** Writes the report and moves every output into place. */
  void commit(String reportJson) {
    try {
      Path report = new Path(cfg.reportPath());
      FileSystem fs = report.getFileSystem(hadoop);
      if (report.getParent() != null) {
        fs.mkdirs(report.getParent());
      }
      reportTemp = temp(cfg.reportPath());
      try (OutputStream o = fs.create(reportTemp, true)) {
        o.write(reportJson.getBytes(StandardCharsets.UTF_8));
      }
      if (rowsTemp != null) {
        move(rowsTemp, new Path(cfg.rows().path()));
        rowsTemp = null;
      }
      move(reportTemp, report);
      reportTemp = null;
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

  /** Deletes whatever was not committed. */
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
  }
}
