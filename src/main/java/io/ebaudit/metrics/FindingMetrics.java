package io.ebaudit.metrics;

import static org.apache.spark.sql.functions.col;

import io.ebaudit.report.FindingSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * Publishes finding counts to CloudWatch with {@code PutMetricData}, so users can alarm on them. From a
 * findings table ({@link FindingSchema#FINDINGS}), at one timestamp, in the given namespace:
 * <ul>
 *   <li>{@code OpenFindings} with no dimension (all open findings), with {@code Severity} (each of
 *       {@link FindingSchema#SEVERITIES}, zeros included) and with {@code RuleId} (each rule of
 *       {@code ruleIds} and any other in the table, zeros included, so an alarm sees 0 rather than no data);
 *   <li>{@code SuppressedFindings} with no dimension.
 * </ul>
 * Data points go in batches of at most {@value #MAX_DATUMS_PER_CALL} (the API's limit; the payload stays
 * far below its 1 MB). Used by {@code analyze --publish-metrics}; any job holding a findings Dataset can
 * call {@link #publish(CloudWatchClient, String, Dataset, Collection, Instant)}.
 */
public final class FindingMetrics {
  private FindingMetrics() {}

  public static final int MAX_DATUMS_PER_CALL = 1000;
  public static final String OPEN_FINDINGS = "OpenFindings";
  public static final String SUPPRESSED_FINDINGS = "SuppressedFindings";

  /** What was sent. */
  public record Published(int datums, int calls, long open, long suppressed) {}

  /** Checks a CloudWatch custom namespace: 1-255 characters, not {@code AWS/…}, CloudWatch's character set. */
  public static String namespace(String ns) {
    if (ns == null || ns.isEmpty() || ns.length() > 255 || ns.startsWith("AWS/") || !ns.matches("[A-Za-z0-9.\\-_/#:]+")) {
      throw new IllegalArgumentException("Cannot publish metrics: the namespace must be 1-255 characters of"
          + " letters, digits and . - _ / # : and not start with AWS/, got " + ns);
    }
    return ns;
  }

  /** The data points for {@code findings} (counted on Spark, assembled on the driver). */
  public static List<MetricDatum> datums(Dataset<Row> findings, Collection<String> ruleIds, Instant timestamp) {
    long open = 0;
    long suppressed = 0;
    Map<String, Long> bySeverity = new TreeMap<>();
    Map<String, Long> byRule = new TreeMap<>();
    FindingSchema.SEVERITIES.forEach(s -> bySeverity.put(s, 0L));
    ruleIds.forEach(r -> byRule.put(r, 0L));
    for (Row r : findings.groupBy(col("status"), col("severity"), col("rule_id")).count().collectAsList()) {
      long n = r.getLong(3);
      if (FindingSchema.OPEN.equals(r.getString(0))) {
        open += n;
        bySeverity.merge(r.getString(1), n, Long::sum);
        byRule.merge(r.getString(2), n, Long::sum);
      } else {
        suppressed += n;
      }
    }
    List<MetricDatum> out = new ArrayList<>();
    out.add(datum(OPEN_FINDINGS, null, null, open, timestamp));
    bySeverity.forEach((s, n) -> out.add(datum(OPEN_FINDINGS, "Severity", s, n, timestamp)));
    new TreeSet<>(byRule.keySet()).forEach(id -> out.add(datum(OPEN_FINDINGS, "RuleId", id, byRule.get(id), timestamp)));
    out.add(datum(SUPPRESSED_FINDINGS, null, null, suppressed, timestamp));
    return out;
  }

  /** Counts {@code findings} and sends the data points; returns what was sent. */
  public static Published publish(CloudWatchClient cw, String namespace, Dataset<Row> findings,
      Collection<String> ruleIds, Instant timestamp) {
    List<MetricDatum> d = datums(findings, ruleIds, timestamp);
    int calls = send(cw, namespace, d, MAX_DATUMS_PER_CALL);
    long open = d.get(0).value().longValue();
    long suppressed = d.get(d.size() - 1).value().longValue();
    return new Published(d.size(), calls, open, suppressed);
  }

  /** Sends {@code datums} in batches of at most {@code perCall}; returns the number of calls. */
  public static int send(CloudWatchClient cw, String namespace, List<MetricDatum> datums, int perCall) {
    namespace(namespace);
    if (perCall < 1 || perCall > MAX_DATUMS_PER_CALL) {
      throw new IllegalArgumentException("Cannot publish metrics: data points per call must be from 1 to "
          + MAX_DATUMS_PER_CALL + ", got " + perCall);
    }
    int calls = 0;
    for (int i = 0; i < datums.size(); i += perCall) {
      cw.putMetricData(PutMetricDataRequest.builder().namespace(namespace)
          .metricData(datums.subList(i, Math.min(datums.size(), i + perCall))).build());
      calls++;
    }
    return calls;
  }

  private static MetricDatum datum(String name, String dimension, String value, long n, Instant t) {
    MetricDatum.Builder b = MetricDatum.builder().metricName(name).value((double) n).unit(StandardUnit.COUNT).timestamp(t);
    if (dimension != null) {
      b.dimensions(Dimension.builder().name(dimension).value(value).build());
    }
    return b.build();
  }

  /** Every finding rule id ebaudit ships: the rule catalog, posture and permissions. */
  public static List<String> knownRuleIds() {
    TreeSet<String> ids = new TreeSet<>();
    io.ebaudit.rules.RuleRegistry.all().forEach(r -> ids.add(r.id()));
    ids.addAll(io.ebaudit.posture.Platforms.RULE_IDS);
    ids.addAll(io.ebaudit.posture.Coverage.RULE_IDS);
    ids.addAll(io.ebaudit.permissions.PermissionFindings.RULE_IDS);
    return new ArrayList<>(ids);
  }
}
