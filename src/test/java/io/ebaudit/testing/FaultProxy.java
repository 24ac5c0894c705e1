package io.ebaudit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on 127.0.0.1 in front of an S3-compatible server that injects the faults S3 produces:
 * {@code 503 SlowDown} (with S3's XML error body), {@code 500 InternalError}, and connections reset before
 * or in the middle of a response. Point s3a at it per bucket ({@code fs.s3a.bucket.<b>.endpoint}).
 *
 * <p>Each connection carries one request: the proxy reads the request head, asks its rules whether to
 * fail it, and otherwise forwards it with {@code Connection: close}, then pipes bytes both ways. Rules are
 * tried in order; the first that matches and still has faults left answers.
 */
public final class FaultProxy implements AutoCloseable {

  /** What to do to a request. */
  public enum Fault { SLOW_DOWN, INTERNAL_ERROR, RESET, RESET_MID_RESPONSE }

  /** One request as seen by the rules. */
  public record Request(String method, String target, Map<String, String> headers) {
    public boolean isList() {
      return method.equals("GET") && target.contains("list-type=");
    }

    public boolean isPut() {
      return method.equals("PUT") || method.equals("POST");
    }

    public boolean isCopy() {
      return method.equals("PUT") && headers.containsKey("x-amz-copy-source");
    }

    public boolean isGetObject() {
      return method.equals("GET") && !target.contains("?");
    }
  }

  private static final class Rule {
    final String name;
    final Predicate<Request> when;
    final Fault fault;
    final int every;
    final AtomicInteger left;
    final AtomicInteger seen = new AtomicInteger();

    Rule(String name, Predicate<Request> when, Fault fault, int every, int times) {
      this.name = name;
      this.when = when;
      this.fault = fault;
      this.every = every;
      this.left = new AtomicInteger(times);
    }
  }

  private final ServerSocket server;
  private final int upstreamPort;
  private final List<Rule> rules = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> injected = new ConcurrentHashMap<>();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  /** Starts a proxy to {@code upstreamPort} on 127.0.0.1. */
  public FaultProxy(int upstreamPort) {
    this.upstreamPort = upstreamPort;
    try {
      this.server = new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pool.submit(this::accept);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /**
   * Fails every {@code every}-th request matching {@code when} with {@code fault}, {@code times} times at
   * most ({@link Integer#MAX_VALUE}: always).
   */
  public FaultProxy fail(String name, Predicate<Request> when, Fault fault, int every, int times) {
    rules.add(new Rule(name, when, fault, every, times));
    return this;
  }

  /** How many faults the rule {@code name} injected. */
  public int injected(String name) {
    AtomicInteger n = injected.get(name);
    return n == null ? 0 : n.get();
  }

  public int forwarded() {
    return forwarded.get();
  }

  /** Stops injecting: every request is forwarded from now on. */
  public void heal() {
    rules.clear();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    pool.shutdownNow();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        pool.submit(() -> handle(client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("fault-proxy: accept failed: " + e);
        }
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
      }
      Request req = new Request(requestLine[0], requestLine.length > 1 ? requestLine[1] : "/", headers);
      Fault fault = decide(req);
      if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR) {
        respondError(client.getOutputStream(), req, fault);
        return;
      }
      if (fault == Fault.RESET) {
        reset(client);
        return;
      }
      forwarded.incrementAndGet();
      forward(client, in, lines, fault == Fault.RESET_MID_RESPONSE);
    } catch (IOException e) {
      // the client went away: nothing to do
    }
  }

  private Fault decide(Request req) {
    for (Rule r : rules) {
      if (!r.when.test(req)) {
        continue;
      }
      int n = r.seen.incrementAndGet();
      if (n % r.every != 0) {
        continue;
      }
      if (r.left.getAndUpdate(x -> x > 0 ? x - 1 : 0) <= 0) {
        continue;
      }
      injected.computeIfAbsent(r.name, k -> new AtomicInteger()).incrementAndGet();
      return r.fault;
    }
    return null;
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (true) {
      int c = in.read();
      if (c < 0) {
        return b.size() == 0 ? null : b.toByteArray();
      }
      b.write(c);
      state = switch (state) {
        case 0 -> c == '\r' ? 1 : 0;
        case 1 -> c == '\n' ? 2 : (c == '\r' ? 1 : 0);
        case 2 -> c == '\r' ? 3 : 0;
        case 3 -> c == '\n' ? 4 : (c == '\r' ? 1 : 0);
        default -> 0;
      };
      if (state == 4) {
        return b.toByteArray();
      }
      if (b.size() > 1 << 20) {
        throw new IOException("request head too large");
      }
    }
  }

  private static void respondError(OutputStream out, Request req, Fault fault) throws IOException {
    boolean slow = fault == Fault.SLOW_DOWN;
    String code = slow ? "SlowDown" : "InternalError";
    String message = slow ? "Please reduce your request rate." : "We encountered an internal error. Please try again.";
    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
        + "</Message><RequestId>FAULTPROXY0000001</RequestId><HostId>ZmF1bHQtcHJveHk=</HostId></Error>";
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String status = slow ? "503 Slow Down" : "500 Internal Server Error";
    String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + b.length
        + "\r\nx-amz-request-id: FAULTPROXY0000001\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (!req.method().equals("HEAD")) {
      out.write(b);
    }
    out.flush();
  }

  private static void reset(Socket s) throws IOException {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // closing anyway
    }
    s.close();
  }

  private void forward(Socket client, InputStream clientIn, String[] lines, boolean cutResponse) throws IOException {
    try (Socket up = new Socket(InetAddress.getByName("127.0.0.1"), upstreamPort)) {
      StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
      for (int i = 1; i < lines.length; i++) {
        String l = lines[i].toLowerCase(Locale.ROOT);
        if (l.startsWith("connection:") || l.startsWith("keep-alive:") || lines[i].isEmpty()) {
          continue;
        }
        head.append(lines[i]).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      OutputStream upOut = up.getOutputStream();
      upOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      upOut.flush();
      // The body (if any) goes up as it comes; the response comes back until the server closes.
      pool.submit(() -> {
        try {
          clientIn.transferTo(upOut);
        } catch (IOException e) {
          // either side closed
        }
      });
      InputStream upIn = up.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] buf = new byte[8192];
      long sent = 0;
      int n;
      while ((n = upIn.read(buf)) >= 0) {
        if (cutResponse && sent + n > 200) {
          out.write(buf, 0, (int) Math.max(0, 200 - sent));
          out.flush();
          reset(client);
          return;
        }
        out.write(buf, 0, n);
        sent += n;
      }
      out.flush();
    }
  }

  /** Rules as a list, for messages. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Rule r : rules) {
      out.add(r.name + ": " + r.fault + " every " + r.every + ", " + injected(r.name) + " injected");
    }
    return out;
  }
}
