package io.ebaudit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3ProxyServer through the real hadoop-aws s3a client and through Spark. */
class S3ProxyServerTest {

  private static final String DAY = "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/";
  private static final String DAY_FILE = DAY + "x.json.gz";
  private static final String OTHER_DAY_FILE =
      "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/21/y.json.gz";
  private static final List<String> LINES =
      List.of(
          "{\"eventName\":\"CreateEnvironment\",\"eventSource\":\"elasticbeanstalk.amazonaws.com\"}",
          "{\"eventName\":\"UpdateEnvironment\",\"eventSource\":\"elasticbeanstalk.amazonaws.com\"}",
          "{\"eventName\":\"TerminateEnvironment\",\"eventSource\":\"elasticbeanstalk.amazonaws.com\"}");

  @TempDir static java.nio.file.Path tmp;

  static S3ProxyServer server;
  static Configuration conf;
  static String bucket;
  static byte[] dayFileBytes;

  @BeforeAll
  static void uploadTree() throws IOException {
    server = S3ProxyServer.shared();
    System.out.printf("S3Proxy at %s started in %d ms%n", server.endpoint(), server.startMillis());
    conf = S3aTestSupport.hadoopConf(server);
    bucket = server.createBucket("trail-" + UUID.randomUUID().toString().substring(0, 8));

    java.nio.file.Path local = tmp.resolve("tree");
    dayFileBytes = gzip(String.join("\n", LINES) + "\n");
    write(local.resolve(DAY_FILE), dayFileBytes);
    write(local.resolve(DAY + "nested/z.json.gz"), gzip("{}\n"));
    write(local.resolve(OTHER_DAY_FILE), gzip("{}\n"));
    List<Path> uploaded = S3aTestSupport.upload(local, S3aTestSupport.s3aUri(bucket, ""), conf);
    assertThat(uploaded).hasSize(3);
  }

