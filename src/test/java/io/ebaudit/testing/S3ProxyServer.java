package io.ebaudit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real S3-compatible server on 127.0.0.1 for tests: S3Proxy with its filesystem backend, run as a
 * <em>child JVM</em> (in-process its Jackson clashes with Spark's).
 *
 * <p>The jar comes from the system property {@code s3proxy.jar} (Surefire sets it to
 * {@code target/test-tools/s3proxy.jar}, which the pom copies there in {@code process-test-resources});
 * without the property, {@code target/test-tools/s3proxy.jar} under the working directory is tried, so
 * IDE runs work after one {@code mvn test-compile}. The child runs on the current JVM's {@code java}.
 * S3Proxy 4.1.0's classes target Java 17 (manifest {@code Java-Version: 17}, class version 61), so the
 * build JDK 17 is enough; should a later S3Proxy need a newer Java, point the system property
 * {@code s3proxy.java} at that {@code java} binary (e.g. {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}).
 *
 * <p>Use {@link #shared()} in tests: one server per test JVM (a start costs 1-2 s), stopped by a
 * shutdown hook. Give each test its own bucket ({@link #createBucket}) instead of sharing keys.
 */
public final class S3ProxyServer implements AutoCloseable {

  /** Fixed test identity; S3Proxy checks AWS v2 and v4 signatures against these. */
  private static final String ACCESS_KEY = "ebaudit-test";

  private static final String SECRET_KEY = "ebaudit-test-secret";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private static S3ProxyServer shared;

  private final Path workDir;
  private final Path logFile;
  private final int port;
  private final Process process;
  private final Thread shutdownHook;
  private final long startMillis;
  private boolean closed;

  /** The one server of this test JVM, started on first use; stopped when the JVM exits. */
  public static synchronized S3ProxyServer shared() {
    if (shared == null || shared.closed || !shared.process.isAlive()) {
      shared = start();
    }
    return shared;
  }

  /** Starts a new server; the caller closes it (a shutdown hook stops it otherwise). */
  public static S3ProxyServer start() {
    Path jar = locateJar();
    try {
      // A free port can be taken between probing and the child binding it; retry once then.
      try {
        return new S3ProxyServer(jar);
      } catch (PortTakenException e) {
        return new S3ProxyServer(jar);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not start S3Proxy from " + jar, e);
    }
  }

  private S3ProxyServer(Path jar) throws IOException {
    long t0 = System.nanoTime();
    this.workDir = Files.createTempDirectory("ebaudit-s3proxy-");
    Path data = Files.createDirectories(workDir.resolve("data"));
    this.logFile = workDir.resolve("s3proxy.log");
    this.port = freePort();

    Properties props = new Properties();
    props.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    props.setProperty("s3proxy.identity", ACCESS_KEY);
    props.setProperty("s3proxy.credential", SECRET_KEY);
    props.setProperty("jclouds.provider", "filesystem");
    props.setProperty("jclouds.filesystem.basedir", data.toString());
    // jclouds wants an identity/credential even for the filesystem provider; they are not checked.
    props.setProperty("jclouds.identity", "local");
    props.setProperty("jclouds.credential", "local");
    Path propsFile = workDir.resolve("s3proxy.properties");
    try (var out = Files.newOutputStream(propsFile)) {
      props.store(out, "ebaudit test S3Proxy");
    }

    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    // A small, quickly started JVM: the server only shuffles a few test files.
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djava.io.tmpdir=" + workDir);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.add("--properties");
    cmd.add(propsFile.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
    // S3Proxy's logback.xml reads these; keep the log small (it is only shown when a start fails).
    pb.environment().put("LOG_LEVEL", "warn");
    pb.environment().put("JETTY_LOG_LEVEL", "warn");
    this.process = pb.start();
    this.shutdownHook = new Thread(this::stop, "s3proxy-shutdown-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      awaitReady();
    } catch (RuntimeException | IOException e) {
      String tail = logTail();
      stop();
      removeHook();
      if (tail.contains("Address already in use")) {
        throw new PortTakenException();
      }
      throw new IllegalStateException(
          e.getMessage() + "\n--- S3Proxy log tail (" + logFile + ") ---\n" + tail, e);
    }
    this.startMillis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return ACCESS_KEY;
  }

  public String secretKey() {
    return SECRET_KEY;
  }

  /** How long the start took, from launching the child JVM until it answered HTTP. */
  public long startMillis() {
    return startMillis;
  }

  /** The filesystem backend's base directory: one subdirectory per bucket. Read-only use, please. */
  public Path dataDir() {
    return workDir.resolve("data");
  }

  /**
   * Creates a bucket through the server (a signed S3 {@code PUT /bucket}); an existing bucket of ours
   * is fine. Returns the name, for chaining.
   */
  public String createBucket(String bucket) {
    if (!BUCKET_NAME.matcher(bucket).matches()) {
      throw new IllegalArgumentException("not a valid S3 bucket name: " + bucket);
    }
    try {
      HttpURLConnection c = signedRequest("PUT", "/" + bucket);
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(0);
      c.getOutputStream().close();
      int status = c.getResponseCode();
      String body = readBody(c);
      // 409 BucketAlreadyOwnedByYou: we made it before (S3 semantics outside us-east-1).
      if (status != 200 && !(status == 409 && body.contains("BucketAlreadyOwnedByYou"))) {
        throw new IllegalStateException(
            "S3Proxy refused to create bucket " + bucket + ": HTTP " + status + " " + body);
      }
      return bucket;
    } catch (IOException e) {
      throw new UncheckedIOException("create bucket " + bucket + " at " + endpoint(), e);
    }
  }

  /** The Hadoop settings that make s3a talk to this server, fail fast, and suit S3Proxy. */
  public Map<String, String> s3aSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("fs.s3a.endpoint", endpoint());
    s.put("fs.s3a.endpoint.region", "us-east-1");
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.connection.ssl.enabled", "false");
    s.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s.put("fs.s3a.access.key", ACCESS_KEY);
    s.put("fs.s3a.secret.key", SECRET_KEY);
    // Don't probe buckets at FileSystem init (one request saved; a missing bucket fails on use).
    s.put("fs.s3a.bucket.probe", "0");
    // Fail fast: a broken test should not sit in SDK and s3a retries for minutes.
    s.put("fs.s3a.attempts.maximum", "1");
    s.put("fs.s3a.retry.limit", "1");
    s.put("fs.s3a.retry.interval", "100ms");
    s.put("fs.s3a.retry.throttle.limit", "2");
    s.put("fs.s3a.retry.throttle.interval", "100ms");
    s.put("fs.s3a.connection.establish.timeout", "5000");
    s.put("fs.s3a.connection.timeout", "30000");
    s.put("fs.s3a.connection.maximum", "16");
    s.put("fs.s3a.threads.max", "8");
    // fs.s3a.change.detection.* stays at its default (mode=server, source=etag): S3Proxy returns
    // ETags and honours If-Match on ranged GETs, so tests read like production s3a does. Except for
    // directory marker objects (an empty folder), which its filesystem backend stores as a folder and
    // answers without an ETag; a rename copies them, and S3 itself always has one.
    s.put("fs.s3a.change.detection.version.required", "false");
    return s;
  }

  /** Stops the child JVM and removes its data; idempotent. */
  @Override
  public synchronized void close() {
    stop();
    removeHook();
  }

  private synchronized void stop() {
    if (closed) {
      return;
    }
    closed = true;
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(workDir);
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running or has run.
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "S3Proxy exited during start with code " + process.exitValue());
      }
      try {
        // Any HTTP answer (an anonymous GET / is 403 AccessDenied) means Jetty serves S3 requests.
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint() + "/").openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        c.getResponseCode();
        c.disconnect();
        return;
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for S3Proxy", e);
      }
    }
    throw new IllegalStateException(
        "S3Proxy did not answer on " + endpoint() + " within " + START_TIMEOUT.toSeconds() + " s"
            + (last == null ? "" : " (last error: " + last + ")"));
  }

  /** An AWS signature v2 request: enough for bucket creation, no SDK needed. */
  private HttpURLConnection signedRequest(String method, String resource) throws IOException {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
    String toSign = method + "\n\n\n" + date + "\n" + resource;
    String signature;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(SECRET_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      signature =
          Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    HttpURLConnection c =
        (HttpURLConnection) URI.create(endpoint() + resource).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5000);
    c.setReadTimeout(30000);
    c.setRequestProperty("Date", date);
    c.setRequestProperty("Authorization", "AWS " + ACCESS_KEY + ":" + signature);
    return c;
  }

  private static String readBody(HttpURLConnection c) throws IOException {
    InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream();
    if (in == null) {
      return "";
    }
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static Path locateJar() {
    String prop = System.getProperty("s3proxy.jar");
    Path jar =
        prop != null && !prop.isBlank()
            ? Paths.get(prop)
            : Paths.get("target", "test-tools", "s3proxy.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "S3Proxy jar not found at "
              + jar
              + (prop == null ? " (system property s3proxy.jar is not set)" : "")
              + ". Run the tests through Maven (`mvn -o -B test`): the pom copies "
              + "org.gaul:s3proxy:jar-with-dependencies there in process-test-resources.");
    }
    return jar;
  }

  private static String javaBinary() {
    String override = System.getProperty("s3proxy.java");
    if (override != null && !override.isBlank()) {
      return override;
    }
    return ProcessHandle.current()
        .info()
        .command()
        .filter(c -> Files.isExecutable(Paths.get(c)))
        .orElseGet(() -> Paths.get(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: it is a temp dir.
    }
  }

  @Override
  public String toString() {
    return "S3ProxyServer[" + endpoint() + (closed ? ", closed" : "") + "]";
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException() {
      super("port taken", null, false, false);
    }
  }
}
