package io.ebaudit.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MessageData;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

/**
 * Exports CloudWatch series with {@code GetMetricData} into the Metric Streams JSON line format
 * ({@code io.ebaudit.io.MetricStreams} reads it back): one line per series and period,
 * {@code {metric_stream_name, account_id, region, namespace, metric_name, dimensions, timestamp (epoch ms),
 * value {max, min, sum, count}, unit}}, as a metric stream would have delivered it.
 *
 * <p>Each series is asked for its four statistics (Maximum, Minimum, Sum, SampleCount), so up to
 * {@code queriesPerCall / 4} series go into one call (the API takes at most 500 queries). The window is cut
 * into chunks of {@value #POINTS_PER_CHUNK} periods, so memory stays bounded whatever its length; each
 * chunk is read through the SDK's paginator ({@code NextToken}), and the SDK's retry strategy absorbs
 * throttling. A series with no data point in the whole window is reported as missing, never written as
 * zeros; a query that ends {@code PartialData}, {@code InternalError} or {@code Forbidden} is reported as
 * incomplete with its messages.
 */
public final class MetricExporter {
  private MetricExporter() {}

  public static final String STREAM_NAME = "ebaudit-export";
  public static final int MAX_QUERIES_PER_CALL = 500;
  static final int POINTS_PER_CHUNK = 1440;
  static final String[] STATS = {"Maximum", "Minimum", "Sum", "SampleCount"};
  static final String[] FIELDS = {"max", "min", "sum", "count"};

  /**
   * @param from inclusive
   * @param to exclusive
   * @param periodSeconds 1, 5, 10, 30 or a multiple of 60 (CloudWatch's rule)
   * @param queriesPerCall 4 to 500
   * @param crossAccount set each query's {@code AccountId} (a CloudWatch monitoring account reading its
   *                     source accounts)
   */
  public record Options(Instant from, Instant to, int periodSeconds, int queriesPerCall, boolean crossAccount) {
    public Options {
      if (from == null || to == null || !from.isBefore(to)) {
        throw new IllegalArgumentException("Cannot export metrics: --from must be before --to, got " + from + ".." + to);
      }
      if (!(periodSeconds == 1 || periodSeconds == 5 || periodSeconds == 10 || periodSeconds == 30
          || (periodSeconds >= 60 && periodSeconds % 60 == 0))) {
        throw new IllegalArgumentException(
            "Cannot export metrics: the period must be 1, 5, 10, 30 or a multiple of 60 seconds, got " + periodSeconds);
      }
      if (queriesPerCall < STATS.length || queriesPerCall > MAX_QUERIES_PER_CALL) {
        throw new IllegalArgumentException("Cannot export metrics: queries per call must be from " + STATS.length
            + " to " + MAX_QUERIES_PER_CALL + ", got " + queriesPerCall);
      }
    }
  }

  /** A series whose data may be incomplete, and why. */
  public record Problem(MetricSeries series, String status, String message) {}

  /** What one export (of one region) read and wrote. */
  public record Outcome(int series, List<MetricSeries> missing, List<Problem> incomplete, long datapoints,
      long records, long calls, List<String> messages) {

    public int seriesWithData() {
      return series - missing.size();
    }

    public static Outcome empty() {
      return new Outcome(0, List.of(), List.of(), 0, 0, 0, List.of());
    }

    public Outcome plus(Outcome o) {
      List<MetricSeries> m = new ArrayList<>(missing);
      m.addAll(o.missing);
      List<Problem> p = new ArrayList<>(incomplete);
      p.addAll(o.incomplete);
      Set<String> msg = new LinkedHashSet<>(messages);
      msg.addAll(o.messages);
      return new Outcome(series + o.series, m, p, datapoints + o.datapoints, records + o.records, calls + o.calls,
          new ArrayList<>(msg));
    }
  }

