package io.ebaudit.io;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.permissions.EnvironmentRoles;
import io.ebaudit.permissions.Verdicts;
import io.ebaudit.posture.Platforms;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.report.FindingWriter;
import io.ebaudit.report.ReportInputs;
import io.ebaudit.report.RunManifest;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.IngestSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the tables of one report date ({@link ReportInputs}) through a {@link ReportLayout.Locator}:
 * a staging folder or {@code analyze} output, or a published date. A table that is not there is null.
 */
public final class ReportTables {
  private ReportTables() {}

  /** Table folders, relative to a run's output (the analyze layout). */
  public static final String FINDINGS = "findings/" + FindingWriter.PARQUET;
  public static final String CONFIG_CHANGES = "config_changes";
  public static final String BEANSTALK_EVENTS = "beanstalk_events";
  public static final String ENVIRONMENT_STATE = "environment_state";
  public static final String PLATFORMS = "platforms";
  public static final String COVERAGE = "coverage";
  public static final String IMDS = "imds";
  public static final String VERDICTS = "permissions/verdicts";
  public static final String ENVIRONMENT_ROLES = "permissions/environment_roles";
  public static final String POLICIES = "permissions/policies";
  public static final String IMPACT = "impact";
  public static final String QUARANTINE = "quarantine";
  /** Written by {@code analyze --metrics}: the lines that were not Metric Streams records. */
  public static final String METRICS_QUARANTINE = "metrics_quarantine";
  /** The digest verification table, when the run verified digests ({@code --verify-digests}). */
  public static final List<String> DIGEST = List.of("integrity/digest_verification");
  public static final String INGEST_SUMMARY = "ingest-summary.json";
  public static final String RUN_MANIFEST = "run.json";

  /**
   * @param previous the previous report date's locator, or null
   */
  public static ReportInputs read(SparkSession spark, ReportLayout.Locator at, LocalDate reportDate,
      LocalDate windowFrom, LocalDate windowTo, ReportLayout.Locator previous, LocalDate previousDate) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String findings = at.table(FINDINGS);
    if (!ReportLayout.exists(conf, findings)) {
      throw new IllegalArgumentException("Cannot render the report of " + reportDate
          + ": no findings table (run weekly for that date first), got " + findings);
    }
    Dataset<Row> digest = null;
    for (String d : DIGEST) {
      if (digest == null) {
        digest = untyped(spark, conf, at.table(d));
      }
    }
    ReportInputs.Previous prev = null;
    if (previous != null && ReportLayout.exists(conf, previous.table(FINDINGS))) {
      prev = new ReportInputs.Previous(previousDate,
          table(spark, conf, previous.table(FINDINGS), FindingSchema.FINDINGS),
          table(spark, conf, previous.table(PLATFORMS), Platforms.PLATFORMS),
          untyped(spark, conf, previous.table(IMDS)),
          table(spark, conf, previous.table(VERDICTS), Verdicts.VERDICTS),
          table(spark, conf, previous.table(CONFIG_CHANGES), BeanstalkSchemas.CONFIG_CHANGES));
    }
    String summary = at.runFile(INGEST_SUMMARY);
    String manifest = at.runFile(RUN_MANIFEST);
    return new ReportInputs(reportDate, windowFrom, windowTo,
        table(spark, conf, findings, FindingSchema.FINDINGS),
        table(spark, conf, at.table(CONFIG_CHANGES), BeanstalkSchemas.CONFIG_CHANGES),
        table(spark, conf, at.table(BEANSTALK_EVENTS), BeanstalkSchemas.BEANSTALK_EVENTS),
        table(spark, conf, at.table(ENVIRONMENT_STATE), BeanstalkSchemas.ENVIRONMENT_STATE),
        table(spark, conf, at.table(PLATFORMS), Platforms.PLATFORMS),
        untyped(spark, conf, at.table(COVERAGE)),
        untyped(spark, conf, at.table(IMDS)),
        table(spark, conf, at.table(VERDICTS), Verdicts.VERDICTS),
        table(spark, conf, at.table(ENVIRONMENT_ROLES), EnvironmentRoles.ENVIRONMENT_ROLES),
        table(spark, conf, at.table(IMPACT), ReportInputs.IMPACT),
        digest,
        quarantine(spark, conf, at.table(QUARANTINE)),
        hasFiles(conf, at.table(METRICS_QUARANTINE), ".json")
            ? spark.read().schema(MetricStreams.REJECTS).json(at.table(METRICS_QUARANTINE)) : null,
        ReportLayout.exists(conf, summary) ? IngestSummary.fromJson(Storage.readText(conf, summary, "ingest summary")) : null,
        ReportLayout.exists(conf, manifest) ? RunManifest.fromJson(Storage.readText(conf, manifest, "run.json")) : null,
        policyFiles(conf, at.table(POLICIES)),
        prev);
  }

  private static Dataset<Row> table(SparkSession spark, Configuration conf, String path, StructType schema) {
    return hasFiles(conf, path, ".parquet") ? spark.read().schema(schema).parquet(path) : null;
  }

  /** Tables whose schema is the stage's output (no constant): read with the Parquet files' own schema. */
  private static Dataset<Row> untyped(SparkSession spark, Configuration conf, String path) {
    return hasFiles(conf, path, ".parquet") ? spark.read().parquet(path) : null;
  }

  private static Dataset<Row> quarantine(SparkSession spark, Configuration conf, String path) {
    return hasFiles(conf, path, ".jsonl") ? spark.read().schema(EventSchema.QUARANTINE).json(path) : null;
  }

  private static boolean hasFiles(Configuration conf, String path, String suffix) {
    return !files(conf, path, suffix).isEmpty();
  }

  /** Files below {@code path} ending in {@code suffix}, relative to it; empty when it does not exist. */
  private static Set<String> files(Configuration conf, String path, String suffix) {
    Set<String> out = new TreeSet<>();
    Path root = new Path(path);
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return out;
      }
      Path base = fs.getFileStatus(root).getPath();
      String prefix = base.toUri().getPath();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        String name = f.getPath().getName();
        if (f.isFile() && name.endsWith(suffix) && !name.startsWith(".") && !name.startsWith("_")) {
          String rel = f.getPath().toUri().getPath().substring(prefix.length());
          out.add(rel.startsWith("/") ? rel.substring(1) : rel);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + path + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static Set<String> policyFiles(Configuration conf, String path) {
    Set<String> out = new TreeSet<>(files(conf, path, ".json"));
    out.removeIf(f -> f.endsWith(".notes.json"));
    return out;
  }
}
