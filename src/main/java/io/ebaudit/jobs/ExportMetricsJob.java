package io.ebaudit.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.beanstalk.BeanstalkEvents;
import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.io.Storage;
import io.ebaudit.metrics.ExportTargets;
import io.ebaudit.metrics.MetricExporter;
import io.ebaudit.metrics.MetricSeries;
import io.ebaudit.posture.Instances;
import io.ebaudit.trail.EventSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * {@code export-metrics}: the series of the chosen environments and their instances, fetched region by
 * region ({@link MetricExporter}, one client per region), written under the output folder as
 * {@code ebaudit-export-<region>-<from>-<to>.json.gz} (Metric Streams JSON lines, gzip) with
 * {@code _export-summary.json} beside them (Hadoop's hidden-name convention: {@code analyze --metrics DIR}
 * skips it).
 */
public final class ExportMetricsJob {
  private ExportMetricsJob() {}

  public static final String SUMMARY = "_export-summary.json";

  /**
   * @param environments names given with {@code --environments} (one series set per name and region)
   * @param events an earlier ingest/analyze output whose environments and instances to export, or null
   * @param regions regions to query; with {@code --environments} at least one
   * @param accounts with {@code --events}: only these accounts; with {@code --environments}: at most one, the
   *                 account recorded in the output
   */
  public record Config(Instant from, Instant to, List<String> environments, String events, List<String> regions,
      List<String> accounts, MetricExporter.Options options, String out) {
    public Config {
      environments = List.copyOf(environments);
      regions = List.copyOf(regions);
      accounts = List.copyOf(accounts);
      if (environments.isEmpty() == (events == null)) {
        throw new IllegalArgumentException("Cannot export metrics: give either --environments or --events, got "
            + (events == null ? "neither" : "both"));
      }
      if (!environments.isEmpty() && regions.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot export metrics: --environments needs a region (--region, or AWS_REGION), got none");
      }
      if (!environments.isEmpty() && accounts.size() > 1) {
        throw new IllegalArgumentException(
            "Cannot export metrics: with --environments, --accounts names the one account queried, got " + accounts);
      }
      if (out == null || out.isBlank()) {
        throw new IllegalArgumentException("Cannot export metrics: --out is required, got nothing");
      }
    }
  }

  /** What was exported, over all regions. */
  public record Summary(MetricExporter.Outcome outcome, List<String> files, int environments, int instances,
      String summaryFile) {}

