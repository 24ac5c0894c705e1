package io.ebaudit.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.Rule;
import io.ebaudit.rules.RuleEngine;
import io.ebaudit.rules.RuleRegistry;
import io.ebaudit.secrets.Secrets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Findings ({@link FindingSchema#FINDINGS}) as AWS Security Hub and OCSF documents.
 *
 * <p><b>ASFF</b> ({@link #asff}): JSON arrays of at most {@value #ASFF_BATCH} findings, one account and
 * region per file (BatchImportFindings must be called from the finding's account, in the region of its
 * {@code ProductArn}): {@code aws securityhub batch-import-findings --region R --findings file://F}. {@code Id}
 * is {@code ebaudit/<finding_id>}, stable across runs, so a re-import updates the finding; findings open in
 * the previous report and gone now are sent {@code RecordState: ARCHIVED} with compliance {@code PASSED}.
 * Environment findings carry an {@code AwsElasticBeanstalkEnvironment} resource with the environment's
 * option settings (from {@code environment_state}; application environment properties are left out, since
 * they hold customer values and sometimes undetected secrets), platform ARN and solution stack.
 *
 * <p><b>OCSF 1.1.0</b> ({@link #ocsf}): JSON lines, one finding per line (what Athena's and Glue's JSON
 * readers take): change findings (the rules of {@link RuleRegistry}) as Detection Finding (class 2004),
 * state and posture checks (platforms, coverage, IMDS, permissions) as Compliance Finding (class 2003),
 * with the {@code cloud} profile.
 */
public final class SecurityExports {
  private SecurityExports() {}

  public static final int ASFF_BATCH = 100;
  public static final int OCSF_BATCH = 1000;
  public static final String OCSF_VERSION = "1.1.0";
  public static final int DETECTION_FINDING = 2004;
  public static final int COMPLIANCE_FINDING = 2003;
  /** Security Hub refuses findings over 240 KB. */
  static final int ASFF_MAX_BYTES = 240 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  /** One export file: its name and content. */
  public record Document(String name, String content, int findings) {}

  /** An environment as the exports describe it. */
  public record Environment(String account, String region, String application, String name, String id,
      String platformArn, String solutionStack, String versionLabel, String status, String tier,
      List<String[]> optionSettings) {}

  /** What to export: the current findings, the previous report's (for resolved ones), and context. */
  public record Input(List<Row> findings, List<Row> resolved, Map<String, Environment> environments,
      Instant generatedAt, String reportDate, String version, String homeRegion) {}

  /** Collects the export input from the tables (findings are few enough for the driver). */
  public static Input input(ReportInputs in, Instant generatedAt, String version, String homeRegion) {
    List<Row> findings = WeeklyReport.bySeverity(in.findings()).collectAsList();
    List<Row> resolved = List.of();
    if (in.previous() != null) {
      resolved = in.previous().findings().filter(org.apache.spark.sql.functions.col("status").equalTo(FindingSchema.OPEN))
          .join(in.findings().select("finding_id"),
              scala.collection.JavaConverters.asScalaBuffer(List.of("finding_id")).toSeq(), "left_anti")
          .collectAsList();
    }
    return new Input(findings, resolved, environments(in.environmentState(), in.platforms()), generatedAt,
        in.reportDate().toString(), version, homeRegion);
  }

  /** Each environment's export details, keyed like {@link WeeklyReport#key}. */
  public static Map<String, Environment> environments(Dataset<Row> state, Dataset<Row> platforms) {
    Map<String, Map<String, String>> pseudo = new HashMap<>();
    Map<String, List<String[]>> options = new HashMap<>();
    Map<String, String[]> ident = new HashMap<>();
    if (state != null) {
      for (Row r : state.orderBy("namespace", "option_name", "resource_name").collectAsList()) {
        String k = WeeklyReport.key(r.getAs("account_id"), r.getAs("aws_region"), r.getAs("environment_name"));
        ident.putIfAbsent(k, new String[] {r.getAs("account_id"), r.getAs("aws_region"), r.getAs("application"),
            r.getAs("environment_name"), r.getAs("environment_id")});
        String ns = r.getAs("namespace");
        String value = r.getAs("value");
        if (Boolean.TRUE.equals(r.getAs("secret")) && value != null) {
          value = Secrets.MASK;
        }
        if (BeanstalkSchemas.ENVIRONMENT_NAMESPACE.equals(ns)) {
          pseudo.computeIfAbsent(k, x -> new HashMap<>()).put(r.getAs("option_name"), value);
        } else if (ns != null && !ns.startsWith("ebaudit:") && !ns.equals(Secrets.ENV_NAMESPACE) && value != null) {
          options.computeIfAbsent(k, x -> new ArrayList<>()).add(new String[] {ns, r.getAs("option_name"),
              r.getAs("resource_name"), WeeklyReport.clip(value, 1024)});
        }
      }
    }
    Map<String, String[]> plat = new HashMap<>();
    if (platforms != null) {
      for (Row r : platforms.select("account_id", "aws_region", "environment_name", "platform_arn", "solution_stack_name")
          .collectAsList()) {
        plat.put(WeeklyReport.key(r.getString(0), r.getString(1), r.getString(2)), new String[] {r.getString(3), r.getString(4)});
      }
    }
    Map<String, Environment> out = new HashMap<>();
    for (Map.Entry<String, String[]> e : ident.entrySet()) {
      String[] id = e.getValue();
      Map<String, String> p = pseudo.getOrDefault(e.getKey(), Map.of());
      String[] pl = plat.getOrDefault(e.getKey(), new String[2]);
      out.put(e.getKey(), new Environment(id[0], id[1], id[2], id[3], id[4],
          pl[0] != null ? pl[0] : p.get("PlatformArn"), pl[1] != null ? pl[1] : p.get("SolutionStackName"),
          p.get("VersionLabel"), p.get("Status"), p.get("Tier"), options.getOrDefault(e.getKey(), List.of())));
    }
    return out;
  }

  // ---- ASFF ----

  public static List<Document> asff(Input in) {
    Map<String, List<ObjectNode>> byTarget = new TreeMap<>();
    for (Row r : in.findings()) {
      ObjectNode f = asffFinding(r, in, false);
      if (f != null) {
        byTarget.computeIfAbsent(f.path("AwsAccountId").asText() + "-" + f.path("Region").asText(), k -> new ArrayList<>()).add(f);
      }
    }
    for (Row r : in.resolved()) {
      ObjectNode f = asffFinding(r, in, true);
      if (f != null) {
        byTarget.computeIfAbsent(f.path("AwsAccountId").asText() + "-" + f.path("Region").asText(), k -> new ArrayList<>()).add(f);
      }
    }
    List<Document> out = new ArrayList<>();
    for (Map.Entry<String, List<ObjectNode>> e : byTarget.entrySet()) {
      List<ObjectNode> all = e.getValue();
      for (int i = 0, part = 1; i < all.size(); i += ASFF_BATCH, part++) {
        ArrayNode batch = JSON.createArrayNode();
        List<ObjectNode> slice = all.subList(i, Math.min(all.size(), i + ASFF_BATCH));
        batch.addAll(slice);
        out.add(new Document(String.format(Locale.ROOT, "%s-%04d.json", e.getKey(), part), write(PRETTY, batch),
            slice.size()));
      }
    }
    return out;
  }

  private static ObjectNode asffFinding(Row r, Input in, boolean resolved) {
    String account = r.getAs("account_id");
    if (account == null || !account.matches("\\d{12}")) {
      return null; // Security Hub needs the account; none of ebaudit's findings lacks one
    }
    String region = r.getAs("region") != null ? r.<String>getAs("region") : in.homeRegion();
    String partition = partition(region);
    String ruleId = r.getAs("rule_id");
    String severity = r.getAs("severity");
    List<String> compliance = list(r, "compliance");
    RuleEngine.Metadata meta = metadata(ruleId);

    ObjectNode f = JSON.createObjectNode();
    f.put("SchemaVersion", "2018-10-08");
    f.put("Id", "ebaudit/" + r.<String>getAs("finding_id"));
    f.put("ProductArn", "arn:" + partition + ":securityhub:" + region + ":" + account + ":product/" + account + "/default");
    f.put("ProductName", "ebaudit");
    f.put("CompanyName", "ebaudit");
    f.put("GeneratorId", "ebaudit/" + ruleId);
    f.put("AwsAccountId", account);
    f.put("Region", region);
    ArrayNode types = f.putArray("Types");
    types.add("Software and Configuration Checks/AWS Security Best Practices");
    if (!Practices.nistControls(compliance).isEmpty()) {
      types.add("Software and Configuration Checks/Industry and Regulatory Standards/NIST 800-53 Controls");
    }
    String generated = ISO.format(in.generatedAt());
    String first = iso(r.getAs("first_seen"));
    String last = iso(r.getAs("last_seen"));
    if (first != null) f.put("FirstObservedAt", first);
    if (last != null) f.put("LastObservedAt", last);
    f.put("CreatedAt", first != null && first.compareTo(generated) <= 0 ? first : generated);
    f.put("UpdatedAt", generated);
    ObjectNode sev = f.putObject("Severity");
    sev.put("Label", asffSeverity(severity));
    sev.put("Original", severity);
    ObjectNode provider = f.putObject("FindingProviderFields");
    provider.set("Severity", sev.deepCopy());
    provider.set("Types", types.deepCopy());
    f.put("Title", clip(Secrets.maskText(r.getAs("title")), 256));
    String detail = Secrets.maskText(r.getAs("detail"));
    f.put("Description", clip(detail == null || detail.isBlank() ? r.getAs("title") : detail, 1024));
    String remediation = r.getAs("remediation");
    if (remediation != null) {
      ObjectNode rec = f.putObject("Remediation").putObject("Recommendation");
      rec.put("Text", clip(remediation, 512));
      String url = meta == null ? null : meta.references().stream().filter(u -> u.startsWith("https://")).findFirst().orElse(null);
      if (url != null) rec.put("Url", url);
    }
    ObjectNode pf = f.putObject("ProductFields");
    pf.put("ebaudit/RuleId", ruleId);
    pf.put("ebaudit/FindingId", r.<String>getAs("finding_id"));
    pf.put("ebaudit/ReportDate", in.reportDate());
    if (r.getAs("principal_arn") != null) pf.put("ebaudit/Principal", clip(r.getAs("principal_arn"), 2048));
    List<String> events = list(r, "event_ids");
    if (!events.isEmpty()) pf.put("ebaudit/EventIds", clip(String.join(",", events), 2048));
    f.set("Resources", resources(r, in, account, region, partition));
    ObjectNode comp = f.putObject("Compliance");
    comp.put("Status", resolved ? "PASSED" : "FAILED");
    ArrayNode req = comp.putArray("RelatedRequirements");
    compliance.stream().limit(32).forEach(req::add);
    boolean suppressed = FindingSchema.SUPPRESSED.equals(r.getAs("status"));
    f.putObject("Workflow").put("Status", resolved ? "RESOLVED" : suppressed ? "SUPPRESSED" : "NEW");
    f.put("RecordState", resolved ? "ARCHIVED" : "ACTIVE");
    if (suppressed && r.getAs("suppression_reason") != null) {
      ObjectNode note = f.putObject("Note");
      note.put("Text", clip("Suppressed in ebaudit: " + r.getAs("suppression_reason"), 512));
      note.put("UpdatedBy", "ebaudit");
      note.put("UpdatedAt", generated);
    }
    if (write(JSON, f).length() > ASFF_MAX_BYTES) {
      for (JsonNode res : f.path("Resources")) {
        JsonNode d = res.path("Details").path("AwsElasticBeanstalkEnvironment");
        if (d.isObject()) ((ObjectNode) d).remove("OptionSettings");
      }
    }
    return f;
  }

  private static ArrayNode resources(Row r, Input in, String account, String region, String partition) {
    ArrayNode out = JSON.createArrayNode();
    String env = r.getAs("environment");
    String resourceArn = r.getAs("resource_arn");
    if (env != null) {
      Environment e = in.environments().get(WeeklyReport.key(account, r.getAs("region"), env));
      String app = r.getAs("application") != null ? r.<String>getAs("application") : e == null ? null : e.application();
      String arn = resourceArn != null && resourceArn.contains(":environment/") ? resourceArn
          : "arn:" + partition + ":elasticbeanstalk:" + region + ":" + account + ":environment/" + (app == null ? "" : app) + "/" + env;
      ObjectNode res = out.addObject();
      res.put("Type", "AwsElasticBeanstalkEnvironment");
      res.put("Id", arn);
      res.put("Partition", partition);
      res.put("Region", region);
      ObjectNode d = res.putObject("Details").putObject("AwsElasticBeanstalkEnvironment");
      if (app != null) d.put("ApplicationName", app);
      d.put("EnvironmentName", env);
      d.put("EnvironmentArn", arn);
      if (e != null) {
        if (e.id() != null) d.put("EnvironmentId", e.id());
        if (e.platformArn() != null) d.put("PlatformArn", e.platformArn());
        if (e.solutionStack() != null) d.put("SolutionStackName", e.solutionStack());
        if (e.versionLabel() != null) d.put("VersionLabel", e.versionLabel());
        if (e.status() != null) d.put("Status", e.status());
        if (e.tier() != null) {
          String[] t = e.tier().split("/", -1);
          ObjectNode tier = d.putObject("Tier");
          if (t.length > 0 && !t[0].isEmpty()) tier.put("Name", t[0]);
          if (t.length > 1 && !t[1].isEmpty()) tier.put("Type", t[1]);
          if (t.length > 2 && !t[2].isEmpty()) tier.put("Version", t[2]);
        }
        ArrayNode opts = d.putArray("OptionSettings");
        for (String[] o : e.optionSettings()) {
          ObjectNode s = opts.addObject();
          s.put("Namespace", o[0]);
          s.put("OptionName", o[1]);
          if (o[2] != null) s.put("ResourceName", o[2]);
          s.put("Value", o[3]);
        }
      }
    } else {
      String principal = r.getAs("principal_arn");
      String id = resourceArn != null ? resourceArn : principal;
      ObjectNode res = out.addObject();
      res.put("Type", id == null ? "Other" : id.contains(":role/") ? "AwsIamRole" : id.contains(":user/") ? "AwsIamUser"
          : "Other");
      res.put("Id", id == null ? "ebaudit/" + r.<String>getAs("finding_id") : id);
      res.put("Partition", partition);
      res.put("Region", region);
    }
    return out;
  }

  static String asffSeverity(String s) {
    return switch (s == null ? "" : s) {
      case "critical" -> "CRITICAL";
      case "high" -> "HIGH";
      case "medium" -> "MEDIUM";
      case "low" -> "LOW";
      default -> "INFORMATIONAL";
    };
  }

  // ---- OCSF ----

  private static final Set<String> CHANGE_RULES = changeRules();

  private static Set<String> changeRules() {
    Set<String> s = new HashSet<>();
    for (Rule r : RuleRegistry.all()) {
      s.add(r.id());
    }
    return s;
  }

  /** Whether {@code ruleId} reports a change (Detection Finding) rather than a state (Compliance Finding). */
  public static boolean isChangeRule(String ruleId) {
    return CHANGE_RULES.contains(ruleId);
  }

  public static List<Document> ocsf(Input in) {
    Map<String, List<String>> byFile = new TreeMap<>();
    for (Row r : in.findings()) {
      ObjectNode o = ocsfFinding(r, in, false);
      byFile.computeIfAbsent(ocsfFile(o), k -> new ArrayList<>()).add(write(JSON, o));
    }
    for (Row r : in.resolved()) {
      ObjectNode o = ocsfFinding(r, in, true);
      byFile.computeIfAbsent(ocsfFile(o), k -> new ArrayList<>()).add(write(JSON, o));
    }
    List<Document> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byFile.entrySet()) {
      List<String> lines = e.getValue();
      for (int i = 0, part = 1; i < lines.size(); i += OCSF_BATCH, part++) {
        List<String> slice = lines.subList(i, Math.min(lines.size(), i + OCSF_BATCH));
        out.add(new Document(String.format(Locale.ROOT, "%s-%04d.json", e.getKey(), part),
            String.join("\n", slice) + "\n", slice.size()));
      }
    }
    return out;
  }

  private static String ocsfFile(ObjectNode o) {
    String cls = o.path("class_uid").asInt() == DETECTION_FINDING ? "detection_finding" : "compliance_finding";
    return cls + "-" + o.path("cloud").path("account").path("uid").asText("unknown") + "-"
        + o.path("cloud").path("region").asText("global");
  }

  private static ObjectNode ocsfFinding(Row r, Input in, boolean resolved) {
    String ruleId = r.getAs("rule_id");
    boolean detection = isChangeRule(ruleId);
    int classUid = detection ? DETECTION_FINDING : COMPLIANCE_FINDING;
    boolean suppressed = FindingSchema.SUPPRESSED.equals(r.getAs("status"));
    int activity = resolved ? 3 : 1;
    String account = r.getAs("account_id");
    String region = r.getAs("region") != null ? r.<String>getAs("region") : in.homeRegion();
    List<String> compliance = list(r, "compliance");
    RuleEngine.Metadata meta = metadata(ruleId);

    ObjectNode o = JSON.createObjectNode();
    ObjectNode md = o.putObject("metadata");
    md.put("version", OCSF_VERSION);
    ObjectNode product = md.putObject("product");
    product.put("name", "ebaudit");
    product.put("vendor_name", "ebaudit");
    product.put("uid", "ebaudit");
    if (in.version() != null) product.put("version", in.version());
    md.putArray("profiles").add("cloud");
    md.put("uid", r.<String>getAs("finding_id"));
    md.put("logged_time", in.generatedAt().toEpochMilli());
    o.put("time", in.generatedAt().toEpochMilli());
    o.put("category_uid", 2);
    o.put("category_name", "Findings");
    o.put("class_uid", classUid);
    o.put("class_name", detection ? "Detection Finding" : "Compliance Finding");
    o.put("activity_id", activity);
    o.put("activity_name", resolved ? "Close" : "Create");
    o.put("type_uid", classUid * 100L + activity);
    o.put("type_name", (detection ? "Detection Finding: " : "Compliance Finding: ") + (resolved ? "Close" : "Create"));
    o.put("severity_id", ocsfSeverityId(r.getAs("severity")));
    o.put("severity", ocsfSeverity(r.getAs("severity")));
    o.put("status_id", resolved ? 4 : suppressed ? 3 : 1);
    o.put("status", resolved ? "Resolved" : suppressed ? "Suppressed" : "New");
    String title = Secrets.maskText(r.getAs("title"));
    o.put("message", title);
    ObjectNode fi = o.putObject("finding_info");
    fi.put("uid", r.<String>getAs("finding_id"));
    fi.put("title", title);
    String detail = Secrets.maskText(r.getAs("detail"));
    if (detail != null) fi.put("desc", detail);
    fi.putArray("types").add(ruleId);
    Long first = millis(r.getAs("first_seen"));
    Long last = millis(r.getAs("last_seen"));
    if (first != null) {
      fi.put("first_seen_time", first);
      fi.put("created_time", Math.min(first, in.generatedAt().toEpochMilli()));
    }
    if (last != null) fi.put("last_seen_time", last);
    fi.put("modified_time", in.generatedAt().toEpochMilli());
    ObjectNode analytic = fi.putObject("analytic");
    analytic.put("uid", ruleId);
    analytic.put("name", meta == null ? ruleId : meta.title());
    analytic.put("type_id", 1);
    analytic.put("type", "Rule");
    List<String> events = list(r, "event_ids");
    if (!events.isEmpty()) {
      ArrayNode rel = fi.putArray("related_events");
      for (String e : events) {
        rel.addObject().put("uid", e).put("product_uid", "cloudtrail");
      }
    }
    if (first != null) o.put("start_time", first);
    if (last != null) o.put("end_time", last);
    ObjectNode cloud = o.putObject("cloud");
    cloud.put("provider", "AWS");
    cloud.put("region", region);
    if (account != null) cloud.putObject("account").put("uid", account).put("type_id", 10).put("type", "AWS Account");
    ArrayNode resources = o.putArray("resources");
    String env = r.getAs("environment");
    if (env != null) {
      ObjectNode res = resources.addObject();
      String arn = r.getAs("resource_arn");
      Environment e = in.environments().get(WeeklyReport.key(account, r.getAs("region"), env));
      res.put("uid", arn != null ? arn : "arn:" + partition(region) + ":elasticbeanstalk:" + region + ":" + account
          + ":environment/" + (r.getAs("application") == null ? "" : r.<String>getAs("application")) + "/" + env);
      res.put("name", env);
      res.put("type", "AWS::ElasticBeanstalk::Environment");
      res.put("region", region);
      res.put("cloud_partition", partition(region));
      if (r.getAs("application") != null) res.putObject("group").put("name", r.<String>getAs("application"));
      if (e != null && e.platformArn() != null) res.putObject("data").put("platform_arn", e.platformArn());
    } else if (r.getAs("principal_arn") != null) {
      String p = r.getAs("principal_arn");
      ObjectNode res = resources.addObject();
      res.put("uid", p);
      res.put("type", p.contains(":role/") ? "AWS::IAM::Role" : p.contains(":user/") ? "AWS::IAM::User" : "AWS::IAM::Principal");
      res.put("cloud_partition", partition(region));
    }
    if (r.getAs("remediation") != null) {
      ObjectNode rem = o.putObject("remediation");
      rem.put("desc", r.<String>getAs("remediation"));
      if (meta != null && !meta.references().isEmpty()) {
        ArrayNode refs = rem.putArray("references");
        meta.references().forEach(refs::add);
      }
    }
    if (!detection || !compliance.isEmpty()) {
      ObjectNode comp = o.putObject("compliance");
      ArrayNode standards = comp.putArray("standards");
      Set<String> seen = new java.util.LinkedHashSet<>();
      for (String c : compliance) {
        seen.add(c.startsWith(Practices.SECURITY_HUB) ? "AWS Foundational Security Best Practices"
            : c.startsWith(Practices.NIST) ? "NIST SP 800-53 Rev. 5"
            : c.startsWith("CIS ") ? c.replaceAll("\\s+\\d+(\\.\\d+)*$", "") : "ebaudit");
      }
      if (seen.isEmpty()) seen.add("ebaudit");
      seen.forEach(standards::add);
      ArrayNode req = comp.putArray("requirements");
      compliance.forEach(req::add);
      List<String> hub = Practices.securityHubControls(compliance);
      comp.put("control", hub.isEmpty() ? ruleId : hub.get(0));
      comp.put("status_id", resolved ? 1 : 3);
      comp.put("status", resolved ? "Pass" : "Fail");
    }
    ObjectNode unmapped = o.putObject("unmapped");
    unmapped.put("rule_id", ruleId);
    if (r.getAs("principal_arn") != null) unmapped.put("principal_arn", r.<String>getAs("principal_arn"));
    if (r.getAs("evidence") != null) unmapped.put("evidence", Secrets.maskJson(r.getAs("evidence")));
    if (suppressed && r.getAs("suppression_reason") != null) unmapped.put("suppression_reason", r.<String>getAs("suppression_reason"));
    unmapped.put("report_date", in.reportDate());
    return o;
  }

  static int ocsfSeverityId(String s) {
    return switch (s == null ? "" : s) {
      case "critical" -> 5;
      case "high" -> 4;
      case "medium" -> 3;
      case "low" -> 2;
      case "info" -> 1;
      default -> 0;
    };
  }

  private static String ocsfSeverity(String s) {
    return switch (ocsfSeverityId(s)) {
      case 5 -> "Critical";
      case 4 -> "High";
      case 3 -> "Medium";
      case 2 -> "Low";
      case 1 -> "Informational";
      default -> "Unknown";
    };
  }

  // ---- helpers ----

  private static final Map<String, RuleEngine.Metadata> META = new LinkedHashMap<>();

  private static synchronized RuleEngine.Metadata metadata(String ruleId) {
    if (!META.containsKey(ruleId)) {
      RuleEngine.Metadata m = null;
      try {
        m = RuleEngine.metadata(ruleId);
      } catch (RuntimeException e) {
        // a rule without shipped metadata (a later stage's): no references
      }
      META.put(ruleId, m);
    }
    return META.get(ruleId);
  }

  static String partition(String region) {
    if (region == null) return "aws";
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
  }

  private static List<String> list(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? List.of() : r.getList(i);
  }

  private static String iso(Object v) {
    Long m = millis(v);
    return m == null ? null : ISO.format(Instant.ofEpochMilli(m));
  }

  private static Long millis(Object v) {
    if (v instanceof Timestamp t) return t.getTime();
    if (v instanceof Instant i) return i.toEpochMilli();
    return null;
  }

  private static String clip(String s, int max) {
    return WeeklyReport.clip(s, max);
  }

  private static String write(ObjectMapper m, JsonNode n) {
    try {
      return m.writeValueAsString(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
