package io.ebaudit.testing;

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
import java.nio.file.Files;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium for tests: installs it with apt-get when it is missing (the tests run as
 * root on these machines), starts it with background networking off, and speaks the DevTools protocol
 * to one page over a WebSocket on 127.0.0.1 ({@code java.net.http}).
 */
public final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** Flags every run uses: headless, no sandbox (root in a container), nothing fetched in the background. */
  public static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--no-first-run", "--no-default-browser-check",
      "--disable-extensions", "--disable-sync", "--disable-default-apps", "--disable-domain-reliability",
      "--disable-client-side-phishing-detection", "--metrics-recording-only", "--mute-audio", "--hide-scrollbars");

  /** The chromium binary, installing Debian's package first when there is none. */
  public static synchronized Path binary() {
    Path found = find();
    if (found != null) {
      return found;
    }
    Path log = Path.of("target", "chromium-install.log").toAbsolutePath();
    int update = run(log, "apt-get", "update", "-q");
    int install = run(log, "apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium");
    found = find();
    if (found == null) {
      String tail;
      try {
        List<String> lines = Files.readAllLines(log);
        tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
      } catch (IOException e) {
        tail = "(no log: " + e.getMessage() + ")";
      }
      throw new IllegalStateException("Cannot install Debian's chromium for the browser tests: apt-get update exited "
          + update + ", apt-get install chromium exited " + install + " (run as root with Debian's repositories"
          + " reachable, or install it by hand: apt-get install chromium); see " + log + ":\n" + tail);
    }
    return found;
  }

  private static Path find() {
    for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }

  private static int run(Path log, String... cmd) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -2; // no apt-get: reported with the rest
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -3;
    }
  }

  /** {@code chromium --headless … <extra> <url>}, its standard output as text. */
  public static String runOnce(Path profile, List<String> extra, String url) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(FLAGS);
    cmd.add("--user-data-dir=" + profile);
    cmd.addAll(extra);
    cmd.add(url);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish: " + cmd);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  // ---- DevTools session ----

  private final Process process;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private Chromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts a headless browser on {@code about:blank} and attaches to its page. */
  public static Chromium start(Path profile) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(FLAGS);
    cmd.addAll(List.of("--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--window-size=1280,900", "about:blank"));
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String browserWs = devToolsUrl(p);
      URI u = URI.create(browserWs);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
      String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + u.getPort() + "/json/list"))
          .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString()).body();
      String pageWs = null;
      for (JsonNode t : JSON.readTree(list)) {
        if ("page".equals(t.path("type").asText())) {
          pageWs = t.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (pageWs == null) {
        throw new IllegalStateException("chromium has no page target: " + list);
      }
      Chromium[] self = new Chromium[1];
      Listener listener = new Listener(self);
      WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), listener)
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      self[0] = new Chromium(p, ws);
      listener.ready.complete(null);
      return self[0];
    } catch (RuntimeException | IOException | InterruptedException e) {
      kill(p);
      throw e;
    } catch (Exception e) {
      kill(p);
      throw new IllegalStateException("Cannot attach to chromium: " + e, e);
    }
  }

  private static String devToolsUrl(Process p) throws IOException {
    Pattern ws = Pattern.compile("DevTools listening on (ws://\\S+)");
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    String line;
    while ((line = r.readLine()) != null) {
      Matcher m = ws.matcher(line);
      if (m.find()) {
        // Keep draining stderr so the browser never blocks on a full pipe.
        Thread drain = new Thread(() -> {
          try {
            while (r.readLine() != null) {
              // discard
            }
          } catch (IOException ignored) {
            // the browser went away
          }
        }, "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
      seen.add(line);
    }
    throw new IllegalStateException("chromium exited before it listened for DevTools: " + seen);
  }

  private static final class Listener implements WebSocket.Listener {
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final Chromium[] self;
    final StringBuilder buffer = new StringBuilder();

    Listener(Chromium[] self) {
      this.self = self;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String message = buffer.toString();
        buffer.setLength(0);
        ready.join();
        self[0].receive(message);
      }
      webSocket.request(1);
      return null;
    }
  }

  private void receive(String message) {
    try {
      JsonNode n = JSON.readTree(message);
      if (n.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(n.path("id").asInt());
        if (f != null) {
          f.complete(n);
        }
      } else {
        events.add(n);
      }
    } catch (IOException e) {
      events.add(JSON.createObjectNode().put("method", "ebaudit.unreadable").put("text", message));
    }
  }

  /** Sends a DevTools command and returns its {@code result}; a protocol error fails. */
  public JsonNode send(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params == null ? JSON.createObjectNode() : params);
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    socket.sendText(msg.toString(), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    JsonNode reply = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.path("error"));
    }
    return reply.path("result");
  }

  public static ObjectNode params() {
    return JSON.createObjectNode();
  }

  /** Waits until an event named {@code method} has arrived. */
  public void await(String method) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (events(method).isEmpty()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("no " + method + " from chromium; events: " + events.size());
      }
      Thread.sleep(50);
    }
  }

  /** The events received so far named {@code method}. */
  public List<JsonNode> events(String method) {
    return events.stream().filter(e -> method.equals(e.path("method").asText())).toList();
  }

  @Override
  public void close() {
    socket.abort();
    kill(process);
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