  /** The series a config names (reads the {@code --events} output with {@code spark}). */
  public static List<MetricSeries> series(SparkSession spark, Config c) {
    if (c.events() == null) {
      List<MetricSeries> out = new ArrayList<>();
      String account = c.accounts().isEmpty() ? null : c.accounts().get(0);
      for (String region : c.regions()) {
        for (String env : c.environments()) {
          if (env.isBlank()) {
            throw new IllegalArgumentException("Cannot export metrics: an environment name is blank, got '" + env + "'");
          }
          out.addAll(MetricSeries.forEnvironment(account, region, env.trim()));
        }
      }
      return out;
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String root = Storage.qualify(hadoop, c.events());
    Dataset<Row> events = exists(hadoop, Storage.child(root, "events"))
        ? spark.read().schema(EventSchema.EVENTS).parquet(Storage.child(root, "events")) : null;
    Dataset<Row> named;
    if (exists(hadoop, Storage.child(root, "beanstalk_events"))) {
      named = spark.read().schema(BeanstalkSchemas.BEANSTALK_EVENTS).parquet(Storage.child(root, "beanstalk_events"))
          .select("account_id", "aws_region", "environment_name", "environment_id");
    } else if (events != null) {
      named = BeanstalkEvents.extract(events).select("account_id", "aws_region", "environment_name", "environment_id");
    } else {
      throw new IllegalArgumentException("Cannot export metrics: --events needs an ingest or analyze output"
          + " (events/ or beanstalk_events/ below it), got " + c.events());
    }
    if (exists(hadoop, Storage.child(root, "environment_state"))) {
      named = named.unionByName(spark.read().schema(BeanstalkSchemas.ENVIRONMENT_STATE)
          .parquet(Storage.child(root, "environment_state"))
          .select("account_id", "aws_region", "environment_name", "environment_id"));
    }
    Dataset<Row> envs = ExportTargets.environments(named).localCheckpoint();
    List<Row> instances = events == null ? List.of()
        : ExportTargets.instances(envs, Instances.derive(events)).collectAsList();
    List<MetricSeries> series = ExportTargets.series(envs.collectAsList(), instances, c.accounts(), c.regions());
    List<String> accounts = ExportTargets.accounts(series);
    if (accounts.size() > 1 && !c.options().crossAccount()) {
      throw new IllegalArgumentException("Cannot export metrics: the events name " + accounts.size()
          + " accounts and one set of credentials reads one; give --accounts ID, or --cross-account from a"
          + " CloudWatch monitoring account, got " + String.join(",", accounts));
    }
    return series;
  }

  /**
   * Exports {@code series}, one client per region from {@code clients} (closed after use).
   *
   * @param progress where progress and the missing series go (standard error)
   */
  public static Summary run(Configuration hadoop, Config c, List<MetricSeries> series,
      Function<String, CloudWatchClient> clients, PrintWriter progress) {
    String out = Storage.qualify(hadoop, c.out());
    Map<String, List<MetricSeries>> byRegion = ExportTargets.byRegion(series);
    int environments = (int) series.stream().filter(s -> s.namespace().equals(MetricSeries.EB))
        .map(s -> s.accountId() + "/" + s.region() + "/" + s.dimensions()).distinct().count();
    int instances = (int) series.stream().filter(s -> s.namespace().equals(MetricSeries.EC2)).count();
    progress.printf("ebaudit: export-metrics: %,d series (%,d environments, %,d instances) in %,d region%s, %s..%s,"
            + " period %d s%n", series.size(), environments, instances, byRegion.size(), byRegion.size() == 1 ? "" : "s",
        c.from(), c.to(), c.options().periodSeconds());
    MetricExporter.Outcome total = MetricExporter.Outcome.empty();
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, List<MetricSeries>> e : byRegion.entrySet()) {
      String file = Storage.child(out, "ebaudit-export-" + e.getKey() + "-" + stamp(c.from()) + "-" + stamp(c.to()) + ".json.gz");
      try (CloudWatchClient cw = clients.apply(e.getKey());
          Writer w = new BufferedWriter(new OutputStreamWriter(
              new GZIPOutputStream(Storage.create(hadoop, file), 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
        total = total.plus(MetricExporter.export(cw, e.getValue(), c.options(), w, progress));
      } catch (IOException ex) {
        throw new UncheckedIOException("Cannot write exported metrics to " + file + ": " + ex.getMessage(), ex);
      }
      files.add(file);
    }
    String summaryFile = Storage.child(out, SUMMARY);
    Storage.writeText(hadoop, summaryFile, summaryJson(c, total, files, environments, instances));
    report(total, progress, summaryFile);
    return new Summary(total, files, environments, instances, summaryFile);
  }

  private static void report(MetricExporter.Outcome o, PrintWriter err, String summaryFile) {
    err.printf("ebaudit: export-metrics: %,d calls, %,d data points, %,d records; %,d of %,d series with data%n",
        o.calls(), o.datapoints(), o.records(), o.seriesWithData(), o.series());
    if (!o.missing().isEmpty()) {
      err.printf("ebaudit: export-metrics: %,d series missing (no data point in the window; not written as zeros):%n",
          o.missing().size());
      o.missing().stream().limit(50).forEach(s -> err.println("  missing " + s.describe()));
      if (o.missing().size() > 50) {
        err.printf("  ... and %,d more, listed in %s%n", o.missing().size() - 50, summaryFile);
      }
    }
    for (MetricExporter.Problem p : o.incomplete()) {
      err.println("ebaudit: export-metrics: incomplete " + p.series().describe() + ": " + p.status()
          + (p.message().isEmpty() ? "" : " (" + p.message() + ")"));
    }
    o.messages().forEach(m -> err.println("ebaudit: export-metrics: CloudWatch says " + m));
  }

  private static String summaryJson(Config c, MetricExporter.Outcome o, List<String> files, int environments,
      int instances) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode n = json.createObjectNode();
    n.put("from", c.from().toString());
    n.put("to", c.to().toString());
    n.put("period_seconds", c.options().periodSeconds());
    n.put("environments", environments);
    n.put("instances", instances);
    n.put("series_requested", o.series());
    n.put("series_with_data", o.seriesWithData());
    n.put("series_missing", o.missing().size());
    n.put("series_incomplete", o.incomplete().size());
    n.put("calls", o.calls());
    n.put("datapoints", o.datapoints());
    n.put("records", o.records());
    ArrayNode f = n.putArray("files");
    files.forEach(f::add);
    ArrayNode missing = n.putArray("missing");
    o.missing().forEach(s -> missing.add(series(json, s)));
    ArrayNode incomplete = n.putArray("incomplete");
    o.incomplete().forEach(p -> incomplete.add(series(json, p.series()).put("status", p.status()).put("message", p.message())));
    ArrayNode messages = n.putArray("messages");
    o.messages().forEach(messages::add);
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode series(ObjectMapper json, MetricSeries s) {
    ObjectNode m = json.createObjectNode();
    m.put("account_id", s.accountId());
    m.put("region", s.region());
    m.put("namespace", s.namespace());
    m.put("metric_name", s.metricName());
    ObjectNode d = m.putObject("dimensions");
    s.dimensions().forEach(d::put);
    return m;
  }

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

  static String stamp(Instant t) {
    return STAMP.format(t);
  }

  private static boolean exists(Configuration hadoop, String uri) {
    try {
      Path p = new Path(uri);
      return p.getFileSystem(hadoop).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + uri + ": " + e.getMessage(), e);
    }
  }
}
