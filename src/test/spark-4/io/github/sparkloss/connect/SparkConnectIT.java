package io.github.sparkloss.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sparkloss.SparkTestBase;
import io.github.sparkloss.options.LossException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sparkloss through Spark Connect, with a real server and a real client, each in a JVM of its own:
 * the server runs Spark's {@code SparkConnectServer} with this build's jar and {@code
 * spark.sql.extensions} set; the client runs {@link ConnectClient} on the Spark Connect JVM client
 * alone, with no Spark engine on its classpath. Every query gives, printed, exactly what the same
 * query gives in a classic session (doubles print exactly), and a bad option's sparkloss message
 * reaches the client intact.
 *
 * <p>The two classpaths come from {@code src/it/connect/pom.xml} for the Spark Connect version the
 * build's profile names.
 */
class SparkConnectIT extends SparkTestBase {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  @TempDir static Path tmp;

  private static Process server;
  private static Path serverLog;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    String version = System.getProperty("sparkloss.connect.version");
    assertThat(version).as("sparkloss.connect.version").isNotBlank();
    String jar = System.getProperty("sparkloss.jar");
    assertThat(Path.of(jar)).as("this build's jar").exists();
    String cp = classpath("server") + ":" + jar;
    port = freePort();
    serverLog = tmp.resolve("server.log");
    List<String> cmd = java(cp);
    cmd.addAll(
        List.of(
            "-Dspark.master=local[2]",
            "-Dspark.app.name=sparkloss-connect-it",
            "-Dspark.ui.enabled=false",
            "-Dspark.driver.host=127.0.0.1",
            "-Dspark.driver.bindAddress=127.0.0.1",
            "-Dspark.sql.shuffle.partitions=4",
            "-Dspark.sql.extensions=io.github.sparkloss.SparkLossExtensions",
            "-Dspark.connect.grpc.binding.address=127.0.0.1",
            "-Dspark.connect.grpc.binding.port=" + port,
            "org.apache.spark.sql.connect.service.SparkConnectServer"));
    server =
        new ProcessBuilder(cmd)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(serverLog.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!listening(port)) {
      assertThat(server.isAlive())
          .as("the Spark Connect server is running; its log:\n" + log())
          .isTrue();
      assertThat(System.nanoTime()).as("server start; its log:\n" + log()).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void aConnectClientGetsTheClassicResultsAndTheMessages() throws Exception {
    String expected = ConnectClient.run(spark);
    String actual = runClient();

    List<String> want = expected.lines().collect(Collectors.toList());
    List<String> got = actual.lines().collect(Collectors.toList());
    assertThat(got).as("client output").hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      String name = want.get(i).substring(0, want.get(i).indexOf('\t'));
      if (name.equals("bad_option")) {
        continue;
      }
      assertThat(want.get(i)).as(name + " (classic)").doesNotContain("\tERROR");
      assertThat(got.get(i)).as(name).isEqualTo(want.get(i));
    }

    // The bad option: the client sees sparkloss's own message, as a classic session does.
    String message = null;
    try {
      spark
          .sql("SELECT cross_entropy(logits, label, label_smoothing => 2.0) FROM t")
          .collectAsList();
    } catch (Exception e) {
      for (Throwable t = e; t != null && message == null; t = t.getCause()) {
        message = t instanceof LossException ? t.getMessage() : null;
      }
    }
    assertThat(message).as("the classic session's sparkloss message").startsWith("cross_entropy: ");
    assertThat(got.get(got.size() - 1)).startsWith("bad_option\tERROR ").contains(message);
  }

  /** Runs {@link ConnectClient} in a JVM of its own; returns its stdout. */
  private static String runClient() throws Exception {
    String cp =
        classpath("client") + ":" + ROOT.resolve(System.getProperty("sparkloss.testClasses"));
    List<String> cmd = java(cp);
    cmd.addAll(
        List.of(ConnectClient.class.getName(), "sc://127.0.0.1:" + port + "/;user_id=sparkloss"));
    Path out = tmp.resolve("client.out");
    Path err = tmp.resolve("client.err");
    Process p =
        new ProcessBuilder(cmd)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    if (!p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
    assertThat(p.exitValue())
        .as("client exit; stderr:\n" + Files.readString(err) + "\nserver log:\n" + log())
        .isZero();
    return Files.readString(out);
  }

  /** The classpath of {@code role} (server or client), resolved by src/it/connect/pom.xml. */
  private static String classpath(String role) throws Exception {
    Path file = tmp.resolve(role + "-classpath.txt");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "mvn",
                "-q",
                "-B",
                "-ntp",
                "-f",
                ROOT.resolve("src/it/connect/pom.xml").toString(),
                "-P",
                role,
                "-Dconnect.version=" + System.getProperty("sparkloss.connect.version"),
                "-Dconnect.shims.version=" + System.getProperty("sparkloss.connect.shims.version"),
                "dependency:build-classpath",
                "-Dmdep.outputFile=" + file));
    Path log = tmp.resolve(role + "-mvn.log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("mvn for the " + role + " classpath").isTrue();
    assertThat(p.exitValue())
        .as("mvn for the " + role + " classpath:\n" + Files.readString(log))
        .isZero();
    return Files.readString(file).trim();
  }

  /**
   * {@code java} with the JVM options Spark needs on Java 17 (conf/jvm.options) and a 1 GiB heap.
   */
  private static List<String> java(String classpath) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String line : Files.readAllLines(ROOT.resolve("conf/jvm.options"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        cmd.add(line.trim());
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
    cmd.add("-cp");
    cmd.add(classpath);
    return cmd;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String log() {
    try {
      List<String> lines = Files.readAllLines(serverLog);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