  private static final JsonFactory JSON = JsonFactory.builder()
      .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  /**
   * Exports {@code series} through {@code cw} (the client of their region), writing JSON lines to {@code out}.
   * Progress goes to {@code progress} (one line per call batch).
   */
  public static Outcome export(CloudWatchClient cw, List<MetricSeries> series, Options o, Writer out,
      PrintWriter progress) {
    int perCall = o.queriesPerCall() / STATS.length;
    Duration chunk = Duration.ofSeconds((long) o.periodSeconds() * POINTS_PER_CHUNK);
    List<Instant> starts = new ArrayList<>();
    for (Instant t = o.from(); t.isBefore(o.to()); t = t.plus(chunk)) {
      starts.add(t);
    }
    boolean[] hasData = new boolean[series.size()];
    Map<Integer, Problem> problems = new TreeMap<>();
    Set<String> messages = new LinkedHashSet<>();
    long datapoints = 0;
    long records = 0;
    long calls = 0;
    int batches = (series.size() + perCall - 1) / perCall;
    for (int b = 0; b < batches; b++) {
      int first = b * perCall;
      List<MetricSeries> batch = series.subList(first, Math.min(series.size(), first + perCall));
      List<MetricDataQuery> queries = queries(batch, o);
      for (int c = 0; c < starts.size(); c++) {
        Instant start = starts.get(c);
        Instant end = start.plus(chunk).isAfter(o.to()) ? o.to() : start.plus(chunk);
        GetMetricDataRequest req = GetMetricDataRequest.builder().metricDataQueries(queries)
            .startTime(start).endTime(end).scanBy(ScanBy.TIMESTAMP_ASCENDING).build();
        // Per query id: epoch ms -> value, and the status of its last page.
        Map<String, TreeMap<Long, Double>> values = new LinkedHashMap<>();
        Map<String, MetricDataResult> last = new LinkedHashMap<>();
        for (GetMetricDataResponse page : cw.getMetricDataPaginator(req)) {
          calls++;
          for (MessageData m : page.messages()) {
            messages.add(m.code() + ": " + m.value());
          }
          for (MetricDataResult r : page.metricDataResults()) {
            TreeMap<Long, Double> v = values.computeIfAbsent(r.id(), k -> new TreeMap<>());
            List<Instant> ts = r.timestamps();
            List<Double> vs = r.values();
            for (int i = 0; i < Math.min(ts.size(), vs.size()); i++) {
              if (vs.get(i) != null) {
                v.put(ts.get(i).toEpochMilli(), vs.get(i));
                datapoints++;
              }
            }
            last.put(r.id(), r);
          }
        }
        for (int s = 0; s < batch.size(); s++) {
          int index = first + s;
          for (int k = 0; k < STATS.length; k++) {
            MetricDataResult r = last.get(id(s, k));
            Problem p = problem(batch.get(s), r);
            if (p != null) {
              problems.putIfAbsent(index, p);
            }
          }
          records += write(out, batch.get(s), values, s);
          for (int k = 0; k < STATS.length && !hasData[index]; k++) {
            TreeMap<Long, Double> v = values.get(id(s, k));
            hasData[index] = v != null && !v.isEmpty();
          }
        }
        if (progress != null) {
          progress.printf("ebaudit: export-metrics: %s: series %,d-%,d of %,d, %s..%s: %,d calls, %,d data points so far%n",
              batch.get(0).region(), first + 1, first + batch.size(), series.size(), start, end, calls, datapoints);
        }
      }
    }
    List<MetricSeries> missing = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      if (!hasData[i]) {
        missing.add(series.get(i));
      }
    }
    return new Outcome(series.size(), missing, new ArrayList<>(problems.values()), datapoints, records, calls,
        new ArrayList<>(messages));
  }

  /** Query ids must start with a lower-case letter: {@code s<series>_<stat>}. */
  static String id(int series, int stat) {
    return "s" + series + "_" + FIELDS[stat];
  }

  static List<MetricDataQuery> queries(List<MetricSeries> batch, Options o) {
    List<MetricDataQuery> out = new ArrayList<>();
    for (int s = 0; s < batch.size(); s++) {
      MetricSeries m = batch.get(s);
      List<Dimension> dims = m.dimensions().entrySet().stream()
          .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList();
      for (int k = 0; k < STATS.length; k++) {
        String stat = STATS[k];
        MetricDataQuery.Builder q = MetricDataQuery.builder().id(id(s, k)).returnData(true)
            .metricStat(st -> st.metric(mt -> mt.namespace(m.namespace()).metricName(m.metricName()).dimensions(dims))
                .period(o.periodSeconds()).stat(stat));
        if (o.crossAccount() && m.accountId() != null) {
          q.accountId(m.accountId());
        }
        out.add(q.build());
      }
    }
    return out;
  }

  private static Problem problem(MetricSeries s, MetricDataResult r) {
    if (r == null) {
      return new Problem(s, "NoResult", "the response held no result for this query");
    }
    if (r.statusCode() == StatusCode.COMPLETE) {
      return null;
    }
    String msg = r.messages().stream().map(m -> m.code() + ": " + m.value()).reduce((a, b) -> a + "; " + b).orElse("");
    return new Problem(s, r.statusCodeAsString(), msg);
  }

  /** One line per timestamp at which any of the series' statistics has a value. */
  private static long write(Writer out, MetricSeries m, Map<String, TreeMap<Long, Double>> values, int s) {
    TreeSet<Long> times = new TreeSet<>();
    for (int k = 0; k < STATS.length; k++) {
      TreeMap<Long, Double> v = values.get(id(s, k));
      if (v != null) {
        times.addAll(v.keySet());
      }
    }
    try {
      for (long t : times) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
          g.writeStartObject();
          g.writeStringField("metric_stream_name", STREAM_NAME);
          g.writeStringField("account_id", m.accountId());
          g.writeStringField("region", m.region());
          g.writeStringField("namespace", m.namespace());
          g.writeStringField("metric_name", m.metricName());
          g.writeObjectFieldStart("dimensions");
          for (Map.Entry<String, String> d : m.dimensions().entrySet()) {
            g.writeStringField(d.getKey(), d.getValue());
          }
          g.writeEndObject();
          g.writeNumberField("timestamp", t);
          g.writeObjectFieldStart("value");
          for (int k = 0; k < STATS.length; k++) {
            TreeMap<Long, Double> v = values.get(id(s, k));
            Double x = v == null ? null : v.get(t);
            if (x != null) {
              g.writeNumberField(FIELDS[k], x);
            }
          }
          g.writeEndObject();
          g.writeStringField("unit", m.unit());
          g.writeEndObject();
        }
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write exported metrics: " + e.getMessage(), e);
    }
    return times.size();
  }
}
