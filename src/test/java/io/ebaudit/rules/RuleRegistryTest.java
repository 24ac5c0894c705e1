package io.ebaudit.rules;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.SparkSuite;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.Test;

/**
 * The rule catalog: every registered rule has complete metadata and a fixture, fires on each of its
 * {@code fires} rows and on none of its {@code passes} rows. Fixture rows of one list are evaluated
 * together in one DataFrame (window rules see each other's rows); {@code context} rows join both lists
 * without being asserted.
 */
public class RuleRegistryTest extends SparkSuite {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The public ids: users suppress and alert on them, so none may disappear. */
  static final List<String> REQUIRED_IDS = List.of(
      "eb_imdsv1_enabled", "eb_managed_updates_disabled", "eb_managed_updates_level_lowered",
      "eb_enhanced_health_disabled", "eb_log_streaming_disabled", "eb_log_retention_lowered",
      "eb_instance_profile_changed", "eb_service_role_changed", "eb_ssh_open_to_world", "eb_ssh_key_added",
      "eb_security_groups_changed", "eb_public_ip_enabled", "eb_https_listener_removed",
      "eb_plaintext_secret_in_environment", "eb_platform_downgraded", "eb_operations_role_changed",
      "eb_environment_terminated", "eb_cname_swapped", "eb_change_by_root", "eb_change_without_mfa",
      "eb_change_from_untrusted_network", "eb_change_outside_window", "eb_access_denied_burst",
      "eb_change_degraded_health");

