package io.ebaudit.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.platforms.Lifecycle;
import io.ebaudit.platforms.PlatformCatalog;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.S3ProxyServer;
import io.ebaudit.testing.S3aTestSupport;
import io.ebaudit.testing.SparkSuite;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** analyze's --platforms and --metrics inputs read through hadoop-aws s3a from S3Proxy on 127.0.0.1. */
public class S3PostureInputsTest extends SparkSuite {
  @org.junit.Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void platformExportsAndMetricStreamsReadFromS3a() throws Exception {
    S3ProxyServer server = S3ProxyServer.shared();
    S3aTestSupport.configure(spark(), server);
    Configuration conf = spark().sparkContext().hadoopConfiguration();
    String bucket = server.createBucket("ebaudit-posture-inputs");
    java.nio.file.Path local = tmp.newFolder("sample").toPath();
    SampleResult sample = TrailGenerator.generate(SampleSpec.defaults(local).withWindow(LocalDate.of(2026, 11, 20), 1));
    S3aTestSupport.upload(sample.platformsDir(), S3aTestSupport.s3aUri(bucket, "exports/platforms/"), conf);
    java.nio.file.Path metrics = local.resolve(TrailGenerator.METRICS_DIR);
    // Firehose's layout: YYYY/MM/DD/HH under the stream's prefix.
    S3aTestSupport.upload(metrics, S3aTestSupport.s3aUri(bucket, "streams/2026/11/20/12/"), conf);

    PlatformCatalog catalog = PlatformExports.read(conf, List.of(S3aTestSupport.s3aUri(bucket, "exports/platforms")));
    assertThat(catalog.branch("Node.js 16 running on 64bit Amazon Linux 2").orElseThrow().lifecycle())
        .isEqualTo(Lifecycle.DEPRECATED);
    // Dated by the object's Last-Modified, just written.
    assertThat(catalog.asOf()).isEqualTo(LocalDate.now(ZoneOffset.UTC));

    // The same records as the local copy (plain and gzip files), every one of them.
    long lines = MetricStreams.read(spark(), List.of(metrics.toString())).count();
    assertThat(lines).isPositive();
    assertThat(MetricStreams.read(spark(), List.of(S3aTestSupport.s3aUri(bucket, "streams"))).count()).isEqualTo(lines);
  }
}
