package io.ebaudit.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One CloudWatch series to export: namespace, metric name and exact dimensions, in a region (and, for a
 * monitoring account, the source account). {@code unit} is the unit AWS documents for the metric:
 * GetMetricData does not return units, and asking with a unit that differs from the stored one returns no data.
 */
public record MetricSeries(String accountId, String region, String namespace, String metricName,
    Map<String, String> dimensions, String unit) {

  public static final String EB = "AWS/ElasticBeanstalk";
  public static final String EC2 = "AWS/EC2";

  public MetricSeries {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(metricName, "metricName");
    dimensions = Collections.unmodifiableMap(new TreeMap<>(dimensions));
  }

  /** The environment-level Beanstalk metrics (dimension {@code EnvironmentName}) and their documented units. */
  public static final Map<String, String> ENVIRONMENT_METRICS = orderedMap(
      "EnvironmentHealth", "None",
      "ApplicationRequestsTotal", "Count",
      "ApplicationRequests5xx", "Count",
      "ApplicationRequests4xx", "Count",
      "ApplicationLatencyP99", "Seconds",
      "ApplicationLatencyP90", "Seconds",
      "InstancesSevere", "Count",
      "InstancesDegraded", "Count");

  public static java.util.List<MetricSeries> forEnvironment(String accountId, String region, String environmentName) {
    return ENVIRONMENT_METRICS.entrySet().stream()
        .map(e -> new MetricSeries(accountId, region, EB, e.getKey(), Map.of("EnvironmentName", environmentName), e.getValue()))
        .toList();
  }

  /** {@code AWS/EC2 MetadataNoToken} of one instance: its successful IMDSv1 calls. */
  public static MetricSeries metadataNoToken(String accountId, String region, String instanceId) {
    return new MetricSeries(accountId, region, EC2, "MetadataNoToken", Map.of("InstanceId", instanceId), "Count");
  }

  /** "us-east-1 AWS/ElasticBeanstalk ApplicationLatencyP99 EnvironmentName=shop-prod" (with the account when known). */
  public String describe() {
    String dims = dimensions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    return (accountId == null ? "" : accountId + " ") + region + " " + namespace + " " + metricName + " " + dims;
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }
}
