package io.ebaudit.report;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.permissions.RecommendedPolicy;
import io.ebaudit.permissions.Verdicts;
import io.ebaudit.report.Charts.Item;
import io.ebaudit.report.Charts.Part;
import io.ebaudit.report.ReportModel.BarChart;
import io.ebaudit.report.ReportModel.BarRow;
import io.ebaudit.report.ReportModel.CatalogView;
import io.ebaudit.report.ReportModel.ChangeView;
import io.ebaudit.report.ReportModel.Compliance;
import io.ebaudit.report.ReportModel.ControlView;
import io.ebaudit.report.ReportModel.DataQuality;
import io.ebaudit.report.ReportModel.EnvironmentView;
import io.ebaudit.report.ReportModel.Figure;
import io.ebaudit.report.ReportModel.FindingLine;
import io.ebaudit.report.ReportModel.FindingView;
import io.ebaudit.report.ReportModel.ImpactView;
import io.ebaudit.report.ReportModel.KeyValue;
import io.ebaudit.report.ReportModel.Legend;
import io.ebaudit.report.ReportModel.PlatformView;
import io.ebaudit.report.ReportModel.PostureItem;
import io.ebaudit.report.ReportModel.Rect;
import io.ebaudit.report.ReportModel.RoleView;
import io.ebaudit.report.ReportModel.SeverityCount;
import io.ebaudit.secrets.Secrets;
import io.ebaudit.trail.IngestSummary;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Stage: the tables of one report date ({@link ReportInputs}) → the weekly report's content
 * ({@link ReportModel}). Reads {@code findings} (all columns), {@code config_changes} (the timeline),
 * {@code beanstalk_events} (a count), {@code environment_state} (environments and whether terminated),
 * {@code platforms}, {@code coverage}, {@code imds}, {@code permissions/verdicts},
 * {@code permissions/environment_roles}, {@code impact} and the previous report's {@code findings},
 * {@code platforms}, {@code imds}, {@code verdicts} and {@code config_changes}. Aggregates run in Spark;
 * only what the page shows is collected (bounded by {@link Options}).
 */
public final class WeeklyReport {
  private WeeklyReport() {}

  /** How much the report shows at most. */
  public record Options(int topFindings, int maxEnvironments, int timelinePerEnvironment, int maxRoles) {
    public static Options defaults() {
      return new Options(25, 200, 40, 60);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ROOT);
  private static final int MAX_VALUE_CHARS = 160;

