package io.ebaudit.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@code export-metrics --events DIR} asks CloudWatch for: every environment named in
 * {@code beanstalk_events} (or {@code environment_state}), with the Beanstalk environment metrics
 * ({@link MetricSeries#ENVIRONMENT_METRICS}), and every instance {@code io.ebaudit.posture.Instances} ties to one
 * of them (by name or id), with {@code AWS/EC2 MetadataNoToken}.
 */
public final class ExportTargets {
  private ExportTargets() {}

  /** One row per (account_id, aws_region, environment_name), with its environment_id when known. */
  public static Dataset<Row> environments(Dataset<Row> beanstalkEventsOrState) {
    return beanstalkEventsOrState.filter(col("environment_name").isNotNull().and(col("aws_region").isNotNull()))
        .groupBy("account_id", "aws_region", "environment_name")
        .agg(max("environment_id").as("environment_id"));
  }

  /** The instances of {@code environments}: account_id, aws_region, environment_name, instance_id. */
  public static Dataset<Row> instances(Dataset<Row> environments, Dataset<Row> instances) {
    Dataset<Row> i = instances.select(col("account_id").as("i_account"), col("aws_region").as("i_region"),
        col("environment_name").as("i_name"), col("environment_id").as("i_id"), col("instance_id"));
    Column match = col("account_id").eqNullSafe(col("i_account")).and(col("aws_region").equalTo(col("i_region")))
        .and(col("environment_name").equalTo(col("i_name"))
            .or(col("i_id").isNotNull().and(col("environment_id").equalTo(col("i_id")))));
    return environments.join(i, match).select("account_id", "aws_region", "environment_name", "instance_id").distinct();
  }

  /** The series of the collected environments and instances, in a stable order, filtered by account and region. */
  public static List<MetricSeries> series(List<Row> environments, List<Row> instances, Collection<String> accounts,
      Collection<String> regions) {
    Map<String, MetricSeries> out = new TreeMap<>();
    for (Row r : environments) {
      String account = r.getAs("account_id");
      String region = r.getAs("aws_region");
      if (keep(account, region, accounts, regions)) {
        for (MetricSeries s : MetricSeries.forEnvironment(account, region, r.getAs("environment_name"))) {
          out.put(key(s), s);
        }
      }
    }
    for (Row r : instances) {
      String account = r.getAs("account_id");
      String region = r.getAs("aws_region");
      if (keep(account, region, accounts, regions)) {
        MetricSeries s = MetricSeries.metadataNoToken(account, region, r.getAs("instance_id"));
        out.put(key(s), s);
      }
    }
    return new ArrayList<>(out.values());
  }

  /** Series grouped by region, in region order. */
  public static Map<String, List<MetricSeries>> byRegion(List<MetricSeries> series) {
    Map<String, List<MetricSeries>> out = new TreeMap<>();
    for (MetricSeries s : series) {
      out.computeIfAbsent(s.region(), k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  /** The distinct accounts of the series (null for unknown), in order. */
  public static List<String> accounts(List<MetricSeries> series) {
    Map<String, Boolean> seen = new LinkedHashMap<>();
    series.forEach(s -> seen.put(Objects.toString(s.accountId(), "unknown"), true));
    return new ArrayList<>(seen.keySet());
  }

  private static boolean keep(String account, String region, Collection<String> accounts, Collection<String> regions) {
    return (accounts.isEmpty() || accounts.contains(account)) && (regions.isEmpty() || regions.contains(region));
  }

  /** By region, account, namespace, dimensions, then the documented metric order. */
  private static String key(MetricSeries s) {
    int order = new ArrayList<>(MetricSeries.ENVIRONMENT_METRICS.keySet()).indexOf(s.metricName());
    return String.join("\u0000", s.region(), Objects.toString(s.accountId(), ""), s.namespace(),
        s.dimensions().toString(), String.format("%03d", order + 1), s.metricName());
  }
}
