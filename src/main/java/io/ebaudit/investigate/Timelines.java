package io.ebaudit.investigate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.permissions.Usage;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Renders the principal and environment investigations for {@code ebaudit investigate}: a terminal
 * timeline (every CloudTrail string passed through {@link TerminalText}) or one JSON document (control,
 * C1 and bidi characters escaped as {@code \\uXXXX}). Reads only the investigation Datasets.
 */
public final class Timelines {
  private Timelines() {}

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** What to print: a window, how many timeline rows at most, read-only calls or not, JSON or text. */
  public record Options(TimeWindow window, int limit, boolean includeReads, boolean json) {
    public Options {
      if (limit < 1) {
        throw new IllegalArgumentException("Cannot investigate: --limit must be at least 1, got " + limit);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Principal.

  public static String principal(Investigations inv, String principal, Options o) {
    Dataset<Row> all = inv.principalActivity(principal, o.window());
    Column read = col("read_only").eqNullSafe(lit(true));
    Column shownRow = o.includeReads() ? lit(true) : not(read).or(col("failed"));
    Dataset<Row> shown = all.filter(shownRow);
    // One pass for every count: the groups are few (services x regions x source IPs x principals).
    long total = 0, failed = 0, denied = 0, reads = 0, shownCount = 0;
    Timestamp firstSeen = null, lastSeen = null;
    Map<String, Long> services = new LinkedHashMap<>(), regions = new LinkedHashMap<>(),
        sources = new LinkedHashMap<>(), principals = new LinkedHashMap<>();
    for (Row r : all.groupBy(col("event_source"), col("aws_region"), col("source_ip_address"), col("principal_arn"))
        .agg(count(lit(1)), sum(when(col("failed"), 1).otherwise(0)),
            sum(when(col("error_code").rlike(Usage.DENIED_CODES), 1).otherwise(0)), sum(when(read, 1).otherwise(0)),
            sum(when(shownRow, 1).otherwise(0)), min("event_time"), max("event_time"))
        .collectAsList()) {
      long n = r.getLong(4);
      total += n;
      failed += r.getLong(5);
      denied += r.getLong(6);
      reads += r.getLong(7);
      shownCount += r.getLong(8);
      firstSeen = firstSeen == null || r.getTimestamp(9).before(firstSeen) ? r.getTimestamp(9) : firstSeen;
      lastSeen = lastSeen == null || r.getTimestamp(10).after(lastSeen) ? r.getTimestamp(10) : lastSeen;
      services.merge(key(r, 0), n, Long::sum);
      regions.merge(key(r, 1), n, Long::sum);
      sources.merge(key(r, 2), n, Long::sum);
      principals.merge(key(r, 3), n, Long::sum);
    }
    services = top(services, 8);
    regions = top(regions, 8);
    sources = top(sources, 5);
    principals = top(principals, 5);
    Map<String, Long> permissions = new LinkedHashMap<>();
    if (inv.has("verdicts")) {
      for (Row r : inv.permissionSummary(principal).collectAsList()) {
        permissions.merge(r.getString(1), r.getLong(2), Long::sum);
      }
    }
    // The terminal shows a few columns: reading only those skips the request JSON column entirely.
    List<Row> rows = o.json() ? List.of() : shown.select("event_time", "account_id", "aws_region", "event_source",
        "event_name", "failed", "error_code", "source_ip_address", "environment_name", "resources", "session_name")
        .limit(o.limit() + 1).collectAsList();
    boolean truncated = o.json() ? shownCount > o.limit() : rows.size() > o.limit();
    if (rows.size() > o.limit()) {
      rows = rows.subList(0, o.limit());
    }

    if (o.json()) {
      ObjectNode doc = JSON.createObjectNode();
      doc.put("investigation", "principal");
      doc.put("principal", principal);
      header(doc, inv, o);
      ObjectNode s = doc.putObject("summary");
      s.put("events", total);
      s.put("failed", failed);
      s.put("access_denied", denied);
      s.put("read_only", reads);
      s.put("first", iso(firstSeen));
      s.put("last", iso(lastSeen));
      s.set("principals", JSON.valueToTree(principals));
      s.set("services", JSON.valueToTree(services));
      s.set("regions", JSON.valueToTree(regions));
      s.set("source_ips", JSON.valueToTree(sources));
      if (!permissions.isEmpty()) {
        doc.set("permissions", JSON.valueToTree(permissions));
      }
      doc.put("matching", shownCount);
      doc.put("truncated", truncated);
      doc.set("events", jsonRows(shown, o.limit()));
      return write(doc);
    }

    StringBuilder sb = new StringBuilder();
    line(sb, "principal", TerminalText.safe(principal));
    if (principals.size() > 1 || (principals.size() == 1 && !principals.containsKey(principal))) {
      line(sb, "matched", counts(principals));
    }
    line(sb, "window", o.window().describe());
    line(sb, "data", dataLine(inv));
    line(sb, "events", String.format("%,d: %,d failed (%,d access denied), %,d read-only%s", total, failed,
        denied, reads, total == 0 ? "" : "; " + time(firstSeen) + " .. " + time(lastSeen)));
    if (total > 0) {
      line(sb, "services", counts(services));
      line(sb, "regions", counts(regions));
      line(sb, "source IPs", counts(sources));
    }
    if (!permissions.isEmpty()) {
      line(sb, "permissions", counts(permissions) + " (IAM actions per verdict)");
    }
    sb.append('\n');
    if (rows.isEmpty()) {
      sb.append(total == 0 ? "No events for this principal in the window.\n"
          : "Only read-only calls in the window (--include-reads shows them).\n");
      return sb.toString();
    }
    sb.append(String.format("%-19s  %-12s  %-14s  %-22s  %-34s  %-22s  %-15s  %s%n", "TIME (UTC)", "ACCOUNT",
        "REGION", "SERVICE", "EVENT", "RESULT", "SOURCE IP", "DETAIL"));
    for (Row r : rows) {
      String result = r.getAs("failed") != null && (Boolean) r.getAs("failed")
          ? TerminalText.safe((String) r.getAs("error_code"), 22) : "ok";
      sb.append(String.format("%-19s  %-12s  %-14s  %-22s  %-34s  %-22s  %-15s  %s%n",
          time(r.getAs("event_time")), TerminalText.safe((String) r.getAs("account_id"), 12),
          TerminalText.safe((String) r.getAs("aws_region"), 14),
          TerminalText.safe(shortService(r.getAs("event_source")), 22),
          TerminalText.safe((String) r.getAs("event_name"), 34), result,
          TerminalText.safe((String) r.getAs("source_ip_address"), 15), principalDetail(r)));
    }
    footer(sb, rows.size(), shownCount, truncated, o, total - shownCount);
    return sb.toString();
  }

  private static String key(Row r, int i) {
    return r.isNullAt(i) ? "(none)" : r.getString(i);
  }

  /** The n largest counts, largest first (ties by key). */
  private static Map<String, Long> top(Map<String, Long> m, int n) {
    Map<String, Long> out = new LinkedHashMap<>();
    m.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(n).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static String principalDetail(Row r) {
    List<String> parts = new ArrayList<>();
    String env = r.getAs("environment_name");
    if (env != null) {
      parts.add("env " + TerminalText.safe(env, 40));
    }
    List<Object> resources = r.getList(r.fieldIndex("resources"));
    if (resources != null && !resources.isEmpty() && resources.get(0) != null) {
      parts.add(TerminalText.safe(String.valueOf(resources.get(0)), 80)
          + (resources.size() > 1 ? " +" + (resources.size() - 1) : ""));
    }
    String session = r.getAs("session_name");
    if (session != null) {
      parts.add("session " + TerminalText.safe(session, 40));
    }
    return String.join("  ", parts);
  }

  // ---------------------------------------------------------------------------------------------
  // Environment.

  public static String environment(Investigations inv, String environment, Options o) {
    Dataset<Row> all = inv.environmentHistory(environment, o.window());
    Column read = col("read_only").eqNullSafe(lit(true));
    Column shownRow = o.includeReads() ? lit(true) : not(read).or(col("outcome").notEqual("success"));
    Dataset<Row> shown = all.filter(shownRow);
    // One pass for the counts and the environments the name or id matched (name, id, application).
    Dataset<Row> perEnvironment = all.groupBy(col("account_id"), col("aws_region"), col("environment_name"))
        .agg(max("application").as("application"), max("environment_id").as("environment_id"),
            count(lit(1)).as("calls"), sum(when(col("outcome").notEqual("success"), 1).otherwise(0)).as("failed"),
            sum(when(read, 1).otherwise(0)).as("read_only"),
            sum(when(col("changes").isNotNull(), size(col("changes"))).otherwise(0)).as("values_changed"),
            sum(when(col("changes").isNotNull(), 1).otherwise(0)).as("calls_changing_configuration"),
            sum(when(shownRow, 1).otherwise(0)).as("shown"))
        .orderBy("account_id", "aws_region", "environment_name");
    List<Row> ids = perEnvironment.collectAsList();
    long total = 0, failed = 0, reads = 0, values = 0, changing = 0, shownCount = 0;
    Set<String> names = new LinkedHashSet<>();
    for (Row r : ids) {
      total += r.getLong(5);
      failed += r.getLong(6);
      reads += r.getLong(7);
      values += r.getLong(8);
      changing += r.getLong(9);
      shownCount += r.getLong(10);
      if (!r.isNullAt(2)) {
        names.add(r.getString(2));
      }
    }
    if (names.isEmpty()) {
      names.add(environment);
    }
    List<Row> platforms = inv.has("platforms") ? inv.table("platforms")
        .filter(col("environment_name").isin(names.toArray())).collectAsList() : List.of();
    List<Row> roles = inv.has("environment_roles") ? inv.environmentRoles(environment).collectAsList() : List.of();
    List<Row> rows = o.json() ? List.of() : shown.limit(o.limit() + 1).collectAsList();
    boolean truncated = o.json() ? shownCount > o.limit() : rows.size() > o.limit();
    if (rows.size() > o.limit()) {
      rows = rows.subList(0, o.limit());
    }

    if (o.json()) {
      ObjectNode doc = JSON.createObjectNode();
      doc.put("investigation", "environment");
      doc.put("environment", environment);
      header(doc, inv, o);
      ObjectNode s = doc.putObject("summary");
      s.put("calls", total);
      s.put("failed", failed);
      s.put("read_only", reads);
      s.put("calls_changing_configuration", changing);
      s.put("values_changed", values);
      doc.set("environments", jsonRows(perEnvironment.drop("shown"), 1000));
      if (inv.has("platforms")) {
        doc.set("platform", jsonRows(inv.table("platforms").filter(col("environment_name").isin(names.toArray())), 100));
      }
      if (inv.has("environment_roles")) {
        doc.set("roles", jsonRows(inv.environmentRoles(environment), 100));
      }
      doc.put("matching", shownCount);
      doc.put("truncated", truncated);
      doc.set("events", jsonRows(shown, o.limit()));
      return write(doc);
    }

    boolean several = ids.size() > 1;
    StringBuilder sb = new StringBuilder();
    line(sb, "environment", TerminalText.safe(environment));
    for (Row id : ids) {
      line(sb, "", String.format("%s  id %s  application %s  account %s  region %s",
          TerminalText.safe(id.getString(2)), orNone(id.getString(4)), orNone(id.getString(3)),
          orNone(id.getString(0)), orNone(id.getString(1))));
    }
    line(sb, "window", o.window().describe());
    line(sb, "data", dataLine(inv));
    line(sb, "calls", String.format("%,d: %,d failed, %,d read-only; %,d calls changed %,d configuration values",
        total, failed, reads, changing, values));
    for (Row p : platforms) {
      line(sb, "platform", String.format("%s: %s %s (target %s), branch %s%s",
          TerminalText.safe((String) p.getAs("environment_name")),
          TerminalText.safe(p.<String>getAs("branch") == null ? p.getAs("solution_stack_name") : p.getAs("branch"), 80),
          orNone(p.getAs("current_version")), orNone(p.getAs("target_version")),
          orNone(p.getAs("branch_lifecycle")),
          p.getAs("finding_id") == null ? "" : "; " + p.getAs("severity") + " " + p.getAs("finding_id")));
    }
    for (Row r : roles) {
      line(sb, "roles", String.format("%s: instance profile %s -> %s; service role %s",
          TerminalText.safe((String) r.getAs("environment_name")),
          orNone(r.getAs("instance_profile")), orNone(r.getAs("instance_profile_role_arn")),
          orNone(r.getAs("service_role_arn") == null ? r.getAs("service_role") : r.getAs("service_role_arn"))));
    }
    sb.append('\n');
    if (rows.isEmpty()) {
      sb.append(total == 0 ? "No Elastic Beanstalk calls on this environment in the window.\n"
          : "Only read-only calls in the window (--include-reads shows them).\n");
      return sb.toString();
    }
    for (Row r : rows) {
      String who = TerminalText.safe((String) r.getAs("principal_arn"), 100);
      List<String> how = new ArrayList<>();
      how.add(orNone(r.getAs("principal_kind")));
      Boolean mfa = r.getAs("mfa_authenticated");
      if (mfa != null) {
        how.add(mfa ? "MFA" : "no MFA");
      }
      how.add(orNone(r.getAs("client_class")));
      if (r.getAs("source_ip_address") != null) {
        how.add(TerminalText.safe((String) r.getAs("source_ip_address"), 40));
      }
      String outcome = "success".equals(r.getAs("outcome")) ? "ok"
          : "FAILED " + TerminalText.safe((String) r.getAs("error_code"), 40);
      sb.append(String.format("%s  %s%-28s  %-6s  %s (%s)%n", time(r.getAs("event_time")),
          several ? orNone(r.getAs("account_id")) + " " + orNone(r.getAs("aws_region")) + " "
              + TerminalText.safe((String) r.getAs("environment_name"), 40) + "  " : "",
          TerminalText.safe((String) r.getAs("event_name"), 28), outcome, who, String.join(", ", how)));
      List<Row> changes = r.getList(r.fieldIndex("changes"));
      if (changes != null) {
        for (Row c : changes) {
          sb.append("      ~ ").append(change(c)).append('\n');
        }
      }
      int fi = r.fieldIndex("findings");
      if (!r.isNullAt(fi)) {
        for (Row f : r.<Row>getList(fi)) {
          sb.append(String.format("      ! %s %s: %s%s%n", f.getAs("severity"), f.getAs("rule_id"),
              TerminalText.safe((String) f.getAs("title"), 120),
              "open".equals(f.getAs("status")) ? "" : " (" + f.getAs("status") + ")"));
        }
      }
      if (java.util.Arrays.asList(r.schema().fieldNames()).contains("impact") && !r.isNullAt(r.fieldIndex("impact"))) {
        sb.append("      impact: ").append(impact(r.getAs("impact"))).append('\n');
      }
    }
    footer(sb, rows.size(), shownCount, truncated, o, total - shownCount);
    return sb.toString();
  }

  private static String change(Row c) {
    String kind = c.getAs("change_kind");
    String what = TerminalText.safe((String) c.getAs("namespace"), 60) + " "
        + TerminalText.safe((String) c.getAs("option_name"), 60)
        + (c.getAs("resource_name") == null ? "" : " [" + TerminalText.safe((String) c.getAs("resource_name"), 40) + "]");
    String before = value(c.getAs("value_before"));
    String source = c.getAs("value_before_source");
    if (source != null && !"trail".equals(source)) {
      before += " (" + source + ")";
    }
    return String.format("%s: %s -> %s%s", what, before, value(c.getAs("value_after")),
        "option_set".equals(kind) ? "" : "  [" + kind + "]");
  }

  private static String value(Object v) {
    return v == null ? "(none)" : TerminalText.safe(v.toString(), 100);
  }

  private static String impact(Row i) {
    List<String> parts = new ArrayList<>();
    for (String f : i.schema().fieldNames()) {
      Object v = i.getAs(f);
      if (v != null && (f.equals("degraded") || f.equals("degradation_reasons") || f.endsWith("_before")
          || f.endsWith("_after") || f.endsWith("_before_ms") || f.endsWith("_after_ms"))) {
        parts.add(f + "=" + TerminalText.safe(v instanceof scala.collection.Seq<?> s
            ? scala.collection.JavaConverters.seqAsJavaList(s).toString() : v.toString(), 80));
      }
    }
    return parts.isEmpty() ? "(no metrics)" : String.join(" ", parts);
  }

  // ---------------------------------------------------------------------------------------------

  private static void header(ObjectNode doc, Investigations inv, Options o) {
    ObjectNode w = doc.putObject("window");
    w.put("from", o.window().from() == null ? null : o.window().from().toString());
    w.put("to", o.window().to() == null ? null : o.window().to().toString());
    doc.put("data", inv.tables().root());
    doc.put("report_date", inv.tables().reportDate().map(Object::toString).orElse(null));
    doc.put("include_reads", o.includeReads());
  }

  private static String dataLine(Investigations inv) {
    return TerminalText.safe(inv.tables().root())
        + inv.tables().reportDate().map(d -> " at report date " + d).orElse("");
  }

  private static void footer(StringBuilder sb, int printed, long matching, boolean truncated, Options o, long hidden) {
    if (truncated) {
      sb.append(String.format("%n%,d of %,d shown (--limit %d).%n", printed, matching, o.limit()));
    }
    if (!o.includeReads() && hidden > 0) {
      sb.append(String.format("%,d successful read-only calls hidden (--include-reads shows them).%n", hidden));
    }
  }

  private static String counts(Map<String, Long> m) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : m.entrySet()) {
      parts.add(TerminalText.safe(shortService(e.getKey()), 100) + " " + String.format("%,d", e.getValue()));
    }
    return String.join(", ", parts);
  }

  private static String shortService(Object source) {
    String s = source == null ? "(none)" : source.toString();
    return s.endsWith(".amazonaws.com") ? s.substring(0, s.length() - ".amazonaws.com".length()) : s;
  }

  private static void line(StringBuilder sb, String label, String text) {
    sb.append(String.format("%-12s %s%n", label, text));
  }

  private static String orNone(Object o) {
    return o == null ? "-" : TerminalText.safe(o.toString(), 120);
  }

  private static String time(Object t) {
    Instant i = instant(t);
    return i == null ? "-" : TIME.format(i);
  }

  private static String iso(Object t) {
    Instant i = instant(t);
    return i == null ? null : i.toString();
  }

  private static Instant instant(Object t) {
    return t == null ? null : t instanceof Instant i ? i : ((Timestamp) t).toInstant();
  }

  // ---------------------------------------------------------------------------------------------
  // JSON.

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static {
    JSON.getFactory().setCharacterEscapes(new SafeEscapes());
  }

  /** Rows as JSON objects (Spark's own JSON of each row: timestamps ISO-8601 in the session time zone). */
  private static ArrayNode jsonRows(Dataset<Row> d, int limit) {
    ArrayNode a = JSON.createArrayNode();
    for (String s : d.limit(limit).toJSON().collectAsList()) {
      try {
        a.add(JSON.readTree(s));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Spark wrote JSON Jackson cannot read: " + e.getMessage(), e);
      }
    }
    return a;
  }

  private static String write(JsonNode doc) {
    try {
      return JSON.writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JSON's own escapes, plus DEL, C1 controls, separators and bidi controls as {@code \\uXXXX}. */
  static final class SafeEscapes extends CharacterEscapes {
    private final int[] ascii;

    SafeEscapes() {
      ascii = CharacterEscapes.standardAsciiEscapesForJSON();
      ascii[0x7f] = CharacterEscapes.ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return TerminalText.unsafe(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
  }
}
