package io.github.sparkloss.job;

import io.github.sparkloss.LossColumn;
import io.github.sparkloss.SparkLoss;
import io.github.sparkloss.options.LossException;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch job: evaluates every metric of a config over a prediction log in one pass, writes a
 * JSON report (an HTML page of it when asked, and per-row losses for reduction none), and prints a
 * table.
 *
 * <pre>
 * spark-submit --class io.github.sparkloss.job.LossEvalJob sparkloss.jar --config eval.conf
 * </pre>
 *
 * <p>Exit code 0 on success; otherwise non-zero with one line on stderr naming the problem, and
 * nothing half-written.
 */
@Command(
    name = "loss-eval",
    mixinStandardHelpOptions = true,
    description = "Evaluates PyTorch losses over a prediction log on Spark.")
public final class LossEvalJob implements Callable<Integer> {
  /** Exit code of a problem the user can fix: config, input, columns, bad rows, outputs. */
  public static final int EXIT_PROBLEM = 2;

  /** Exit code of an unexpected failure. */
  public static final int EXIT_FAILURE = 1;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "HOCON or JSON")
  File config;

  @Option(
      names = "--overwrite",
      description = "replace the report, HTML page and rows output an earlier run wrote")
  boolean overwrite;

  @Option(
      names = "--follow",
      description =
          "with an incremental section: keep running, evaluating new files every"
              + " incremental.trigger and rewriting the report after each batch, until Ctrl-C")
  boolean follow;

  private PrintStream out = System.out;
  private PrintStream err = System.err;

  /**
   * Runs the job. On success it returns normally, as a Databricks JAR task or an EMR step expects
   * of a main class (the platform owns the JVM and its SparkContext); on failure it exits with the
   * non-zero exit code, which fails the task or step.
   */
  public static void main(String[] args) {
    // UTF-8 whatever the platform's default, so that group values and the table's ± print as is.
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out),
            true,
            java.nio.charset.StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.err),
            true,
            java.nio.charset.StandardCharsets.UTF_8);
    int exit = run(args, out, err);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** Runs the job as the command line would, returning the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    LossEvalJob job = new LossEvalJob();
    job.out = out;
    job.err = err;
    CommandLine cmd = new CommandLine(job);
    cmd.setOut(new java.io.PrintWriter(out, true));
    cmd.setErr(new java.io.PrintWriter(err, true));
    cmd.setParameterExceptionHandler(
        (e, a) -> {
          err.println(
              "loss-eval: "
                  + e.getMessage()
                  + " (usage: loss-eval --config FILE"
                  + " [--overwrite] [--follow])");
          return EXIT_PROBLEM;
        });
    return cmd.execute(args);
  }

  @Override
  public Integer call() {
    long start = System.nanoTime();
    SparkSession spark = null;
    boolean ownSession = false;
    Exception failure = null;
    try {
      JobConfig cfg = JobConfig.load(config);
      if (follow && cfg.incremental() == null) {
        throw new JobException(
            "--follow needs an incremental section in the config: incremental { checkpoint ="
                + " \"path\", trigger = \"1 minute\" }");
      }
      // A platform that runs the job in its own session (a notebook, a Databricks JAR task) keeps
      // it: the job stops only a session it started.
      boolean existing =
          SparkSession.getActiveSession().isDefined()
              || SparkSession.getDefaultSession().isDefined();
      spark = existing ? SparkSession.active() : newSession();
      ownSession = !existing;
      SparkLoss.register(spark);
      if (cfg.incremental() != null) {
        new IncrementalRun(spark, cfg, config, overwrite, follow, out, start).run();
      } else {
        batch(spark, cfg, start);
      }
    } catch (Exception e) {
      // Spark 4 throws its checked AnalysisException and SparkException undeclared.
      failure = e;
    } finally {
      if (ownSession && spark != null) {
        spark.stop();
      }
    }
    // Reported after the session stopped, so that the one line naming the problem comes after
    // whatever Spark still logs while its tasks are cancelled.
    return failure == null ? 0 : report(failure);
  }

  /** A full run: every input row, one aggregation, the report written whole. */
  private void batch(SparkSession spark, JobConfig cfg, long start) {
    try (Outputs outputs = new Outputs(spark, cfg, overwrite, config)) {
      outputs.checkTargets();
      Evaluation evaluation = evaluate(spark, cfg, outputs);
      double elapsed = (System.nanoTime() - start) / 1e9;
      outputs.commit(Report.json(cfg, evaluation, spark.version(), elapsed));
      Report.printTable(out, cfg, evaluation);
      if (cfg.htmlPath() != null) {
        out.println("wrote HTML report to " + outputs.htmlShown());
      }
    }
  }

  /** Prints one line naming the problem; the exit code says whether the user can fix it. */
  private int report(Exception e) {
    JobException job = find(e, JobException.class);
    if (job != null) {
      err.println("loss-eval: " + firstLine(job.getMessage()));
      return EXIT_PROBLEM;
    }
    LossException loss = find(e, LossException.class);
    if (loss != null) {
      err.println("loss-eval: " + loss.getMessage());
      return EXIT_PROBLEM;
    }
    AnalysisException analysis = find(e, AnalysisException.class);
    if (analysis != null) {
      err.println("loss-eval: " + firstLine(analysis.getMessage()));
      return EXIT_PROBLEM;
    }
    err.println("loss-eval: " + firstLine(String.valueOf(e)));
    e.printStackTrace(err);
    return EXIT_FAILURE;
  }

  private static SparkSession newSession() {
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("sparkloss loss-eval")
            .config("spark.ui.showConsoleProgress", "true");
    if (!new org.apache.spark.SparkConf().contains("spark.master")) {
      b.master("local[*]");
    }
    return b.getOrCreate();
  }

  /** The aggregate rows (one per group) and the per-row output, if any. */
  /**
   * The aggregate rows (one per group: key values, row count, one stats struct per aggregate
   * metric), the comparisons, and for incremental runs what the run added and the state holds.
   */
  record Evaluation(
      List<Row> groups,
      List<JobConfig.Metric> aggregated,
      long inputRows,
      Comparisons.Result comparisons,
      IncrementalRun.Summary incremental) {

    /** Sorts the collected group rows and evaluates the comparisons over them. */
    static Evaluation of(
        JobConfig cfg,
        List<JobConfig.Metric> aggregated,
        List<Row> collected,
        IncrementalRun.Summary incremental) {
      List<Row> groups = new ArrayList<>(Columns.windowsAsText(collected, cfg));
      groups.sort(Columns.groupOrder(cfg.keys().size()));
      Comparisons.Result comparisons = Comparisons.of(cfg, aggregated, groups);
      long inputRows = 0;
      int rowsField = cfg.keys().size();
      for (Row g : groups) {
        inputRows += g.getLong(rowsField);
      }
      return new Evaluation(groups, aggregated, inputRows, comparisons, incremental);
    }
  }

  /** The aggregate metrics of {@code cfg}, in config order. */
  static List<JobConfig.Metric> aggregated(JobConfig cfg) {
    return cfg.metrics().stream().filter(m -> !m.perRow()).toList();
  }

  private Evaluation evaluate(SparkSession spark, JobConfig cfg, Outputs outputs) {
    Dataset<Row> df = read(spark, cfg);
    Columns.check(df, cfg);
    Dataset<Row> keyed = Columns.keyed(df, cfg);
    List<JobConfig.Metric> aggregated = aggregated(cfg);
    List<Column> aggs = new ArrayList<>();
    aggs.add(functions.count(functions.lit(1)).as("__rows"));
    for (JobConfig.Metric m : aggregated) {
      LossColumn lc = column(m);
      Column stats = (m.perClass() ? lc.statsPerClass() : lc.stats()).as("__m" + (aggs.size() - 1));
      analyze(m, () -> keyed.select(stats));
      aggs.add(stats);
    }
    // The per-row output is planned (and checked) before the aggregation runs.
    Dataset<Row> rows = cfg.rows() == null ? null : perRowOutput(df, cfg);

    Column first = aggs.get(0);
    Column[] rest = aggs.subList(1, aggs.size()).toArray(new Column[0]);
    Dataset<Row> result;
    if (cfg.keys().isEmpty()) {
      result = keyed.agg(first, rest);
    } else {
      result = keyed.groupBy(Columns.keys(cfg)).agg(first, rest);
    }
    // One aggregation job; the few group rows are sorted here rather than by another job.
    Evaluation evaluation =
        Evaluation.of(cfg, aggregated, withMessages(cfg, result::collectAsList), null);
    if (rows != null) {
      withMessages(
          cfg,
          () -> {
            outputs.writeRows(rows);
            return null;
          });
    }
    return evaluation;
  }

  /** The kept columns and one per-row loss column per metric with reduction none. */
  private static Dataset<Row> perRowOutput(Dataset<Row> df, JobConfig cfg) {
    List<Column> select = new ArrayList<>();
    for (String keep : cfg.rows().keep()) {
      select.add(Columns.col(keep));
    }
    for (JobConfig.Metric m : cfg.metrics()) {
      if (m.perRow()) {
        Column value = column(m).value().as(m.name());
        analyze(m, () -> df.select(value));
        select.add(value);
      }
    }
    Dataset<Row> rows = df.select(select.toArray(new Column[0]));
    if (cfg.rows().format().equals("csv")) {
      for (org.apache.spark.sql.types.StructField f : rows.schema().fields()) {
        if (!(f.dataType() instanceof org.apache.spark.sql.types.AtomicType)) {
          throw new JobException(
              "output.rows.format csv cannot hold column '"
                  + f.name()
                  + "' of type "
                  + f.dataType().simpleString()
                  + "; use parquet, json or orc");
        }
      }
    }
    return rows;
  }

  /** Analyzes one metric alone, so that a type error names the metric it belongs to. */
  static void analyze(JobConfig.Metric m, java.util.function.Supplier<?> plan) {
    try {
      plan.get();
    } catch (Exception e) {
      LossException loss = find(e, LossException.class);
      if (loss != null) {
        // The job calls the _stats form of each loss; its users know it by the loss's name.
        String message = loss.naming(m.loss().sqlName()).getMessage();
        throw new JobException("metric '" + m.name() + "': " + message, e);
      }
      throw LossEvalJob.<RuntimeException>sneaky(e);
    }
  }

  static LossColumn column(JobConfig.Metric m) {
    LossColumn lc =
        SparkLoss.column(
            m.options(), m.arguments().stream().map(Columns::col).toArray(Column[]::new));
    return m.sampleWeight() == null ? lc : lc.sampleWeight(Columns.col(m.sampleWeight()));
  }

  private static Dataset<Row> read(SparkSession spark, JobConfig cfg) {
    try {
      org.apache.spark.sql.DataFrameReader reader =
          spark.read().format(cfg.inputFormat()).options(cfg.inputOptions());
      if (cfg.inputSchema() != null) {
        reader = reader.schema(cfg.inputSchema());
      }
      return reader.load(cfg.inputPaths().toArray(new String[0]));
    } catch (Exception e) {
      throw unreadable(cfg, e.getMessage(), e);
    }
  }

  /**
   * Runs a Spark action. A failure caused by a bad row surfaces as its LossException, one caused by
   * a file that cannot be read as "cannot read input".
   */
  static <T> T withMessages(JobConfig cfg, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) {
      LossException loss = find(e, LossException.class);
      if (loss != null) {
        throw loss;
      }
      if (io.github.sparkloss.shim.SparkShim.isInputReadFailure(e)) {
        throw unreadable(cfg, rootCause(e).getMessage(), e);
      }
      throw LossEvalJob.<RuntimeException>sneaky(e);
    }
  }

  static JobException unreadable(JobConfig cfg, String detail, Exception cause) {
    return new JobException(
        "cannot read input "
            + cfg.inputPath()
            + " as "
            + cfg.inputFormat()
            + ": "
            + firstLine(detail),
        cause);
  }

  /** Rethrows a checked exception that Spark threw undeclared, unchanged. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
