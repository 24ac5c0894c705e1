package io.ebaudit.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A CloudWatch endpoint on 127.0.0.1 (an ephemeral port) that speaks what the AWS SDK for Java v2's
 * CloudWatch client speaks since 2.46: Smithy RPCv2 CBOR ({@code POST /service/GraniteServiceVersion20100801/operation/<Op>},
 * {@code application/cbor} both ways, timestamps as CBOR tag 1 epoch seconds; errors as
 * {@code {"__type": "…#Code", "message": …}} with the awsQueryCompatible header {@code x-amzn-query-error: Code;Sender}).
 * It records every request (operation, headers, the decoded CBOR body) and answers through a handler.
 */
public final class CloudWatchLoopback implements AutoCloseable {
  public static final String PREFIX = "/service/GraniteServiceVersion20100801/operation/";
  private static final CBORMapper CBOR = new CBORMapper();

  /** One request as the server saw it. */
  public record Request(String method, String path, String operation, Map<String, List<String>> headers, JsonNode body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** One reply. */
  public record Reply(int status, Map<String, String> headers, byte[] body) {}

  private final HttpServer server;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  private CloudWatchLoopback(Function<Request, Reply> handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        Request r = read(exchange);
        requests.add(r);
        Reply reply;
        try {
          reply = handler.apply(r);
        } catch (RuntimeException e) {
          reply = error(500, "InternalFailure", "test handler failed: " + e);
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        if (reply.body().length > 0) {
          exchange.getResponseBody().write(reply.body());
        }
      }
    });
    server.start();
  }

  public static CloudWatchLoopback start(Function<Request, Reply> handler) {
    try {
      return new CloudWatchLoopback(handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public List<Request> requests(String operation) {
    return requests().stream().filter(r -> operation.equals(r.operation())).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static Request read(HttpExchange x) throws IOException {
    byte[] raw;
    try (InputStream in = x.getRequestBody()) {
      raw = in.readAllBytes();
    }
    String enc = x.getRequestHeaders().getFirst("Content-Encoding");
    if (enc != null && enc.toLowerCase().contains("gzip")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      }
    }
    String path = x.getRequestURI().getPath();
    String op = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : null;
    JsonNode body = raw.length == 0 ? null : CBOR.readTree(raw);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    x.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
    return new Request(x.getRequestMethod(), path, op, headers, body);
  }

  // ---- replies ----

  private static Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/cbor");
    h.put("smithy-protocol", "rpc-v2-cbor");
    h.put("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    return h;
  }

  /** 200 with {@code body} (maps, lists, strings, numbers, booleans, {@link Instant}s as tag 1) in CBOR. */
  public static Reply ok(Object body) {
    return new Reply(200, headers(), cbor(body));
  }

  /** An AWS error: {@code __type}, {@code message}, and the query-compatible code header. */
  public static Reply error(int status, String code, String message) {
    Map<String, String> h = headers();
    h.put("x-amzn-query-error", code + ";Sender");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("__type", "com.amazonaws.cloudwatch#" + code);
    body.put("message", message);
    return new Reply(status, h, cbor(body));
  }

  /** CloudWatch's throttling answer (the SDK retries it with its throttling backoff). */
  public static Reply throttling() {
    return error(400, "Throttling", "Rate exceeded");
  }

  public static byte[] cbor(Object tree) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
        write(g, tree);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(CBORGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object o : l) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Instant t) {
      g.writeTag(1);
      g.writeNumber(t.toEpochMilli() / 1000.0);
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      throw new IllegalArgumentException("cannot encode " + v.getClass());
    }
  }

  /** A small map literal: {@code map("a", 1, "b", "x")}, insertion-ordered, nulls allowed. */
  public static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