  public static ReportModel build(ReportInputs in, Options opt, Instant generatedAt, String version) {
    Dataset<Row> f = in.findings();
    Column open = col("status").equalTo(FindingSchema.OPEN);

    // Severity counts.
    Map<String, long[]> bySev = new LinkedHashMap<>();
    for (String s : FindingSchema.SEVERITIES) {
      bySev.put(s, new long[2]);
    }
    for (Row r : f.groupBy("status", "severity").count().collectAsList()) {
      long[] c = bySev.computeIfAbsent(r.getString(1), k -> new long[2]);
      c[FindingSchema.OPEN.equals(r.getString(0)) ? 0 : 1] += r.getLong(2);
    }
    List<SeverityCount> severities = new ArrayList<>();
    long openTotal = 0;
    long criticalHigh = 0;
    for (Map.Entry<String, long[]> e : bySev.entrySet()) {
      severities.add(new SeverityCount(e.getKey(), e.getValue()[0], e.getValue()[1]));
      openTotal += e.getValue()[0];
      if (e.getKey().equals("critical") || e.getKey().equals("high")) {
        criticalHigh += e.getValue()[0];
      }
    }

    // Per rule: counts and compliance tags.
    List<RuleCount> rules = new ArrayList<>();
    for (Row r : f.groupBy("rule_id", "status", "severity")
        .agg(count(lit(1)).as("n"), first("compliance").as("compliance")).collectAsList()) {
      rules.add(new RuleCount(r.getString(0), r.getString(1), r.getString(2), r.getLong(3),
          r.isNullAt(4) ? List.of() : r.<String>getList(4)));
    }

    // New and resolved since the previous report.
    ReportInputs.Previous prev = in.previous();
    Set<String> newIds = new HashSet<>();
    ReportModel.Changes changes = new ReportModel.Changes(false, 0, 0, List.of(), List.of());
    long prevOpen = -1;
    long prevCriticalHigh = -1;
    if (prev != null) {
      Dataset<Row> prevOpenRows = prev.findings().filter(open);
      Dataset<Row> added = f.filter(open).join(prevOpenRows.select("finding_id"), 
          scala.collection.JavaConverters.asScalaBuffer(List.of("finding_id")).toSeq(), "left_anti");
      Dataset<Row> resolved = prevOpenRows.join(f.select("finding_id"),
          scala.collection.JavaConverters.asScalaBuffer(List.of("finding_id")).toSeq(), "left_anti");
      for (Row r : added.select("finding_id").collectAsList()) {
        newIds.add(r.getString(0));
      }
      changes = new ReportModel.Changes(true, newIds.size(), resolved.count(), lines(added, 12), lines(resolved, 12));
      prevOpen = prevOpenRows.count();
      prevCriticalHigh = prevOpenRows.filter(col("severity").isin("critical", "high")).count();
    }

    // Top findings.
    List<FindingView> top = new ArrayList<>();
    for (Row r : bySeverity(f.filter(open)).limit(opt.topFindings()).collectAsList()) {
      top.add(findingView(r, newIds.contains(r.<String>getAs("finding_id"))));
    }

    // Environments.
    Map<String, EnvAcc> envs = environments(in);
    Map<String, Row> platforms = keyed(in.platforms(), "environment_name");
    Map<String, Row> coverage = keyed(in.coverage(), "environment_name");
    Map<String, Row> imds = keyed(in.imds(), "environment_name");
    Map<String, Row> roles = keyed(in.environmentRoles(), "environment_name");
    Map<String, Map<String, Long>> envFindings = new HashMap<>();
    for (Row r : f.filter(open).groupBy("account_id", "region", "environment", "severity").count().collectAsList()) {
      if (r.isNullAt(2)) {
        continue;
      }
      envFindings.computeIfAbsent(key(r.getString(0), r.getString(1), r.getString(2)), k -> new HashMap<>())
          .merge(r.getString(3), r.getLong(4), Long::sum);
    }
    for (EnvAcc e : envs.values()) {
      Map<String, Long> m = envFindings.getOrDefault(e.key, Map.of());
      e.open = m.values().stream().mapToLong(Long::longValue).sum();
      e.worst = FindingSchema.SEVERITIES.size();
      for (int i = 0; i < FindingSchema.SEVERITIES.size(); i++) {
        if (m.getOrDefault(FindingSchema.SEVERITIES.get(i), 0L) > 0) {
          e.worst = Math.min(e.worst, i);
        }
      }
    }
    List<EnvAcc> ordered = new ArrayList<>(envs.values());
    ordered.sort(Comparator.<EnvAcc>comparingInt(e -> e.live ? 0 : 1).thenComparingInt(e -> e.worst)
        .thenComparingLong(e -> -e.open).thenComparing(e -> e.name));
    List<EnvAcc> shownEnvs = ordered.size() > opt.maxEnvironments() ? ordered.subList(0, opt.maxEnvironments()) : ordered;
    Map<String, List<ChangeView>> timeline = new HashMap<>();
    Map<String, Long> timelineTotals = new HashMap<>();
    timeline(in.configChanges(), opt.timelinePerEnvironment(), timeline, timelineTotals);
    Map<String, List<ImpactView>> impact = impactByEnvironment(in.impact());
    List<EnvironmentView> environments = new ArrayList<>();
    for (EnvAcc e : shownEnvs) {
      List<ChangeView> tl = timeline.getOrDefault(e.key, List.of());
      long total = timelineTotals.getOrDefault(e.key, 0L);
      Row imd = imds.get(e.key);
      List<SeverityCount> counts = new ArrayList<>();
      Map<String, Long> m = envFindings.getOrDefault(e.key, Map.of());
      for (String s : FindingSchema.SEVERITIES) {
        counts.add(new SeverityCount(s, m.getOrDefault(s, 0L), 0));
      }
      environments.add(new EnvironmentView(anchor(e.key), e.name, e.application, e.account, e.region, e.environmentId,
          e.live, platformView(platforms.get(e.key)), postureItems(coverage.get(e.key)),
          imd == null ? null : str(imd, "verdict"), imd == null ? null : imdsDetail(imd),
          roleItems(roles.get(e.key)), counts, e.open, tl, (int) Math.max(0, total - tl.size()),
          impact.getOrDefault(e.key, List.of())));
    }
    Map<String, String> anchors = new HashMap<>();
    for (EnvAcc e : envs.values()) {
      anchors.put(e.key, anchor(e.key));
    }
    List<FindingView> topLinked = new ArrayList<>();
    for (FindingView v : top) {
      String k = key(v.account(), v.region(), v.environment());
      topLinked.add(new FindingView(v.findingId(), v.ruleId(), v.severity(), v.status(), v.title(), v.detail(),
          v.account(), v.region(), v.application(), v.environment(), v.principal(), v.firstSeen(), v.lastSeen(),
          v.evidence(), v.remediation(), v.compliance(), v.added(), v.environment() == null ? null : anchors.get(k)));
    }

    // Permissions.
    List<RoleView> roleViews = roles(in, opt);
    int rolesOmitted = 0;
    List<RoleView> allRoles = roleViews;
    if (roleViews.size() > opt.maxRoles()) {
      rolesOmitted = roleViews.size() - opt.maxRoles();
      roleViews = roleViews.subList(0, opt.maxRoles());
    }

    // Charts.
    ReportModel.Charts charts = new ReportModel.Charts(severityByDay(in, f.filter(open)), staleness(platforms.values()),
        leastPrivilege(allRoles), impactChart(in.impact()));

    // Headline figures.
    List<Figure> headline = new ArrayList<>();
    headline.add(figure("Open findings", openTotal, prev == null ? -1 : prevOpen, true,
        severities.stream().filter(s -> s.suppressed() > 0).mapToLong(SeverityCount::suppressed).sum() + " suppressed"));
    headline.add(figure("Critical and high", criticalHigh, prevCriticalHigh, true, "open, needing action first"));
    long live = envs.values().stream().filter(e -> e.live).count();
    headline.add(figure("Environments audited", live, -1, false,
        (envs.size() - live) + " terminated in or before the window"));
    long[] stale = platformCounts(in.platforms());
    long[] prevStale = prev == null ? null : platformCounts(prev.platforms());
    headline.add(figure("Platforms needing update", stale[0], prevStale == null ? -1 : prevStale[0], true,
        stale[1] + " on a retired or deprecated branch"));
    long[] imdsCounts = imdsCounts(in.imds());
    long[] prevImds = prev == null ? null : imdsCounts(prev.imds());
    headline.add(figure("IMDSv2 not enforced", imdsCounts[0], prevImds == null ? -1 : prevImds[0], true,
        imdsCounts[1] + " safe to enforce now"));
    if (in.verdicts() != null) {
      long[] p = permissionCounts(in.verdicts());
      long[] pp = prev == null || prev.verdicts() == null ? null : permissionCounts(prev.verdicts());
      headline.add(new Figure("Unused permissions", pct(p[1], p[0] + p[1]),
          pp == null ? null : pointDelta(pct100(p[1], p[0] + p[1]) - pct100(pp[1], pp[0] + pp[1])),
          pp == null ? null : trend(pct100(p[1], p[0] + p[1]) - pct100(pp[1], pp[0] + pp[1]), true),
          String.format(Locale.ROOT, "%,d of %,d observable granted actions unused", p[1], p[0] + p[1])));
    }
    long changesCount = in.configChanges() == null ? 0 : in.configChanges().count();
    headline.add(figure("Configuration changes", changesCount,
        prev == null || prev.configChanges() == null ? -1 : prev.configChanges().count(), false,
        (in.beanstalkEvents() == null ? 0 : in.beanstalkEvents().count()) + " Elastic Beanstalk API calls"));

    Set<String> accounts = new TreeSet<>();
    Set<String> regions = new TreeSet<>();
    for (EnvAcc e : envs.values()) {
      if (e.account != null) accounts.add(e.account);
      if (e.region != null) regions.add(e.region);
    }
    for (Row r : f.select("account_id", "region").distinct().collectAsList()) {
      if (!r.isNullAt(0)) accounts.add(r.getString(0));
      if (!r.isNullAt(1)) regions.add(r.getString(1));
    }
    ReportModel.Header header = new ReportModel.Header(in.reportDate().toString(), in.windowFrom().toString(),
        in.windowTo().toString(), MINUTE.format(generatedAt), version, new ArrayList<>(accounts),
        new ArrayList<>(regions), prev == null ? null : prev.date().toString());

    List<String> notes = new ArrayList<>();
    notes.add("A control or practice marked passed has no open ebaudit finding against it; ebaudit checks what"
        + " CloudTrail, the configuration history and the given exports show, not every requirement of the control.");
    if (in.verdicts() != null) {
      notes.add("Permissions: " + Verdicts.NOT_EVALUATED + ", nor resource and session policies; unobservable"
          + " actions (data events, iam:PassRole) are never counted as unused.");
    }
    return new ReportModel(header, headline, severities, changes, charts, topLinked, (int) openTotal, environments,
        ordered.size() - shownEnvs.size(), roleViews, rolesOmitted, in.verdicts() != null, compliance(rules),
        dataQuality(in), notes);
  }