  @Test
  void serverAnswersOnLoopback() {
    assertThat(server.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(S3ProxyServer.shared()).isSameAs(server);
    assertThat(server.s3aSettings())
        .containsEntry("fs.s3a.endpoint", server.endpoint())
        .containsEntry("fs.s3a.path.style.access", "true")
        .containsEntry("fs.s3a.access.key", server.accessKey())
        .containsEntry("fs.s3a.secret.key", server.secretKey());
    // The filesystem backend: a bucket is a directory under the base dir.
    assertThat(server.dataDir().resolve(bucket)).isDirectory();
    assertThat(server.createBucket(bucket)).as("creating an own bucket again").isEqualTo(bucket);
  }

  @Test
  void listsDayPrefixNonRecursivelyAndRecursively() throws IOException {
    FileSystem fs = fs();
    FileStatus[] day = fs.listStatus(new Path(S3aTestSupport.s3aUri(bucket, DAY)));
    assertThat(Arrays.stream(day).map(s -> s.getPath().getName() + (s.isDirectory() ? "/" : "")))
        .containsExactlyInAnyOrder("x.json.gz", "nested/");
    FileStatus x =
        Arrays.stream(day).filter(s -> s.getPath().getName().equals("x.json.gz")).findFirst().get();
    assertThat(x.getLen()).isEqualTo(dayFileBytes.length);

    List<String> all = new java.util.ArrayList<>();
    RemoteIterator<LocatedFileStatus> it =
        fs.listFiles(new Path(S3aTestSupport.s3aUri(bucket, "AWSLogs/")), true);
    while (it.hasNext()) {
      all.add(it.next().getPath().toUri().getPath());
    }
    assertThat(all)
        .containsExactlyInAnyOrder(
            "/" + DAY_FILE, "/" + DAY + "nested/z.json.gz", "/" + OTHER_DAY_FILE);
  }

  @Test
  void readsObjectBack() throws IOException {
    try (InputStream in = fs().open(new Path(S3aTestSupport.s3aUri(bucket, DAY_FILE)))) {
      assertThat(in.readAllBytes()).isEqualTo(dayFileBytes);
    }
  }

  @Test
  void missingKeyIsFileNotFound() {
    Path missing = new Path(S3aTestSupport.s3aUri(bucket, DAY + "missing.json.gz"));
    assertThatThrownBy(() -> fs().getFileStatus(missing)).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> fs().open(missing).close()).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void deletesAPrefix() throws IOException {
    // Recursive delete goes through S3's multi-object DeleteObjects call.
    String b = server.createBucket("trail-del-" + UUID.randomUUID().toString().substring(0, 8));
    java.nio.file.Path local = tmp.resolve("del");
    write(local.resolve("a/1.json.gz"), gzip("{}\n"));
    write(local.resolve("a/2.json.gz"), gzip("{}\n"));
    write(local.resolve("b/3.json.gz"), gzip("{}\n"));
    S3aTestSupport.upload(local, S3aTestSupport.s3aUri(b, "p"), conf);
    FileSystem fs = S3aTestSupport.fileSystem(S3aTestSupport.s3aUri(b, ""), conf);

    assertThat(fs.delete(new Path(S3aTestSupport.s3aUri(b, "p/a")), true)).isTrue();

    assertThat(fs.exists(new Path(S3aTestSupport.s3aUri(b, "p/a/1.json.gz")))).isFalse();
    assertThat(fs.exists(new Path(S3aTestSupport.s3aUri(b, "p/b/3.json.gz")))).isTrue();
  }

  @Test
  void jarMissingFailsClearly() {
    String before = System.getProperty("s3proxy.jar");
    System.setProperty("s3proxy.jar", tmp.resolve("no-such-s3proxy.jar").toString());
    try {
      assertThatThrownBy(S3ProxyServer::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("S3Proxy jar not found at")
          .hasMessageContaining("no-such-s3proxy.jar");
    } finally {
      restore("s3proxy.jar", before);
    }
  }

  @Test
  void emptyDirectoryMarkerIsADirectory() throws IOException {
    // s3a's mkdirs writes a "dir/" marker object; the filesystem backend must list it as a prefix.
    Path empty = new Path(S3aTestSupport.s3aUri(bucket, "scratch/empty"));
    assertThat(fs().mkdirs(empty)).isTrue();
    assertThat(fs().getFileStatus(empty).isDirectory()).isTrue();
    assertThat(fs().listStatus(empty)).isEmpty();
    assertThat(fs().listStatus(new Path(S3aTestSupport.s3aUri(bucket, "scratch/"))))
        .extracting(s -> s.getPath().getName())
        .containsExactly("empty");
  }

  @Test
  void childThatDiesAtStartFailsWithItsLogTail() throws IOException {
    java.nio.file.Path notAJar = tmp.resolve("broken-s3proxy.jar");
    Files.writeString(notAJar, "not a jar");
    String before = System.getProperty("s3proxy.jar");
    System.setProperty("s3proxy.jar", notAJar.toString());
    try {
      assertThatThrownBy(S3ProxyServer::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("S3Proxy exited during start")
          .hasMessageContaining("S3Proxy log tail")
          .hasMessageContaining("jarfile");
    } finally {
      restore("s3proxy.jar", before);
    }
  }

  @Test
  void sparkReadsTheUploadedFile() {
    SparkSession spark = TestSpark.session();
    S3aTestSupport.configure(spark, server);

    List<String> lines =
        spark.read().text(S3aTestSupport.s3aUri(bucket, DAY_FILE)).as(
                org.apache.spark.sql.Encoders.STRING())
            .collectAsList();

    assertThat(lines).containsExactlyElementsOf(LINES);
    assertThat(spark.read().text(S3aTestSupport.s3aUri(bucket, DAY_FILE)).count()).isEqualTo(3);
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  private static FileSystem fs() {
    return S3aTestSupport.fileSystem(S3aTestSupport.s3aUri(bucket, ""), conf);
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static void write(java.nio.file.Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }
}
