package io.ebaudit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.testing.CloudWatchLoopback;
import io.ebaudit.testing.FakeCloudWatch;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EMR job jar (after {@code package}): the AWS SDK v2 is relocated under {@code io.ebaudit.shaded}, so
 * EMR's own SDK cannot clash with it, and the relocated client still works: {@code export-metrics} runs
 * from the jar in a child JVM whose classpath holds no unrelocated SDK, against a loopback CloudWatch.
 */
class ShadedJarIT {
  static final Path JAR = Paths.get(System.getProperty("emr.jar", "target/ebaudit-0.1.0-SNAPSHOT-emr.jar"));
  static final Path LIB = Paths.get(System.getProperty("runtime.lib", "target/lib"));

  static boolean holds(Path jar, String... prefixes) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.stream().anyMatch(e -> Arrays.stream(prefixes).anyMatch(p -> e.getName().startsWith(p)));
    }
  }

  @Test
  void theSdkIsRelocatedAndSlf4jLeftToTheCluster() throws IOException {
    assertThat(JAR).exists();
    assertThat(holds(JAR, "software/amazon/awssdk/", "org/reactivestreams/", "org/slf4j/")).isFalse();
    assertThat(holds(JAR, "io/ebaudit/shaded/awssdk/services/cloudwatch/CloudWatchClient.class")).isTrue();
    try (JarFile j = new JarFile(JAR.toFile())) {
      assertThat(j.getEntry("META-INF/services/io.ebaudit.shaded.awssdk.http.SdkHttpService")).isNotNull();
    }
  }

  @Test
  void exportMetricsRunsFromTheJar(@TempDir Path out) throws Exception {
    // The cluster's classpath, minus any unrelocated SDK: what works can only be the relocated copy.
    List<String> cp = new ArrayList<>(List.of(JAR.toAbsolutePath().toString()));
    try (var jars = Files.list(LIB)) {
      for (Path p : jars.sorted().toList()) {
        if (p.toString().endsWith(".jar") && !holds(p, "software/amazon/awssdk/", "org/reactivestreams/")) {
          cp.add(p.toAbsolutePath().toString());
        }
      }
    }
    FakeCloudWatch fake = new FakeCloudWatch();
    fake.pageSize = 2;
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    for (int i = 0; i < 3; i++) {
      fake.put("ApplicationRequestsTotal", Map.of("EnvironmentName", "shop-prod"), t.plusSeconds(60L * i), 5, 1, 12, 4);
    }
    fake.throttleFirst.set(1);
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake)) {
      List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
      cmd.addAll(Arrays.asList(System.getProperty("java17.opens", "").split("\\s+")));
      cmd.removeIf(String::isBlank);
      cmd.addAll(List.of("-cp", String.join(File.pathSeparator, cp), "io.ebaudit.jobs.Main", "export-metrics",
          "--from", "2026-11-20T09:00:00Z", "--to", "2026-11-20T11:00:00Z", "--environments", "shop-prod",
          "--region", "us-east-1", "--endpoint-url", server.endpoint().toString(), "--out", out.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDLOOPBACKTEST");
      pb.environment().put("AWS_SECRET_ACCESS_KEY", "loopback-secret");
      pb.environment().remove("AWS_PROFILE");
      Process p = pb.start();
      String output;
      try (InputStream in = p.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("exported 3 records of 8 series (7 missing, 0 incomplete)");
      // One throttled attempt, then two pages.
      assertThat(server.requests("GetMetricData")).hasSize(3);
      assertThat(server.requests("GetMetricData").get(0).header("User-Agent")).contains("aws-sdk-java/");
    }
    Path file = out.resolve("ebaudit-export-us-east-1-20261120T0900Z-20261120T1100Z.json.gz");
    String lines;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(lines.lines()).hasSize(3).allMatch(l -> l.contains("\"metric_name\":\"ApplicationRequestsTotal\""));
  }
}
