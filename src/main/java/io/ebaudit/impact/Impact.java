package io.ebaudit.impact;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.ebaudit.config.Settings;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Stage: changes ({@link Changes}) + Metric Streams rows ({@code io.ebaudit.io.MetricStreams#METRICS}) →
 * the {@code impact} table ({@link #IMPACT}): per change, the environment's {@code AWS/ElasticBeanstalk}
 * metrics (dimension {@code EnvironmentName} alone) over {@code window_minutes} before the change
 * ({@code [t - w, t)}) and after it ({@code [t, t + w)}): the health level reached ({@code EnvironmentHealth}
 * max), requests ({@code ApplicationRequestsTotal} sum), the 5xx rate ({@code ApplicationRequests5xx} sum /
 * requests, null without requests), p99 latency in ms ({@code ApplicationLatencyP99} max, Seconds unless
 * the unit says otherwise) and severe instances ({@code InstancesSevere} max). Null means no data, never
 * zero. {@code metrics_available} is true when some of these metrics has points on both sides; then
 * {@code degraded} and {@code degradation_reasons} compare the sides against {@link Thresholds}
 * (otherwise both are null). Other namespaces and metrics are ignored here.
 *
 * <p><b>Cost.</b> The windows are a range condition, which Spark would plan as a nested loop (every
 * metric point against every change). Instead, time is cut into buckets one window long: a metric point
 * falls in one bucket ({@code floor(ts / w)}) and a change's two windows ({@code [t - w, t + w)}) cover at
 * most three, so each change is exploded into its (at most three) buckets and joined to the points on
 * the equality ({@code aws_region}, environment name, bucket) — a hash or sort-merge join, linear in
 * points + 3 × changes — and only then filtered to the exact windows. A year of minute-level data for
 * thousands of environments is one scan of the metrics and one shuffle (or none, when Spark broadcasts
 * the small change side); each point meets only the changes of its own environment within a window of
 * it. Duplicate points (the same series and minute from two inputs) are dropped after the join, where
 * few rows remain. Accounts match when both are known.
 */
public final class Impact {
  private Impact() {}

  public static final String NAMESPACE = "AWS/ElasticBeanstalk";
  static final String HEALTH = "EnvironmentHealth";
  static final String REQUESTS = "ApplicationRequestsTotal";
  static final String E5XX = "ApplicationRequests5xx";
  static final String P99 = "ApplicationLatencyP99";
  static final String SEVERE = "InstancesSevere";

  /** The contract's columns, then {@code application}. */
  public static final StructType IMPACT = createStructType(List.of(
      createStructField("account_id", StringType, true),
      createStructField("aws_region", StringType, true),
      createStructField("environment_id", StringType, true),
      createStructField("environment_name", StringType, true),
      createStructField("change_time", TimestampType, false),
      createStructField("change_kind", StringType, false),
      createStructField("event_id", StringType, false),
      createStructField("event_name", StringType, false),
      createStructField("principal", StringType, true),
      createStructField("window_minutes", IntegerType, false),
      createStructField("health_before", DoubleType, true),
      createStructField("health_after", DoubleType, true),
      createStructField("requests_before", DoubleType, true),
      createStructField("requests_after", DoubleType, true),
      createStructField("rate_5xx_before", DoubleType, true),
      createStructField("rate_5xx_after", DoubleType, true),
      createStructField("p99_before_ms", DoubleType, true),
      createStructField("p99_after_ms", DoubleType, true),
      createStructField("severe_before", DoubleType, true),
      createStructField("severe_after", DoubleType, true),
      createStructField("metrics_available", BooleanType, false),
      createStructField("degraded", BooleanType, true),
      createStructField("degradation_reasons", createArrayType(StringType, true), true),
      createStructField("application", StringType, true)));

  /**
   * When a change counts as degrading (settings {@code impact.*}).
   *
   * @param healthLevel the health level reached after that was not reached before (20 = Degraded)
   * @param rate5xxIncrease rise of the 5xx share of requests (0.05 = 5 points), with at least {@code minRequests} after
   * @param p99IncreaseRatio p99 after at least this many times p99 before, and higher by {@code p99MinIncreaseMs}
   * @param severeIncrease rise of the severe instances count
   */
  public record Thresholds(int windowMinutes, double healthLevel, double rate5xxIncrease, double minRequests,
      double p99IncreaseRatio, double p99MinIncreaseMs, double severeIncrease) {
    public Thresholds {
      if (windowMinutes < 1 || windowMinutes > 7 * 24 * 60) {
        throw new IllegalArgumentException("Cannot configure: impact.window_minutes must be from 1 to 10080, got " + windowMinutes);
      }
      if (p99IncreaseRatio < 1) {
        throw new IllegalArgumentException("Cannot configure: impact.p99_increase_ratio must be at least 1, got " + p99IncreaseRatio);
      }
    }

    public static Thresholds of(Settings s) {
      return new Thresholds(s.getInt("impact.window_minutes", 1, 7 * 24 * 60), s.getDouble("impact.health_level", 0, 25),
          s.getDouble("impact.rate_5xx_increase", 0, 1), s.getDouble("impact.min_requests", 0, Double.MAX_VALUE),
          s.getDouble("impact.p99_increase_ratio", 1, 1e6), s.getDouble("impact.p99_min_increase_ms", 0, 1e9),
          s.getDouble("impact.severe_instances_increase", 0, 1e9));
    }
  }

  public static Dataset<Row> derive(Dataset<Row> changes, Dataset<Row> metrics, Thresholds t) {
    long w = t.windowMinutes() * 60_000L;
    Column cid = concat_ws("\u001f", col("event_id"), coalesce(col("account_id"), lit("")),
        coalesce(col("aws_region"), lit("")), coalesce(col("environment_name"), lit("")));
    Dataset<Row> c = changes.filter(col("environment_name").isNotNull())
        .select(cid.as("_cid"), col("account_id").as("_c_account"), col("aws_region").as("_c_region"),
            col("environment_name").as("_c_env"), expr("unix_millis(change_time)").as("_t"))
        .withColumn("_bucket", explode(sequence(floor(col("_t").minus(w).divide(w)),
            floor(col("_t").plus(w - 1).divide(w)))));
    Dataset<Row> m = metrics
        .filter(col("namespace").equalTo(NAMESPACE).and(col("metric_name").isin(HEALTH, REQUESTS, E5XX, P99, SEVERE))
            .and(size(col("dimensions")).equalTo(1)).and(expr("dimensions['EnvironmentName']").isNotNull()))
        .select(col("account_id").as("_m_account"), col("region").as("_m_region"),
            expr("dimensions['EnvironmentName']").as("_m_env"), col("metric_name").as("_m_metric"),
            col("timestamp").as("_m_ts"),
            coalesce(col("value.max"), col("value.sum").divide(col("value.count"))).as("_m_max"),
            col("value.sum").as("_m_sum"), col("unit").as("_m_unit"),
            floor(col("timestamp").divide(w)).as("_m_bucket"));
    Dataset<Row> points = c.join(m, col("_c_region").equalTo(col("_m_region")).and(col("_c_env").equalTo(col("_m_env")))
            .and(col("_bucket").equalTo(col("_m_bucket"))))
        .filter(col("_m_account").isNull().or(col("_c_account").isNull()).or(col("_m_account").equalTo(col("_c_account"))))
        .filter(col("_m_ts").geq(col("_t").minus(w)).and(col("_m_ts").lt(col("_t").plus(w))))
        .dropDuplicates("_cid", "_m_metric", "_m_ts")
        .withColumn("_before", col("_m_ts").lt(col("_t")));
    Column ms = col("_m_max").multiply(
        when(col("_m_unit").equalTo("Milliseconds"), lit(1.0)).when(col("_m_unit").equalTo("Microseconds"), lit(0.001))
            .otherwise(lit(1000.0)));
    List<Column> aggs = new ArrayList<>();
    for (boolean before : new boolean[] {true, false}) {
      String side = before ? "before" : "after";
      Column on = before ? col("_before") : org.apache.spark.sql.functions.not(col("_before"));
      aggs.add(max(when(on.and(col("_m_metric").equalTo(HEALTH)), col("_m_max"))).as("health_" + side));
      aggs.add(sum(when(on.and(col("_m_metric").equalTo(REQUESTS)), col("_m_sum"))).as("requests_" + side));
      aggs.add(sum(when(on.and(col("_m_metric").equalTo(E5XX)), col("_m_sum"))).as("_e5_" + side));
      aggs.add(max(when(on.and(col("_m_metric").equalTo(P99)), ms)).as("p99_" + side + "_ms"));
      aggs.add(max(when(on.and(col("_m_metric").equalTo(SEVERE)), col("_m_max"))).as("severe_" + side));
      aggs.add(count(when(on, lit(1))).as("_points_" + side));
    }
    Dataset<Row> agg = points.groupBy("_cid").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .withColumnRenamed("_cid", "_a_cid");

    Dataset<Row> joined = changes.withColumn("_cid", cid).join(agg, col("_cid").equalTo(col("_a_cid")), "left");
    Column available = coalesce(col("_points_before"), lit(0L)).gt(0).and(coalesce(col("_points_after"), lit(0L)).gt(0));
    Column rateBefore = when(col("requests_before").gt(0), col("_e5_before").divide(col("requests_before")));
    Column rateAfter = when(col("requests_after").gt(0), col("_e5_after").divide(col("requests_after")));
    Dataset<Row> figures = joined.withColumn("rate_5xx_before", rateBefore).withColumn("rate_5xx_after", rateAfter)
        .withColumn("metrics_available", available);

    Column health = col("health_after").geq(t.healthLevel()).and(col("health_before").lt(t.healthLevel()));
    Column rate = col("requests_after").geq(t.minRequests())
        .and(col("rate_5xx_after").minus(col("rate_5xx_before")).geq(t.rate5xxIncrease()));
    Column p99 = col("p99_after_ms").geq(col("p99_before_ms").multiply(t.p99IncreaseRatio()))
        .and(col("p99_after_ms").minus(col("p99_before_ms")).geq(t.p99MinIncreaseMs()));
    Column severe = col("severe_after").minus(col("severe_before")).geq(t.severeIncrease());
    Column reasons = filter(array(
        when(health, format_string("health %s (%.0f) → %s (%.0f)", level(col("health_before")), col("health_before"),
            level(col("health_after")), col("health_after"))),
        when(rate, format_string("5xx rate %.2f%% → %.2f%% of %.0f requests", col("rate_5xx_before").multiply(100),
            col("rate_5xx_after").multiply(100), col("requests_after"))),
        when(p99, format_string("p99 latency %.0f ms → %.0f ms", col("p99_before_ms"), col("p99_after_ms"))),
        when(severe, format_string("severe instances %.0f → %.0f", col("severe_before"), col("severe_after")))),
        x -> x.isNotNull());
    Column any = coalesce(health, lit(false)).or(coalesce(rate, lit(false))).or(coalesce(p99, lit(false)))
        .or(coalesce(severe, lit(false)));
    return figures
        .withColumn("window_minutes", lit(t.windowMinutes()))
        .withColumn("degraded", when(col("metrics_available"), any))
        .withColumn("degradation_reasons", when(col("metrics_available"), reasons))
        .select(java.util.Arrays.stream(IMPACT.fieldNames()).map(f -> col(f).cast(IMPACT.apply(f).dataType()).as(f))
            .toArray(Column[]::new))
        .orderBy("account_id", "aws_region", "environment_name", "change_time", "event_id");
  }

  /** The EnvironmentHealth level's name (0 OK, 1 Info, 5 Unknown, 10 No data, 15 Warning, 20 Degraded, 25 Severe). */
  static Column level(Column v) {
    return when(v.geq(25), lit("Severe")).when(v.geq(20), lit("Degraded")).when(v.geq(15), lit("Warning"))
        .when(v.geq(10), lit("No data")).when(v.geq(5), lit("Unknown")).when(v.geq(1), lit("Info"))
        .when(v.isNotNull(), lit("OK"));
  }
}
