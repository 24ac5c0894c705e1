package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.ebaudit.trail.TrailDiscovery;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark's baseline (jobs/bench): the same log files through Spark's own JSON reader with an
 * explicit schema, exploded and written like the events table. Not for production use.
 */
@Command(name = "bench-spark-json", hidden = true,
    description = "Benchmark baseline: Spark's JSON reader over the same files, written as Parquet.")
public final class BenchSparkJsonCommand implements Callable<Integer> {
  @Option(names = "--trail", required = true) String trail;
  @Option(names = "--out", required = true) String out;

  static final StructType IDENTITY = new StructType()
      .add("type", StringType).add("principalId", StringType).add("arn", StringType).add("accountId", StringType)
      .add("accessKeyId", StringType).add("userName", StringType).add("invokedBy", StringType)
      .add("sessionContext", new StructType()
          .add("sessionIssuer", new StructType().add("type", StringType).add("arn", StringType)
              .add("accountId", StringType).add("userName", StringType))
          .add("attributes", new StructType().add("mfaAuthenticated", StringType).add("creationDate", StringType)));

  static final StructType RECORD = new StructType()
      .add("eventVersion", StringType).add("userIdentity", IDENTITY).add("eventTime", StringType)
      .add("eventSource", StringType).add("eventName", StringType).add("awsRegion", StringType)
      .add("sourceIPAddress", StringType).add("userAgent", StringType).add("errorCode", StringType)
      .add("errorMessage", StringType).add("requestParameters", StringType).add("responseElements", StringType)
      .add("additionalEventData", StringType).add("requestID", StringType).add("eventID", StringType)
      .add("eventType", StringType).add("readOnly", StringType).add("managementEvent", StringType)
      .add("eventCategory", StringType).add("recipientAccountId", StringType).add("sharedEventID", StringType)
      .add("resources", createArrayType(new StructType().add("ARN", StringType).add("accountId", StringType)
          .add("type", StringType)))
      .add("tlsDetails", new StructType().add("tlsVersion", StringType).add("cipherSuite", StringType)
          .add("clientProvidedHostHeader", StringType))
      .add("addendum", new StructType().add("reason", StringType).add("updatedFields", StringType)
          .add("originalRequestID", StringType).add("originalEventID", StringType));

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    SparkSession spark = SparkSessions.forCli("bench-spark-json");
    System.err.printf("ebaudit: spark session started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    long t1 = System.nanoTime();
    // The same file list ingest reads, so both read exactly the same bytes.
    List<String> files = new TrailDiscovery(spark.sparkContext().hadoopConfiguration(), TrailDiscovery.Filter.all(), 16, null)
        .discover(List.of(trail)).logs().stream().map(TrailDiscovery.LogObject::path).toList();
    Dataset<Row> records = spark.read().schema(new StructType().add("Records", createArrayType(RECORD)))
        .json(files.toArray(String[]::new))
        .select(explode(col("Records")).as("r"))
        .select(col("r.*"))
        .withColumn("event_time", to_timestamp(col("eventTime")))
        .withColumn("event_date", to_date(col("event_time")));
    records.write().mode(SaveMode.Overwrite).partitionBy("event_date").parquet(out);
    System.err.printf("ebaudit: spark-json read+write took %.1f s for %d files%n", (System.nanoTime() - t1) / 1e9, files.size());
    return 0;
  }
}
