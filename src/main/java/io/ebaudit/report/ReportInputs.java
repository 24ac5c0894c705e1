package io.ebaudit.report;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.ebaudit.trail.IngestSummary;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The tables one report reads (read by {@code io.ebaudit.io.ReportTables}). Required: {@code findings}
 * ({@link FindingSchema#FINDINGS}). Every other table may be null when the run did not write it
 * (no {@code --iam}: no verdicts; no impact stage: no impact), and the report says so.
 *
 * @param policyFiles recommended policy files, relative to the policies folder ({@code <account>/<name>.json})
 * @param previous the previous report's tables, null when there is none
 */
public record ReportInputs(
    LocalDate reportDate,
    LocalDate windowFrom,
    LocalDate windowTo,
    Dataset<Row> findings,
    Dataset<Row> configChanges,
    Dataset<Row> beanstalkEvents,
    Dataset<Row> environmentState,
    Dataset<Row> platforms,
    Dataset<Row> coverage,
    Dataset<Row> imds,
    Dataset<Row> verdicts,
    Dataset<Row> environmentRoles,
    Dataset<Row> impact,
    Dataset<Row> digest,
    Dataset<Row> quarantine,
    Dataset<Row> metricRejects,
    IngestSummary ingest,
    RunManifest run,
    Set<String> policyFiles,
    Previous previous) {

  /** What the previous report read: for deltas and new/resolved findings. */
  public record Previous(LocalDate date, Dataset<Row> findings, Dataset<Row> platforms, Dataset<Row> imds,
      Dataset<Row> verdicts, Dataset<Row> configChanges) {}

  /** The {@code impact} table, as the change-impact stage writes it. */
  public static final StructType IMPACT = io.ebaudit.impact.Impact.IMPACT;
}