  private static JsonNode resource(String path) {
    try (InputStream in = RuleRegistryTest.class.getResourceAsStream(path)) {
      assertThat(in).as("classpath resource %s", path).isNotNull();
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new AssertionError("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static StructType schema(Rule r) {
    return schema(r.input());
  }

  private static StructType schema(Rule.Input input) {
    return switch (input) {
      case CHANGES -> BeanstalkSchemas.CONFIG_CHANGES;
      case EVENTS -> BeanstalkSchemas.BEANSTALK_EVENTS;
      case IMPACT -> io.ebaudit.impact.Impact.IMPACT;
    };
  }

  private static RuleContext context(String id, JsonNode params) {
    ObjectNode rules = JSON.createObjectNode();
    if (params != null) {
      rules.set(id, params);
    }
    return new RuleContext(rules);
  }

  private Dataset<Row> frame(StructType schema, List<JsonNode> rows) {
    List<String> lines = rows.stream().map(JsonNode::toString).toList();
    return spark().read().schema(schema).option("mode", "FAILFAST")
        .json(spark().createDataset(lines, Encoders.STRING()));
  }

  /** event_id → (matches, detail, severity, value_after or null) for the asserted rows. */
  private Map<String, Row> evaluate(Rule r, RuleContext ctx, List<JsonNode> asserted, List<JsonNode> extra) {
    List<JsonNode> all = new ArrayList<>(asserted);
    all.addAll(extra);
    String meta = resource("/rules/" + r.id() + ".json").path("severity").asText();
    Dataset<Row> df = frame(schema(r), all);
    List<Row> out = df.select(col("event_id"), r.matches(ctx).as("m"), r.detail(ctx).as("d"),
            r.severity(ctx, meta).as("s"), r.input() == Rule.Input.CHANGES ? col("value_after")
                : r.input() == Rule.Input.EVENTS ? col("request_parameters") : org.apache.spark.sql.functions.lit(null).cast("string"),
            r.input() == Rule.Input.CHANGES ? col("secret") : org.apache.spark.sql.functions.lit(false))
        .collectAsList();
    assertThat(out).as("%s: rows read", r.id()).hasSize(all.size());
    Set<String> ids = new HashSet<>();
    asserted.forEach(n -> ids.add(n.path("event_id").asText()));
    Map<String, Row> byId = new HashMap<>();
    for (Row row : out) {
      if (ids.contains(row.getString(0))) {
        byId.put(row.getString(0), row);
      }
    }
    assertThat(byId.keySet()).as("%s: fixture event ids unique and read", r.id()).isEqualTo(ids);
    return byId;
  }

  private static List<JsonNode> list(JsonNode n) {
    List<JsonNode> out = new ArrayList<>();
    n.forEach(out::add);
    return out;
  }

  @Test
  public void everyPublicIdIsRegistered() {
    List<String> ids = RuleRegistry.all().stream().map(Rule::id).toList();
    assertThat(ids).containsAll(REQUIRED_IDS);
    assertThat(ids).hasSize(REQUIRED_IDS.size() + 3); // eb_logs_deleted_on_terminate, eb_production_tag_removed, eb_environment_rebuilt
  }

  @Test
  public void idsAreUniqueSnakeCaseAndPrefixed() {
    List<String> ids = RuleRegistry.all().stream().map(Rule::id).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids).allSatisfy(id -> assertThat(id).matches("eb_[a-z0-9]+(_[a-z0-9]+)*"));
  }

  @Test
  public void everyRuleHasCompleteMetadata() {
    for (Rule r : RuleRegistry.all()) {
      JsonNode m = resource("/rules/" + r.id() + ".json");
      String what = r.id() + " metadata";
      assertThat(m.path("id").asText()).as(what).isEqualTo(r.id());
      assertThat(m.path("title").asText()).as(what + " title").isNotBlank().hasSizeLessThanOrEqualTo(60);
      assertThat(FindingSchema.SEVERITIES).as(what + " severity").contains(m.path("severity").asText());
      assertThat(m.path("risk").asText()).as(what + " risk").isNotBlank();
      assertThat(m.path("remediation").asText()).as(what + " remediation").startsWith("aws ");
      assertThat(m.path("references").isArray() && m.path("references").size() > 0).as(what + " references").isTrue();
      m.path("references").forEach(u -> assertThat(u.asText()).as(what + " reference").matches("https://\\S+"));
      List<String> compliance = new ArrayList<>();
      m.path("compliance").forEach(c -> compliance.add(c.asText()));
      assertThat(compliance).as(what + " compliance").isNotEmpty()
          .anySatisfy(c -> assertThat(c).matches("NIST 800-53 [A-Z]{2}-\\d+(\\(\\d+\\))?"));
      JsonNode params = m.path("params");
      if (!params.isMissingNode()) {
        params.fields().forEachRemaining(p -> {
          assertThat(p.getValue().has("default")).as("%s param %s default", what, p.getKey()).isTrue();
          assertThat(p.getValue().path("doc").asText()).as("%s param %s doc", what, p.getKey()).isNotBlank();
        });
      }
    }
  }

  @Test
  public void everyRuleFiresOnItsFixturesAndOnlyThere() {
    for (Rule r : RuleRegistry.all()) {
      JsonNode f = resource("/rules/fixtures/" + r.id() + ".json");
      List<JsonNode> fires = list(f.path("fires"));
      List<JsonNode> passes = list(f.path("passes"));
      List<JsonNode> extra = list(f.path("context"));
      assertThat(fires).as("%s fires", r.id()).isNotEmpty();
      assertThat(passes).as("%s passes", r.id()).isNotEmpty();
      JsonNode params = f.get("params");
      if (params != null) {
        JsonNode documented = resource("/rules/" + r.id() + ".json").path("params");
        params.fieldNames().forEachRemaining(p ->
            assertThat(documented.has(p)).as("%s fixture param %s is documented", r.id(), p).isTrue());
      }
      RuleContext ctx = context(r.id(), params);

      for (Row row : evaluate(r, ctx, fires, extra).values()) {
        String what = r.id() + " on fires row " + row.getString(0);
        assertThat(row.isNullAt(1) ? null : row.getBoolean(1)).as(what).isTrue();
        assertThat(row.getString(2)).as(what + " detail").isNotBlank();
        assertThat(FindingSchema.SEVERITIES).as(what + " severity").contains(row.getString(3));
        if (!row.isNullAt(5) && row.getBoolean(5) && !row.isNullAt(4) && !row.getString(4).isBlank()) {
          assertThat(row.getString(2)).as(what + " detail hides the secret").doesNotContain(row.getString(4));
        }
      }
      for (Row row : evaluate(r, ctx, passes, extra).values()) {
        assertThat(row.isNullAt(1) ? false : row.getBoolean(1)).as(r.id() + " on passes row " + row.getString(0)).isFalse();
      }
    }
  }

  private static Rule rule(String id) {
    return RuleRegistry.all().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  private static ObjectNode termination(String id, String env, Map<String, String> tags) {
    ObjectNode n = JSON.createObjectNode()
        .put("event_id", id).put("event_time", "2024-05-14T10:21:07Z").put("event_date", "2024-05-14")
        .put("event_name", "TerminateEnvironment").put("account_id", "123456789012").put("aws_region", "eu-west-1")
        .put("application", "shop").put("environment_name", env)
        .put("principal_arn", "arn:aws:sts::123456789012:assumed-role/DevOpsAdmin/alice")
        .put("principal_kind", "assumed_role").put("client_class", "console").put("read_only", false)
        .put("outcome", "success");
    if (tags != null) {
      n.set("environment_tags", JSON.valueToTree(tags));
    }
    return n;
  }

  private Map<String, String> severities(JsonNode params, List<JsonNode> rows) {
    Rule r = rule("eb_environment_terminated");
    Map<String, String> out = new HashMap<>();
    evaluate(r, context(r.id(), params), rows, List.of()).forEach((id, row) -> {
      assertThat(row.getBoolean(1)).as("terminated fires on %s", id).isTrue();
      out.put(id, row.getString(3));
    });
    return out;
  }

  @Test
  public void terminatingAProductionEnvironmentIsCritical() {
    List<JsonNode> rows = List.of(
        termination("tag", "checkout", Map.of("Stage", "PROD")),
        termination("tag2", "checkout", Map.of("environment", "production", "team", "payments")),
        termination("name", "shop-prod", null),
        termination("name2", "Production_api", Map.of()),
        termination("staging", "shop-staging", Map.of("env", "staging")),
        termination("lookalike", "productivity-app", Map.of("team", "prod")),
        termination("noname", null, null));
    assertThat(severities(null, rows)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "tag", "critical", "tag2", "critical", "name", "critical", "name2", "critical",
        "staging", "high", "lookalike", "high", "noname", "high"));

    ObjectNode params = JSON.createObjectNode();
    params.set("production_tag_keys", JSON.valueToTree(List.of("tier")));
    params.set("production_tag_values", JSON.valueToTree(List.of("live")));
    params.put("production_name_pattern", "^live-");
    List<JsonNode> custom = List.of(
        termination("c-tag", "checkout", Map.of("Tier", "Live")),
        termination("c-name", "live-shop", null),
        termination("c-old", "shop-prod", Map.of("env", "prod")));
    assertThat(severities(params, custom)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "c-tag", "critical", "c-name", "critical", "c-old", "high"));
  }

