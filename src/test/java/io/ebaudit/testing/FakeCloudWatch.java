package io.ebaudit.testing;

import static io.ebaudit.testing.CloudWatchLoopback.map;

import com.fasterxml.jackson.databind.JsonNode;
import io.ebaudit.testing.CloudWatchLoopback.Reply;
import io.ebaudit.testing.CloudWatchLoopback.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small CloudWatch for {@link CloudWatchLoopback}: series stored per (metric, dimensions, statistic);
 * {@code GetMetricData} answers each query with at most {@code pageSize} points per page, marking
 * unfinished queries {@code PartialData} and giving a {@code NextToken} while any query has more, as the
 * service does; {@code PutMetricData} is accepted. The first {@code throttleFirst} calls are throttled;
 * queries on metrics in {@code partialWithoutToken} end {@code PartialData} with a message and no token.
 */
public final class FakeCloudWatch implements Function<Request, Reply> {
  private final Map<String, TreeMap<Long, Double>> data = new TreeMap<>();
  public int pageSize = 1000;
  public final AtomicInteger throttleFirst = new AtomicInteger();
  public final Set<String> partialWithoutToken = new HashSet<>();

  /** Stores one data point of all four statistics (max, min, sum, sample count) of a series. */
  public FakeCloudWatch put(String metric, Map<String, String> dims, Instant t, double max, double min, double sum,
      double count) {
    put(metric, dims, "Maximum", t, max);
    put(metric, dims, "Minimum", t, min);
    put(metric, dims, "Sum", t, sum);
    put(metric, dims, "SampleCount", t, count);
    return this;
  }

  public FakeCloudWatch put(String metric, Map<String, String> dims, String stat, Instant t, double v) {
    data.computeIfAbsent(key(metric, new TreeMap<>(dims).toString(), stat), k -> new TreeMap<>()).put(t.toEpochMilli(), v);
    return this;
  }

  private static String key(String metric, String dims, String stat) {
    return metric + "|" + dims + "|" + stat;
  }

  @Override
  public Reply apply(Request r) {
    if (throttleFirst.getAndDecrement() > 0) {
      return CloudWatchLoopback.throttling();
    }
    if ("PutMetricData".equals(r.operation())) {
      return CloudWatchLoopback.ok(map());
    }
    if (!"GetMetricData".equals(r.operation())) {
      return CloudWatchLoopback.error(400, "InvalidAction", "not faked: " + r.operation());
    }
    JsonNode body = r.body();
    long start = Math.round(body.path("StartTime").asDouble() * 1000);
    long end = Math.round(body.path("EndTime").asDouble() * 1000);
    int page = body.hasNonNull("NextToken") ? Integer.parseInt(body.get("NextToken").asText().substring("page-".length())) : 0;
    List<Object> results = new ArrayList<>();
    boolean more = false;
    for (JsonNode q : body.path("MetricDataQueries")) {
      JsonNode stat = q.path("MetricStat");
      TreeMap<String, String> dims = new TreeMap<>();
      stat.path("Metric").path("Dimensions").forEach(d -> dims.put(d.path("Name").asText(), d.path("Value").asText()));
      String metric = stat.path("Metric").path("MetricName").asText();
      TreeMap<Long, Double> series = data.getOrDefault(key(metric, dims.toString(), stat.path("Stat").asText()), new TreeMap<>());
      List<Long> times = new ArrayList<>(series.subMap(start, true, end, false).keySet());
      int from = Math.min(times.size(), page * pageSize);
      int to = Math.min(times.size(), from + pageSize);
      List<Object> ts = new ArrayList<>();
      List<Object> vs = new ArrayList<>();
      for (long t : times.subList(from, to)) {
        ts.add(Instant.ofEpochMilli(t));
        vs.add(series.get(t));
      }
      boolean rest = to < times.size();
      more |= rest;
      Map<String, Object> result = map("Id", q.path("Id").asText(), "Label", metric, "Timestamps", ts, "Values", vs,
          "StatusCode", rest ? "PartialData" : "Complete");
      if (partialWithoutToken.contains(metric)) {
        result.put("StatusCode", "PartialData");
        result.put("Messages", List.of(map("Code", "MaxDatapointsExceeded", "Value", "too many data points")));
      }
      results.add(result);
    }
    Map<String, Object> reply = map("MetricDataResults", results, "Messages", List.of());
    if (more) {
      reply.put("NextToken", "page-" + (page + 1));
    }
    return CloudWatchLoopback.ok(reply);
  }
}
