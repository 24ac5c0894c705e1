package io.ebaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.io.Storage;
import io.ebaudit.testing.S3ProxyServer;
import io.ebaudit.testing.S3aTestSupport;
import io.ebaudit.testing.SparkSuite;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.Test;

/** The findings writer through hadoop-aws s3a against S3Proxy on 127.0.0.1. */
public class S3FindingWriterTest extends SparkSuite {
  @Test
  public void writesTheThreeOutputsToS3a() throws Exception {
    S3ProxyServer server = S3ProxyServer.shared();
    S3aTestSupport.configure(spark(), server);
    String bucket = server.createBucket("ebaudit-findings-test");
    String dir = S3aTestSupport.s3aUri(bucket, "run/findings");
    FindingWriter.write(Findings.of(spark(), List.of(
        Findings.simple("eb_a", "=cmd", "p", "r1"), Findings.simple("eb_b", "web", "p", "r2"))), dir);

    Configuration conf = spark().sparkContext().hadoopConfiguration();
    assertThat(spark().read().schema(FindingSchema.FINDINGS).parquet(dir + "/parquet").count()).isEqualTo(2);
    assertThat(Storage.readText(conf, dir + "/findings.jsonl", "findings").lines()).hasSize(2);
    String csv = Storage.readText(conf, dir + "/findings.csv", "findings");
    assertThat(csv.split("\r\n")).hasSize(3);
    assertThat(csv).contains(",'=cmd,");
    // nothing but the three outputs next to each other
    assertThat(S3aTestSupport.fileSystem(dir, conf).listStatus(new org.apache.hadoop.fs.Path(dir)))
        .extracting(s -> s.getPath().getName()).containsExactlyInAnyOrder("parquet", "findings.jsonl", "findings.csv");
  }
}