  /** As the engine does: all rules of one input in one select over one frame (here, all their fixture rows). */
  @Test
  public void allRulesOfAnInputEvaluateTogether() {
    for (Rule.Input input : Rule.Input.values()) {
      List<Rule> rules = RuleRegistry.all().stream().filter(r -> r.input() == input).toList();
      ObjectNode params = JSON.createObjectNode();
      List<JsonNode> rows = new ArrayList<>();
      for (Rule r : rules) {
        JsonNode f = resource("/rules/fixtures/" + r.id() + ".json");
        if (f.has("params")) {
          params.set(r.id(), f.get("params"));
        }
        rows.addAll(list(f.path("fires")));
        rows.addAll(list(f.path("context")));
      }
      RuleContext ctx = new RuleContext(params);
      org.apache.spark.sql.Column[] fired = rules.stream()
          .map(r -> org.apache.spark.sql.functions.when(r.matches(ctx), org.apache.spark.sql.functions.lit(r.id())))
          .toArray(org.apache.spark.sql.Column[]::new);
      List<String> ids = frame(schema(input), rows)
          .select(org.apache.spark.sql.functions.array(fired).as("hits")) // window rules: no generator in this select
          .select(org.apache.spark.sql.functions.explode(col("hits")).as("id"))
          .where(col("id").isNotNull()).distinct().as(Encoders.STRING()).collectAsList();
      assertThat(ids).as(input + " rules that fire together").containsExactlyInAnyOrderElementsOf(
          rules.stream().map(Rule::id).toList());
    }
  }

  @Test
  public void aDenialBurstIsOneFindingPerPrincipalAndDay() {
    assertThat(rule("eb_access_denied_burst").findingKey().stream().map(Object::toString).toList())
        .containsExactly("principal_arn", "event_date");
  }
}
