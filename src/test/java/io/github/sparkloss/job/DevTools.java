package io.github.sparkloss.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A headless Chromium driven through the Chrome DevTools Protocol, with the JDK's HTTP and
 * WebSocket clients and Jackson only. Every wait has a timeout, so a browser that hangs fails the
 * caller instead of blocking it.
 */
final class DevTools implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process browser;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();

  private DevTools(Process browser, WebSocket socket, Listener listener) {
    this.browser = browser;
    this.socket = socket;
    listener.owner = this;
  }

  /** The Chromium binary on this machine, or null. */
  static String findChromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    return java.nio.file.Files.isExecutable(Path.of("/usr/bin/chromium"))
        ? "/usr/bin/chromium"
        : null;
  }

  /** Starts a headless browser with its own profile in {@code profile}, attached to one page. */
  static DevTools start(String chromium, Path profile) throws Exception {
    Process p =
        new ProcessBuilder(
                chromium,
                "--headless",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      URI browserWs = devToolsUrl(p);
      URI pageWs = pageSocket(browserWs.getPort());
      Listener listener = new Listener();
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(TIMEOUT)
              .buildAsync(pageWs, listener)
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new DevTools(p, ws, listener);
    } catch (Exception e) {
      kill(p);
      throw e;
    }
  }

  /** Reads stderr until the "DevTools listening on ws://..." line; then keeps draining it. */
  private static URI devToolsUrl(Process p) throws Exception {
    CompletableFuture<URI> url = new CompletableFuture<>();
    StringBuilder seen = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  int at = line.indexOf("DevTools listening on ");
                  if (at >= 0) {
                    url.complete(URI.create(line.substring(at + 22).trim()));
                  } else if (!url.isDone()) {
                    seen.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the browser is gone
              }
              url.completeExceptionally(
                  new IllegalStateException("chromium exited before listening:\n" + seen));
            },
            "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    return url.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The WebSocket of the browser's page target, creating one when there is none. */
  private static URI pageSocket(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    String base = "http://127.0.0.1:" + port;
    JsonNode targets =
        JSON.readTree(get(http, HttpRequest.newBuilder(URI.create(base + "/json/list"))));
    for (JsonNode t : targets) {
      if ("page".equals(t.path("type").asText())) {
        return URI.create(t.path("webSocketDebuggerUrl").asText());
      }
    }
    HttpRequest.Builder create =
        HttpRequest.newBuilder(URI.create(base + "/json/new?about:blank"))
            .PUT(HttpRequest.BodyPublishers.noBody());
    return URI.create(JSON.readTree(get(http, create)).path("webSocketDebuggerUrl").asText());
  }

  private static String get(HttpClient http, HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r =
        http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.uri() + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** Sends a command and waits for its result; a protocol error is thrown. */
  JsonNode send(String method, Map<String, ?> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", JSON.valueToTree(params));
    socket
        .sendText(JSON.writeValueAsString(message), true)
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonNode r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + ": " + r.get("error"));
    }
    return r.path("result");
  }

  /** Calls {@code listener} with the params of every later event named {@code method}. */
  void on(String method, Consumer<JsonNode> listener) {
    listeners.add(
        e -> {
          if (method.equals(e.path("method").asText())) {
            listener.accept(e.path("params"));
          }
        });
  }

  /** A future completed by the next event named {@code method}. */
  CompletableFuture<JsonNode> next(String method) {
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    on(method, f::complete);
    return f;
  }

  /** Evaluates {@code expression} in the page and returns its value, as JSON. */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("page threw: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  private void received(String text) {
    JsonNode m;
    try {
      m = JSON.readTree(text);
    } catch (IOException e) {
      return;
    }
    if (m.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
      if (f != null) {
        f.complete(m);
      }
    } else {
      listeners.forEach(l -> l.accept(m));
    }
  }

  /** Collects text frames into messages. */
  private static final class Listener implements WebSocket.Listener {
    DevTools owner;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        if (owner != null) {
          owner.received(text);
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** Kills the browser and every process it started. */
  @Override
  public void close() {
    socket.abort();
    kill(browser);
  }

  private static void kill(Process p) {
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    try {
      p.waitFor(10, TimeUnit.SECONDS);
      for (ProcessHandle h : tree) {
        h.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      // best effort: they were killed
    }
  }
}
