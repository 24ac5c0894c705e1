package io.ebaudit.beanstalk;

import static io.ebaudit.beanstalk.BeanstalkFixture.event;
import static io.ebaudit.beanstalk.BeanstalkFixture.option;
import static io.ebaudit.beanstalk.BeanstalkFixture.removal;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.jobs.IngestJob;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.TrailFixture;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** beanstalk_events, the timeline replay, config_changes and environment_state, from a trail on disk. */
public class BeanstalkStageTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  static final String LC = "aws:autoscaling:launchconfiguration";
  static final String ENV_PROPS = "aws:elasticbeanstalk:application:environment";

  private Dataset<Row> ingest(List<String> records) throws Exception {
    Path trail = tmp.newFolder().toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "EB"),
        TrailFixture.envelope(records), true);
    Path out = tmp.newFolder().toPath();
    IngestJob.run(spark(), IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), out.toString(),
        0.0, Settings.defaults()));
    return spark().read().schema(EventSchema.EVENTS).parquet(out.resolve("events").toString());
  }

  private Dataset<Row> noSeed() {
    return spark().createDataFrame(List.of(), BeanstalkSchemas.SEED);
  }

  @Test
  public void theRealAwsDocsUpdateEnvironmentEvent() throws Exception {
    String doc;
    try (InputStream in = getClass().getResourceAsStream("/real/awsdocs/UpdateEnvironment_example_2023.json")) {
      doc = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String record = doc.substring(doc.indexOf('[') + 1, doc.lastIndexOf(']'));
    Dataset<Row> be = BeanstalkEvents.extract(ingest(List.of(record))).localCheckpoint();
    Row r = be.collectAsList().get(0);
    assertThat(r.<String>getAs("application")).isEqualTo("sample-app");
    assertThat(r.<String>getAs("environment_name")).isEqualTo("sample-env");
    assertThat(r.<String>getAs("principal_arn")).isEqualTo("arn:aws:iam::123456789012:user/intern");
    assertThat(r.<String>getAs("client_class")).isEqualTo("console");
    assertThat(r.<Boolean>getAs("mfa_authenticated")).isFalse();
    assertThat(r.<String>getAs("outcome")).isEqualTo("success");
    assertThat(r.<String>getAs("resource_arn"))
        .isEqualTo("arn:aws:elasticbeanstalk:us-west-2:123456789012:environment/sample-app/sample-env");
    // "optionSettings": [] changes nothing.
    assertThat(Timeline.changes(Timeline.build(be, noSeed())).count()).isZero();
  }

  @Test
  public void replayGivesEveryChangeItsValueBefore() throws Exception {
    String create = "{\"applicationName\":\"shop\",\"environmentName\":\"shop-prod\",\"platformArn\":"
        + "\"arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.1.0\","
        + "\"tags\":[{\"key\":\"env\",\"value\":\"production\"}],\"optionSettings\":["
        + option(LC, "DisableIMDSv1", "true") + "," + option(LC, "EC2KeyName", "ops-key") + ","
        + option(ENV_PROPS, "DB_PASSWORD", "hunter2-canary-0xC0FFEE") + "]}";
    String update1 = "{\"environmentName\":\"shop-prod\",\"optionSettings\":[" + option(LC, "DisableIMDSv1", "false") + "],"
        + "\"optionsToRemove\":[" + removal(LC, "EC2KeyName") + "]}";
    String update2 = "{\"environmentName\":\"shop-prod\",\"platformArn\":"
        + "\"arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.0.9\"}";
    String failed = "{\"environmentName\":\"shop-prod\",\"optionSettings\":[" + option(LC, "DisableIMDSv1", "true") + "]}";
    String other = "{\"environmentName\":\"api-dev\",\"optionSettings\":[" + option(LC, "DisableIMDSv1", "true") + "]}";
    Dataset<Row> events = ingest(List.of(
        event("e1", "2026-11-20T08:00:00Z", "CreateEnvironment", create, null),
        event("e2", "2026-11-20T09:00:00Z", "UpdateEnvironment", update1, null),
        event("e3", "2026-11-20T10:00:00Z", "UpdateEnvironment", update2, null),
        event("e4", "2026-11-20T11:00:00Z", "UpdateEnvironment", failed, "AccessDenied"),
        event("e5", "2026-11-20T12:00:00Z", "UpdateEnvironment", other, null)));
    Dataset<Row> be = BeanstalkEvents.extract(events).localCheckpoint();
    assertThat(be.count()).isEqualTo(5);
    assertThat(be.filter(col("outcome").equalTo("failed")).count()).isEqualTo(1);
    assertThat(be.filter(col("environment_name").equalTo("shop-prod")).select("environment_tags").first()
        .<scala.collection.Map<String, String>>getAs(0).get("env").get()).isEqualTo("production");

    // As AnalyzeJob does: materialized inputs keep Spark's plans small.
    Dataset<Row> timeline = Timeline.build(be, noSeed()).localCheckpoint();
    Dataset<Row> changes = Timeline.changes(timeline);
    StructType s = new StructType().add("event_id", DataTypes.StringType).add("change_kind", DataTypes.StringType)
        .add("option_name", DataTypes.StringType).add("value_before", DataTypes.StringType)
        .add("value_before_source", DataTypes.StringType).add("value_after", DataTypes.StringType)
        .add("secret", DataTypes.BooleanType);
    Dataset<Row> expected = spark().createDataFrame(List.of(
        RowFactory.create("e1", "option_set", "DisableIMDSv1", null, "new", "true", false),
        RowFactory.create("e2", "option_set", "DisableIMDSv1", "true", "trail", "false", false),
        RowFactory.create("e1", "option_set", "EC2KeyName", null, "new", "ops-key", false),
        RowFactory.create("e2", "option_removed", "EC2KeyName", "ops-key", "trail", null, false),
        RowFactory.create("e5", "option_set", "DisableIMDSv1", null, "unknown", "true", false)), s);
    Dataset<Row> actual = changes.filter(col("namespace").equalTo(LC))
        .select("event_id", "change_kind", "option_name", "value_before", "value_before_source", "value_after", "secret")
        .orderBy("option_name", "event_id");
    assertFramesEqual(expected.orderBy("option_name", "event_id"), spark().createDataFrame(actual.collectAsList(), s));

    // The platform went back a version; the secret is masked and flagged.
    Row platform = changes.filter(col("option_name").equalTo("PlatformArn").and(col("event_id").equalTo("e3"))).first();
    assertThat(platform.<String>getAs("value_before")).endsWith("/4.1.0");
    assertThat(platform.<String>getAs("value_after")).endsWith("/4.0.9");
    Row secret = changes.filter(col("option_name").equalTo("DB_PASSWORD")).first();
    assertThat(secret.<Boolean>getAs("secret")).isTrue();
    assertThat(secret.<String>getAs("value_after")).isEqualTo(io.ebaudit.secrets.Secrets.MASK);
    // A create without them leaves managed updates and enhanced health at their defaults.
    assertThat(changes.filter(col("change_kind").equalTo("option_default").and(col("option_name").equalTo("ManagedActionsEnabled")))
        .select("value_after").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("false");
    // The failed call changed nothing.
    assertThat(changes.filter(col("event_id").equalTo("e4")).count()).isZero();

    Dataset<Row> state = EnvironmentState.derive(timeline, be);
    Row imds = state.filter(col("environment_name").equalTo("shop-prod").and(col("option_name").equalTo("DisableIMDSv1"))).first();
    assertThat(imds.<String>getAs("value")).isEqualTo("false");
    assertThat(imds.<String>getAs("last_changed_event_id")).isEqualTo("e2");
    assertThat(imds.<String>getAs("last_changed_by")).isEqualTo("arn:aws:iam::111122223333:user/alice");
    Row logs = state.filter(col("environment_name").equalTo("api-dev").and(col("option_name").equalTo("StreamLogs"))).first();
    assertThat(logs.<Boolean>getAs("is_default")).isTrue();
    assertThat(logs.<String>getAs("value")).isEqualTo("false");
    assertThat(state.filter(col("environment_name").equalTo("shop-prod").and(col("option_name").equalTo("EC2KeyName"))).count())
        .isEqualTo(1); // removed: back to no value
  }

  @Test
  public void snapshotsSeedTheValueBeforeAndTemplatesAreInherited() throws Exception {
    String template = "{\"applicationName\":\"shop\",\"templateName\":\"hardened\",\"solutionStackName\":"
        + "\"64bit Amazon Linux 2023 v4.1.0 running Python 3.11\",\"optionSettings\":["
        + option(LC, "DisableIMDSv1", "true") + "," + option("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "true") + "]}";
    String fromTemplate = "{\"applicationName\":\"shop\",\"environmentName\":\"shop-blue\",\"templateName\":\"hardened\"}";
    String update = "{\"environmentName\":\"legacy\",\"optionSettings\":["
        + option("aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic") + "]}";
    Dataset<Row> be = BeanstalkEvents.extract(ingest(List.of(
        event("t1", "2026-11-20T08:00:00Z", "CreateConfigurationTemplate", template, null),
        event("t2", "2026-11-20T09:00:00Z", "CreateEnvironment", fromTemplate, null),
        event("t3", "2026-11-20T10:00:00Z", "UpdateEnvironment", update, null)))).localCheckpoint();
    // As describe-configuration-settings gives it: no account, no region.
    Dataset<Row> seed = spark().createDataFrame(List.of(RowFactory.create(null, null, "shop",
        "environment", "legacy", null, "aws:elasticbeanstalk:healthreporting:system", "SystemType", null, "enhanced",
        java.sql.Timestamp.valueOf("2026-11-01 00:00:00"), "snapshot.json")), BeanstalkSchemas.SEED);
    Dataset<Row> timeline = Timeline.build(be, seed).localCheckpoint();
    Dataset<Row> changes = Timeline.changes(timeline);
    Row lowered = changes.filter(col("event_id").equalTo("t3")).first();
    assertThat(lowered.<String>getAs("value_before")).isEqualTo("enhanced");
    assertThat(lowered.<String>getAs("value_before_source")).isEqualTo("snapshot");
    List<Row> inherited = changes.filter(col("event_id").equalTo("t2").and(col("namespace").equalTo(LC))).collectAsList();
    assertThat(inherited).singleElement().satisfies(r -> assertThat(r.<String>getAs("value_after")).isEqualTo("true"));
    assertThat(changes.filter(col("event_id").equalTo("t2").and(col("change_kind").equalTo("option_default"))).count())
        .as("a template create takes the template's values, not defaults").isZero();
    assertThat(changes.filter(col("event_id").equalTo("t1").and(col("target_type").equalTo("template"))).count()).isPositive();
  }

  /** The AWS CLI docs' option settings, as CloudTrail records them (lowerCamelCase members). */
  private String realOptions(String file) throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/real/awscli/" + file)) {
      com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ArrayNode out = m.createArrayNode();
      for (com.fasterxml.jackson.databind.JsonNode o : m.readTree(in)) {
        out.addObject().put("namespace", o.get("Namespace").asText()).put("optionName", o.get("OptionName").asText())
            .put("value", o.get("Value").asText());
      }
      return m.writeValueAsString(out);
    }
  }

  @Test
  public void theAwsCliOptionSettingsSamplesBecomeOneChangeEach() throws Exception {
    String healthChecks = realOptions("elasticbeanstalk.update-environment.json2.json");
    String configDocument = realOptions("elasticbeanstalk.validate-configuration-settings.json1.json");
    Dataset<Row> be = BeanstalkEvents.extract(ingest(List.of(
        event("u1", "2026-11-20T08:00:00Z", "UpdateEnvironment",
            "{\"environmentName\":\"my-env\",\"optionSettings\":" + healthChecks + "}", null),
        event("u2", "2026-11-20T09:00:00Z", "UpdateEnvironment",
            "{\"environmentName\":\"my-env\",\"optionSettings\":" + configDocument + "}", null)))).localCheckpoint();
    Dataset<Row> changes = Timeline.changes(Timeline.build(be, noSeed()).localCheckpoint());
    assertThat(changes.filter(col("event_id").equalTo("u1")).select("namespace", "option_name", "value_after")
        .orderBy("option_name").collectAsList()).extracting(Row::toString).containsExactly(
            "[aws:elb:healthcheck,HealthyThreshold,2]", "[aws:elb:healthcheck,Interval,15]",
            "[aws:elb:healthcheck,Timeout,8]", "[aws:elb:healthcheck,UnhealthyThreshold,3]");
    // A JSON document inside an option value survives, escapes and all.
    String doc = changes.filter(col("option_name").equalTo("ConfigDocument")).first().getAs("value_after");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(doc)
        .at("/CloudWatchMetrics/Environment/InstancesSevere").asInt()).isEqualTo(60);
  }
}