  // ---- findings ----

  private record RuleCount(String ruleId, String status, String severity, long n, List<String> compliance) {}

  static Dataset<Row> bySeverity(Dataset<Row> findings) {
    Column[] severities = FindingSchema.SEVERITIES.stream().map(s -> lit(s)).toArray(Column[]::new);
    return findings.orderBy(array_position(array(severities), col("severity")), col("last_seen").desc_nulls_last(),
        col("finding_id"));
  }

  private static List<FindingLine> lines(Dataset<Row> findings, int limit) {
    List<FindingLine> out = new ArrayList<>();
    for (Row r : bySeverity(findings).limit(limit).collectAsList()) {
      out.add(new FindingLine(r.getAs("severity"), r.getAs("title"), r.getAs("environment"), r.getAs("rule_id"),
          r.getAs("finding_id")));
    }
    return out;
  }

  private static FindingView findingView(Row r, boolean isNew) {
    List<KeyValue> evidence = new ArrayList<>();
    String ev = r.getAs("evidence");
    if (ev != null) {
      try {
        JsonNode n = JSON.readTree(Secrets.maskJson(ev));
        if (n.isObject()) {
          for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
              continue;
            }
            evidence.add(new KeyValue(e.getKey(), clip(e.getValue().isValueNode() ? e.getValue().asText()
                : e.getValue().toString(), 600)));
          }
        } else {
          evidence.add(new KeyValue("evidence", clip(n.toString(), 600)));
        }
      } catch (java.io.IOException e) {
        evidence.add(new KeyValue("evidence", clip(Secrets.maskText(ev), 600)));
      }
    }
    List<String> compliance = r.isNullAt(r.fieldIndex("compliance")) ? List.of() : r.getList(r.fieldIndex("compliance"));
    return new FindingView(r.getAs("finding_id"), r.getAs("rule_id"), r.getAs("severity"), r.getAs("status"),
        Secrets.maskText(r.getAs("title")), Secrets.maskText(r.getAs("detail")), r.getAs("account_id"),
        r.getAs("region"), r.getAs("application"), r.getAs("environment"), r.getAs("principal_arn"),
        time(r.getAs("first_seen")), time(r.getAs("last_seen")), evidence, r.getAs("remediation"),
        new ArrayList<>(compliance), isNew, null);
  }

  // ---- environments ----

  private static final class EnvAcc {
    String key;
    String account;
    String region;
    String application;
    String name;
    String environmentId;
    boolean live;
    long open;
    int worst;
  }

  private static Map<String, EnvAcc> environments(ReportInputs in) {
    Map<String, EnvAcc> out = new TreeMap<>();
    if (in.environmentState() == null) {
      return out;
    }
    Column terminated = col("namespace").equalTo(BeanstalkSchemas.ENVIRONMENT_NAMESPACE)
        .and(lower(col("option_name")).equalTo("status")).and(lower(trim(col("value"))).equalTo("terminated"));
    for (Row r : in.environmentState().groupBy("account_id", "aws_region", "environment_name")
        .agg(max("application"), max("environment_id"), max(when(terminated, lit(1)).otherwise(lit(0))))
        .collectAsList()) {
      EnvAcc e = new EnvAcc();
      e.account = r.getString(0);
      e.region = r.getString(1);
      e.name = r.getString(2);
      e.application = r.getString(3);
      e.environmentId = r.getString(4);
      e.live = r.getInt(5) == 0;
      e.key = key(e.account, e.region, e.name);
      out.put(e.key, e);
    }
    return out;
  }

  static String key(String account, String region, String name) {
    return (account == null ? "" : account) + "\u001f" + (region == null ? "" : region) + "\u001f"
        + (name == null ? "" : name);
  }

  /** An HTML id that carries no CloudTrail text. */
  static String anchor(String key) {
    return "env-" + FindingIds.findingId("env", key).substring(0, 12);
  }

  private static Map<String, Row> keyed(Dataset<Row> table, String nameColumn) {
    Map<String, Row> out = new HashMap<>();
    if (table == null) {
      return out;
    }
    for (Row r : table.collectAsList()) {
      out.put(key(r.getAs("account_id"), r.getAs("aws_region"), r.getAs(nameColumn)), r);
    }
    return out;
  }

  private static PlatformView platformView(Row p) {
    if (p == null) {
      return null;
    }
    String platform = str(p, "platform_arn");
    if (platform == null) {
      platform = str(p, "solution_stack_name");
    }
    Object deadline = p.getAs("deadline");
    return new PlatformView(platform, str(p, "branch"), str(p, "branch_lifecycle"), str(p, "current_version"),
        str(p, "target_version"), p.<Integer>getAs("versions_behind"), str(p, "finding_id"), str(p, "severity"),
        str(p, "reason"), deadline == null ? null : deadline.toString());
  }

  private static final String[][] POSTURE = {
      {"enhanced_health", "Enhanced health reporting"},
      {"managed_updates", "Managed platform updates"},
      {"log_streaming", "Log streaming to CloudWatch Logs"},
      {"health_streaming", "Health event streaming"},
      {"health_metrics_configured", "5xx and p99 latency health metrics"},
      {"imdsv1_disabled", "IMDSv1 disabled"},
  };

  private static List<PostureItem> postureItems(Row c) {
    List<PostureItem> out = new ArrayList<>();
    if (c == null) {
      return out;
    }
    for (String[] s : POSTURE) {
      if (!has(c, s[0])) {
        continue;
      }
      Boolean on = c.getAs(s[0]);
      String value = clip(str(c, s[0] + "_value"), 80);
      if (s[0].equals("log_streaming") && has(c, "retention_days") && c.getAs("retention_days") != null) {
        value = (value == null ? "" : value + ", ") + "retention " + c.getAs("retention_days") + " days";
      }
      if (s[0].equals("health_metrics_configured")) {
        value = Boolean.TRUE.equals(on) ? "configured" : "not in the health ConfigDocument";
      }
      out.add(new PostureItem(s[1], Boolean.TRUE.equals(on), value == null ? "default (not set)" : value,
          str(c, s[0] + "_changed_by"), time(c.getAs(s[0] + "_changed_time"))));
    }
    return out;
  }

  private static String imdsDetail(Row r) {
    StringBuilder sb = new StringBuilder();
    if (has(r, "instances") && r.getAs("instances") != null) {
      sb.append(r.getList(r.fieldIndex("instances")).size()).append(" instance(s) known");
    }
    if (has(r, "metadata_no_token_sum") && r.getAs("metadata_no_token_sum") != null) {
      sb.append(sb.length() > 0 ? "; " : "").append("MetadataNoToken sum ")
          .append(String.format(Locale.ROOT, "%,.0f", ((Number) r.getAs("metadata_no_token_sum")).doubleValue()));
    }
    if (has(r, "imdsv1_callers") && r.getAs("imdsv1_callers") != null) {
      List<Object> callers = r.getList(r.fieldIndex("imdsv1_callers"));
      if (!callers.isEmpty()) {
        List<String> names = new ArrayList<>();
        for (Object o : callers) {
          Row c = (Row) o;
          names.add(c.get(0) + " (" + c.get(1) + ")");
        }
        sb.append("; IMDSv1 callers: ").append(String.join(", ", names));
      }
    }
    return sb.toString();
  }

  private static List<KeyValue> roleItems(Row r) {
    List<KeyValue> out = new ArrayList<>();
    if (r == null) {
      return out;
    }
    String ip = str(r, "instance_profile_role_arn");
    out.add(new KeyValue("Instance profile", (str(r, "instance_profile") == null ? "default (not set)" : str(r, "instance_profile"))
        + (ip == null ? "" : " → " + ip)));
    String sr = str(r, "service_role_arn");
    out.add(new KeyValue("Service role", (str(r, "service_role") == null ? "default (not set)" : str(r, "service_role"))
        + (sr == null || sr.equals(str(r, "service_role")) ? "" : " → " + sr)));
    return out;
  }

  private static void timeline(Dataset<Row> changes, int perEnvironment, Map<String, List<ChangeView>> out,
      Map<String, Long> totals) {
    if (changes == null) {
      return;
    }
    Dataset<Row> env = changes.filter(col("target_type").equalTo("environment"));
    for (Row r : env.groupBy("account_id", "aws_region", "target_name").count().collectAsList()) {
      totals.put(key(r.getString(0), r.getString(1), r.getString(2)), r.getLong(3));
    }
    var w = Window.partitionBy("account_id", "aws_region", "target_name")
        .orderBy(col("event_time").desc(), col("event_id"), col("namespace"), col("option_name"));
    List<Row> rows = env.withColumn("_n", row_number().over(w)).filter(col("_n").leq(perEnvironment))
        .orderBy(col("event_time").desc(), col("event_id"), col("namespace"), col("option_name")).collectAsList();
    for (Row r : rows) {
      String ns = str(r, "namespace");
      String opt = str(r, "option_name");
      String what = ns == null || ns.equals(BeanstalkSchemas.ENVIRONMENT_NAMESPACE) ? (opt == null ? str(r, "change_kind") : opt)
          : ns + " · " + opt;
      if (str(r, "resource_name") != null) {
        what += " [" + str(r, "resource_name") + "]";
      }
      boolean secret = Boolean.TRUE.equals(r.getAs("secret"));
      String before = secret && r.getAs("value_before") != null ? Secrets.MASK : clip(Secrets.maskText(str(r, "value_before")), MAX_VALUE_CHARS);
      String after = secret && r.getAs("value_after") != null ? Secrets.MASK : clip(Secrets.maskText(str(r, "value_after")), MAX_VALUE_CHARS);
      if ("unknown".equals(str(r, "value_before_source")) && before == null) {
        before = "unknown";
      }
      out.computeIfAbsent(key(r.getAs("account_id"), r.getAs("aws_region"), r.getAs("target_name")), k -> new ArrayList<>())
          .add(new ChangeView(time(r.getAs("event_time")), str(r, "event_name"), str(r, "change_kind"), what, before,
              after, str(r, "principal_arn"), str(r, "client_class"), str(r, "source_ip_address")));
    }
  }

  private static Map<String, List<ImpactView>> impactByEnvironment(Dataset<Row> impact) {
    Map<String, List<ImpactView>> out = new HashMap<>();
    if (impact == null) {
      return out;
    }
    for (Row r : impact.orderBy(col("change_time").desc()).limit(5000).collectAsList()) {
      List<String> reasons = r.isNullAt(r.fieldIndex("degradation_reasons")) ? List.of()
          : r.getList(r.fieldIndex("degradation_reasons"));
      out.computeIfAbsent(key(r.getAs("account_id"), r.getAs("aws_region"), r.getAs("environment_name")),
          k -> new ArrayList<>()).add(new ImpactView(time(r.getAs("change_time")), r.getAs("change_kind"),
          r.getAs("event_name"), r.getAs("principal"), pair(r, "health_before", "health_after", 1, ""),
          pair(r, "rate_5xx_before", "rate_5xx_after", 100, "%"), pair(r, "p99_before_ms", "p99_after_ms", 1, " ms"),
          Boolean.TRUE.equals(r.getAs("degraded")), String.join("; ", reasons)));
    }
    return out;
  }

  private static String pair(Row r, String before, String after, double scale, String unit) {
    return num(r.getAs(before), scale, unit) + " → " + num(r.getAs(after), scale, unit);
  }

  private static String num(Object v, double scale, String unit) {
    if (v == null) {
      return "no data";
    }
    double d = ((Number) v).doubleValue() * scale;
    return (d == Math.rint(d) && Math.abs(d) < 1e9 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d)) + unit;
  }

  // ---- permissions ----

  private static List<RoleView> roles(ReportInputs in, Options opt) {
    List<RoleView> out = new ArrayList<>();
    if (in.verdicts() == null) {
      return out;
    }
    Column state = col("state");
    List<Row> rows = in.verdicts().groupBy("principal_arn", "principal_name", "kind", "account_id")
        .agg(sum(when(state.equalTo(Verdicts.USED), 1).otherwise(0)).as("used"),
            sum(when(state.equalTo(Verdicts.UNUSED), 1).otherwise(0)).as("unused"),
            sum(when(state.equalTo(Verdicts.UNOBSERVABLE), 1).otherwise(0)).as("unobservable"),
            sum(when(state.equalTo(Verdicts.USED_NOT_GRANTED), 1).otherwise(0)).as("used_not_granted"),
            max("principal_active").as("active"), first("environments").as("environments"))
        .orderBy(col("unused").desc(), col("principal_arn")).collectAsList();
    String partition = "report_date=" + in.reportDate();
    for (Row r : rows) {
      long used = r.getLong(4);
      long unused = r.getLong(5);
      String name = r.getString(1);
      String account = r.getString(3);
      String base = (account == null || account.isBlank() ? "" : RecommendedPolicy.fileName(account) + "/")
          + RecommendedPolicy.fileName(name);
      String file = in.policyFiles().contains(base + ".json") ? base + ".json"
          : in.policyFiles().contains(base + ".part1.json") ? base + ".part1.json" : null;
      String href = file == null ? null : "../../permissions/policies/" + partition + "/" + file;
      List<String> envs = r.isNullAt(9) ? List.of() : r.getList(9);
      out.add(new RoleView(name, r.getString(0), account, r.getString(2), used, unused, r.getLong(6), r.getLong(7),
          pct(unused, used + unused), href, new ArrayList<>(envs), Boolean.TRUE.equals(r.getAs("active"))));
    }
    return out;
  }

  private static long[] permissionCounts(Dataset<Row> verdicts) {
    Row r = verdicts.agg(sum(when(col("state").equalTo(Verdicts.USED), 1).otherwise(0)),
        sum(when(col("state").equalTo(Verdicts.UNUSED), 1).otherwise(0))).first();
    return new long[] {r.isNullAt(0) ? 0 : r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1)};
  }

  // ---- charts ----

  private static final Map<String, String> SEVERITY_LABEL = Map.of("critical", "Critical", "high", "High",
      "medium", "Medium", "low", "Low", "info", "Info");

  private static List<Legend> severityLegend() {
    List<Legend> l = new ArrayList<>();
    for (String s : FindingSchema.SEVERITIES) {
      l.add(new Legend("sev-" + s, SEVERITY_LABEL.get(s)));
    }
    return l;
  }

  private static ReportModel.ColumnChart severityByDay(ReportInputs in, Dataset<Row> openFindings) {
    Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
    for (LocalDate d = in.windowFrom(); !d.isAfter(in.windowTo()); d = d.plusDays(1)) {
      days.put(d, new HashMap<>());
    }
    long undated = 0;
    for (Row r : openFindings.groupBy(to_date(col("first_seen")).as("day"), col("severity")).count().collectAsList()) {
      LocalDate d = r.isNullAt(0) ? null : localDate(r.get(0));
      if (d == null || !days.containsKey(d)) {
        undated += r.getLong(2);
        continue;
      }
      days.get(d).merge(r.getString(1), r.getLong(2), Long::sum);
    }
    List<Item> items = new ArrayList<>();
    for (Map.Entry<LocalDate, Map<String, Long>> e : days.entrySet()) {
      List<Part> parts = new ArrayList<>();
      // Bottom to top: most severe at the base.
      for (String s : FindingSchema.SEVERITIES) {
        long n = e.getValue().getOrDefault(s, 0L);
        parts.add(new Part("sev-" + s, n, n + " " + s + " on " + e.getKey()));
      }
      items.add(new Item(DAY.format(e.getKey()), e.getKey().toString(), parts, null, null));
    }
    return Charts.columns(items, severityLegend(), undated,
        "Open findings by the day they were first seen, " + in.windowFrom() + " to " + in.windowTo() + ".");
  }

  private static BarChart staleness(java.util.Collection<Row> platforms) {
    List<Row> rows = new ArrayList<>(platforms);
    rows.sort(Comparator.<Row>comparingInt(r -> lifecycleRank(str(r, "branch_lifecycle")))
        .thenComparingInt(r -> -((Integer) r.getAs("versions_behind")))
        .thenComparing(r -> String.valueOf(r.<String>getAs("environment_name"))));
    List<Item> items = new ArrayList<>();
    for (Row r : rows) {
      String life = str(r, "branch_lifecycle");
      int behind = r.<Integer>getAs("versions_behind");
      String cls = "retired".equals(life) ? "life-retired" : "deprecated".equals(life) ? "life-deprecated"
          : str(r, "finding_id") == null ? "life-current" : "life-behind";
      String note;
      if ("unknown".equals(life) || str(r, "current_version") == null) {
        note = "unknown to the catalog";
        cls = "life-unknown";
      } else if ("retired".equals(life)) {
        note = "branch retired" + (behind > 0 ? ", " + behind + " behind" : "");
      } else if ("deprecated".equals(life)) {
        note = "branch deprecated" + (behind > 0 ? ", " + behind + " behind" : "");
      } else {
        note = behind == 0 ? "current" : behind + " version" + (behind == 1 ? "" : "s") + " behind";
      }
      double value = cls.equals("life-unknown") ? 0 : Math.max(behind, 0.35);
      items.add(new Item(str(r, "environment_name"), str(r, "aws_region") + " · " + nz(str(r, "branch")),
          List.of(new Part(cls, value, str(r, "current_version") == null ? note
              : "on " + str(r, "current_version") + ", target " + nz(str(r, "target_version")))), note, cls));
    }
    return Charts.bars(items, -1, List.of(new Legend("life-retired", "Retired branch"),
        new Legend("life-deprecated", "Deprecated branch"), new Legend("life-behind", "Behind its branch"),
        new Legend("life-current", "Current"), new Legend("life-unknown", "Unknown")),
        "Catalog versions behind the branch's recommended (or newest) version, per live environment.", 40);
  }

  private static int lifecycleRank(String life) {
    return switch (life == null ? "" : life) {
      case "retired" -> 0;
      case "deprecated" -> 1;
      case "unknown" -> 3;
      default -> 2;
    };
  }

  private static BarChart leastPrivilege(List<RoleView> roles) {
    List<Item> items = new ArrayList<>();
    for (RoleView r : roles) {
      long all = r.used() + r.unused() + r.unobservable();
      if (all == 0) {
        continue;
      }
      items.add(new Item(r.name(), r.kind() + " · " + nz(r.account()), List.of(
          new Part("perm-used", (double) r.used() / all, r.used() + " used"),
          new Part("perm-unused", (double) r.unused() / all, r.unused() + " unused"),
          new Part("perm-unobservable", (double) r.unobservable() / all, r.unobservable() + " unobservable")),
          r.reduction() + " removable", r.unused() > 0 ? "note-bad" : "note-ok"));
    }
    return Charts.bars(items, 1.0, List.of(new Legend("perm-used", "Used"), new Legend("perm-unused", "Unused"),
        new Legend("perm-unobservable", "Unobservable (kept)")),
        "Share of each principal's granted actions used, unused and not observable in CloudTrail; sorted by unused.", 20);
  }

  private static BarChart impactChart(Dataset<Row> impact) {
    if (impact == null) {
      return null;
    }
    List<Row> rows = impact.filter(col("p99_before_ms").isNotNull().or(col("p99_after_ms").isNotNull()))
        .orderBy(col("degraded").desc_nulls_last(), col("change_time").desc()).limit(15).collectAsList();
    double max = 1;
    for (Row r : rows) {
      max = Math.max(max, Math.max(d(r.getAs("p99_before_ms")), d(r.getAs("p99_after_ms"))));
    }
    double area = Charts.BAR_WIDTH - Charts.BAR_LABEL - Charts.BAR_NOTE;
    List<BarRow> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      double y = 6 + i * Charts.ROW;
      double b = area * d(r.getAs("p99_before_ms")) / max;
      double a = area * d(r.getAs("p99_after_ms")) / max;
      boolean degraded = Boolean.TRUE.equals(r.getAs("degraded"));
      List<Rect> segs = List.of(
          new Rect(Charts.BAR_LABEL, y, Math.max(2, Math.round(b * 10) / 10.0), 8, "impact-before",
              "p99 before: " + num(r.getAs("p99_before_ms"), 1, " ms")),
          new Rect(Charts.BAR_LABEL, y + 10, Math.max(2, Math.round(a * 10) / 10.0), 8,
              degraded ? "impact-degraded" : "impact-after", "p99 after: " + num(r.getAs("p99_after_ms"), 1, " ms")));
      out.add(new BarRow(str(r, "environment_name"), nz(str(r, "change_kind")) + " · " + time(r.getAs("change_time")),
          y, segs, degraded ? "degraded" : "no degradation",
          Charts.BAR_LABEL + Math.max(a, b) + 8, degraded ? "note-bad" : "note-ok"));
    }
    return new BarChart(Charts.BAR_WIDTH, 12 + rows.size() * Charts.ROW, Charts.BAR_LABEL, out,
        List.of(new Legend("impact-before", "p99 latency before"), new Legend("impact-after", "after"),
            new Legend("impact-degraded", "after (degraded)")),
        "p99 latency in the window before and after each change; degraded changes first.",
        (int) Math.max(0, impact.count() - rows.size()));
  }

  // ---- headline ----

  private static long[] platformCounts(Dataset<Row> platforms) {
    if (platforms == null) {
      return new long[2];
    }
    Row r = platforms.agg(sum(when(col("finding_id").isNotNull(), 1).otherwise(0)),
        sum(when(col("branch_lifecycle").isin("retired", "deprecated"), 1).otherwise(0))).first();
    return new long[] {r.isNullAt(0) ? 0 : r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1)};
  }

  private static long[] imdsCounts(Dataset<Row> imds) {
    if (imds == null) {
      return new long[2];
    }
    Row r = imds.agg(sum(when(col("verdict").notEqual("enforced"), 1).otherwise(0)),
        sum(when(col("verdict").equalTo("safe_to_enforce"), 1).otherwise(0))).first();
    return new long[] {r.isNullAt(0) ? 0 : r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1)};
  }

  private static Figure figure(String label, long value, long previous, boolean upIsBad, String hint) {
    String delta = null;
    String trend = null;
    if (previous >= 0) {
      long d = value - previous;
      delta = (d > 0 ? "+" : d < 0 ? "−" : "±") + String.format(Locale.ROOT, "%,d", Math.abs(d));
      trend = upIsBad ? trend(d, true) : "neutral";
    }
    return new Figure(label, String.format(Locale.ROOT, "%,d", value), delta, trend, hint);
  }

  private static String trend(double d, boolean upIsBad) {
    if (d == 0) {
      return "same";
    }
    return (d > 0) == upIsBad ? "worse" : "better";
  }

  private static String pointDelta(double d) {
    return (d > 0 ? "+" : d < 0 ? "−" : "±") + String.format(Locale.ROOT, "%.0f pts", Math.abs(d));
  }

  private static double pct100(long part, long whole) {
    return whole == 0 ? 0 : Math.round(100.0 * part / whole);
  }

  private static String pct(long part, long whole) {
    return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.0f%%", 100.0 * part / whole);
  }

  // ---- compliance ----

  private static Compliance compliance(List<RuleCount> rules) {
    List<ControlView> hub = new ArrayList<>();
    Set<String> listed = new HashSet<>();
    for (Practices.Definition d : Practices.SECURITY_HUB_CONTROLS) {
      hub.add(control(d.id(), d.title(), d.description(), rules, d::matches, "failed", "passed"));
      listed.add(d.id());
    }
    List<ControlView> practices = new ArrayList<>();
    for (Practices.Definition d : Practices.PRACTICES) {
      practices.add(control(d.id(), d.title(), d.description(), rules, d::matches, "attention", "no findings"));
    }
    TreeSet<String> otherHub = new TreeSet<>();
    TreeSet<String> nist = new TreeSet<>(WeeklyReport::compareControls);
    for (RuleCount r : rules) {
      for (String c : Practices.securityHubControls(r.compliance())) {
        if (!listed.contains(c)) {
          otherHub.add(c);
        }
      }
      nist.addAll(Practices.nistControls(r.compliance()));
    }
    List<ControlView> other = new ArrayList<>();
    for (String c : otherHub) {
      String tag = Practices.SECURITY_HUB + c;
      other.add(control(c, "Security Hub " + c, null, rules, l -> l.contains(tag), "failed", "passed"));
    }
    List<ControlView> nistViews = new ArrayList<>();
    for (String c : nist) {
      String tag = Practices.NIST + c;
      nistViews.add(control(c, null, null, rules, l -> l.contains(tag), "attention", "no findings"));
    }
    return new Compliance(hub, nistViews, practices, other);
  }

  private static ControlView control(String id, String title, String description, List<RuleCount> rules,
      java.util.function.Predicate<List<String>> matches, String failed, String passed) {
    long open = 0;
    long suppressed = 0;
    long ch = 0;
    Map<String, Long> byRule = new TreeMap<>();
    for (RuleCount r : rules) {
      if (!matches.test(r.compliance())) {
        continue;
      }
      if (FindingSchema.OPEN.equals(r.status())) {
        open += r.n();
        byRule.merge(r.ruleId(), r.n(), Long::sum);
        if (r.severity().equals("critical") || r.severity().equals("high")) {
          ch += r.n();
        }
      } else {
        suppressed += r.n();
      }
    }
    List<String> ruleList = new ArrayList<>();
    byRule.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> ruleList.add(e.getKey() + " (" + e.getValue() + ")"));
    return new ControlView(id, title, description, open, suppressed, ch, open > 0 ? failed : passed, ruleList);
  }

  /** AC-6 before AC-6(1) before AC-17; families alphabetically. */
  static int compareControls(String a, String b) {
    String[] pa = a.split("[-()]+");
    String[] pb = b.split("[-()]+");
    for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
      if (i >= pa.length) return -1;
      if (i >= pb.length) return 1;
      int c;
      try {
        c = Integer.compare(Integer.parseInt(pa[i]), Integer.parseInt(pb[i]));
      } catch (NumberFormatException e) {
        c = pa[i].compareTo(pb[i]);
      }
      if (c != 0) return c;
    }
    return a.compareTo(b);
  }

  // ---- data quality ----

  private static DataQuality dataQuality(ReportInputs in) {
    IngestSummary s = in.ingest();
    List<KeyValue> files = new ArrayList<>();
    List<KeyValue> records = new ArrayList<>();
    List<KeyValue> skipped = new ArrayList<>();
    if (s != null) {
      files.add(new KeyValue("listed", n(s.filesListed())));
      files.add(new KeyValue("read", n(s.filesRead())));
      if (s.incremental() != null) {
        files.add(new KeyValue("read by earlier runs (incremental)", n(s.incremental().objectsKnown())));
      }
      files.add(new KeyValue("skipped", n(s.filesSkipped())));
      files.add(new KeyValue("quarantined", n(s.filesQuarantined())));
      records.add(new KeyValue("read", n(s.recordsRead())));
      records.add(new KeyValue("kept", n(s.recordsKept())));
      records.add(new KeyValue("duplicate", n(s.recordsDuplicate())));
      records.add(new KeyValue("quarantined", n(s.recordsQuarantined())));
      if (s.incremental() != null) {
        records.add(new KeyValue("events of the week, with earlier runs'", n(s.incremental().rowsAfter())));
      }
      if (in.metricRejects() != null) {
        records.add(new KeyValue("metric lines rejected (metrics_quarantine)", n(in.metricRejects().count())));
      }
      if (s.filesSkippedByReason() != null) {
        new TreeMap<>(s.filesSkippedByReason()).forEach((k, v) -> skipped.add(new KeyValue(k.replace('_', ' '), n(v))));
      }
    }
    List<KeyValue> reasons = new ArrayList<>();
    if (in.quarantine() != null) {
      Map<String, Long> byReason = new TreeMap<>();
      for (Row r : in.quarantine().groupBy("reason").count().collectAsList()) {
        String reason = r.isNullAt(0) ? "(none)" : r.getString(0);
        int colon = reason.indexOf(": ");
        String k = clip(colon > 0 ? reason.substring(0, colon) : reason, 90);
        byReason.merge(k, r.getLong(1), Long::sum);
      }
      byReason.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
          .forEach(e -> reasons.add(new KeyValue(e.getKey(), n(e.getValue()))));
    }
    String digest = "not run: this run did not verify CloudTrail digest files";
    if (in.digest() != null) {
      Dataset<Row> d = in.digest();
      String statusCol = null;
      for (String c : List.of("status", "verdict", "result")) {
        if (List.of(d.columns()).contains(c)) {
          statusCol = c;
          break;
        }
      }
      if (statusCol == null) {
        digest = n(d.count()) + " digest results";
      } else {
        List<String> parts = new ArrayList<>();
        for (Row r : d.groupBy(statusCol).count().orderBy(statusCol).collectAsList()) {
          parts.add(n(r.getLong(1)) + " " + (r.isNullAt(0) ? "unknown" : r.get(0)));
        }
        digest = String.join(", ", parts);
      }
    }
    List<CatalogView> catalogs = new ArrayList<>();
    String source = null;
    LocalDate asOf = null;
    if (in.platforms() != null) {
      Row r = in.platforms().select("catalog_source", "catalog_as_of").limit(1).collectAsList().stream().findFirst()
          .orElse(null);
      if (r != null) {
        source = r.getString(0);
        asOf = r.isNullAt(1) ? null : localDate(r.get(1));
      }
    }
    RunManifest run = in.run();
    if (source == null && run != null) {
      source = run.platformCatalogSource();
      asOf = run.platformCatalogAsOf() == null ? null : LocalDate.parse(run.platformCatalogAsOf());
    }
    if (source != null || asOf != null) {
      long age = asOf == null ? -1 : ChronoUnit.DAYS.between(asOf, in.reportDate());
      boolean exports = run != null && run.platformExports() != null && !run.platformExports().isEmpty();
      catalogs.add(new CatalogView("Platform catalog", shortSource(source), asOf == null ? "unknown" : asOf.toString(),
          age < 0 ? "unknown" : age + " days", exports ? "from --platforms exports"
              : "the shipped reference catalog (partial and old): pass --platforms for current verdicts", age < 0 || age > 90));
    }
    if (run != null && run.iamExports() != null && !run.iamExports().isEmpty()) {
      for (RunManifest.InputFile f : run.iamExports()) {
        long age = -1;
        if (f.modified() != null) {
          age = ChronoUnit.DAYS.between(Instant.parse(f.modified()).atZone(ZoneOffset.UTC).toLocalDate(), in.reportDate());
        }
        catalogs.add(new CatalogView("IAM authorization details", f.path(), f.modified() == null ? "unknown"
            : f.modified().substring(0, Math.min(10, f.modified().length())), age < 0 ? "unknown" : age + " days",
            "get-account-authorization-details export", age < 0 || age > 30));
      }
    } else {
      catalogs.add(new CatalogView("IAM authorization details", "none given", "—", "—",
          in.verdicts() == null ? "no --iam: permission verdicts were not evaluated" : "exports used; ages not recorded",
          in.verdicts() == null));
    }
    catalogs.add(new CatalogView("IAM action catalog", "shipped with ebaudit " + (run == null ? "" : nz(run.version())),
        "—", "—", "CloudTrail event to IAM action mapping (iam-dataset, see NOTICE)", false));
    List<String> trails = run != null && run.trails() != null ? run.trails() : s != null && s.trails() != null ? s.trails() : List.of();
    return new DataQuality(s != null, files, records, skipped, reasons,
        s == null ? "—" : String.format(Locale.ROOT, "%.4f", s.rejectRatio()),
        s == null ? "—" : String.format(Locale.ROOT, "%.4f", s.maxRejectRatio()), s != null && s.overThreshold(),
        digest, catalogs, trails, in.windowFrom() + " to " + in.windowTo() + " (UTC, inclusive)");
  }

  static String shortSource(String source) {
    if (source == null || source.isBlank()) {
      return "(no source)";
    }
    int comma = source.indexOf(',');
    return comma > 0 ? source.substring(0, comma) : source;
  }

  // ---- values ----

  private static boolean has(Row r, String column) {
    return List.of(r.schema().fieldNames()).contains(column);
  }

  private static String str(Row r, String column) {
    if (!has(r, column)) {
      return null;
    }
    Object v = r.getAs(column);
    return v == null ? null : v.toString();
  }

  static String time(Object v) {
    if (v == null) {
      return null;
    }
    Instant i = v instanceof Timestamp t ? t.toInstant() : v instanceof Instant x ? x : null;
    return i == null ? v.toString() : MINUTE.format(i);
  }

  private static LocalDate localDate(Object v) {
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof LocalDate d) {
      return d;
    }
    return LocalDate.parse(v.toString());
  }

  private static double d(Object v) {
    return v == null ? 0 : ((Number) v).doubleValue();
  }

  private static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String nz(String s) {
    return s == null ? "—" : s;
  }

  static String clip(String s, int max) {
    if (s == null) {
      return null;
    }
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
