package io.ebaudit.beanstalk;

import static io.ebaudit.beanstalk.BeanstalkSchemas.ENVIRONMENT_NAMESPACE;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.testing.SparkSuite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Snapshots read from the real CLI / EB CLI / Cloud Custodian response shapes under real/beanstalk/. */
public class SnapshotsTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final String CLI_SETTINGS =
      "awscli/elasticbeanstalk.describe-configuration-settings.output1_abbreviated.json";
  private static final String CLI_ENVIRONMENTS = "awscli/elasticbeanstalk.describe-environments.output1.json";
  private static final String EBCLI_ENVIRONMENTS = "ebcli/DESCRIBE_ENVIRONMENTS_RESPONSE.json";
  private static final String EBCLI_SETTINGS = "ebcli/DESCRIBE_CONFIGURATION_SETTINGS_RESPONSE.json";
  private static final String EBCLI_SETTINGS_FULL = "ebcli/DESCRIBE_CONFIGURATION_SETTINGS_RESPONSE__2.json";
  private static final String CUSTODIAN = "custodian/elasticbeanstalk.DescribeEnvironments_1.json";

  private static String real(String name) throws IOException {
    try (InputStream in = SnapshotsTest.class.getResourceAsStream("/real/beanstalk/" + name)) {
      if (in == null) throw new IllegalStateException("missing test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Path copy(Path dir, String name) throws IOException {
    Path to = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
    Files.createDirectories(dir);
    Files.writeString(to, real(name));
    return to;
  }

  private Path write(String name, String text) throws IOException {
    Path to = tmp.getRoot().toPath().resolve(name);
    Files.writeString(to, text);
    return to;
  }

  private Dataset<Row> read(Path... paths) {
    return Snapshots.read(spark(), Arrays.stream(paths).map(Path::toString).toList());
  }

  private static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  private static String uri(Path p) {
    return p.toUri().toString().replaceFirst("^file:///", "file:/");
  }

  @Test
  public void describeEnvironmentsFromTheCliDocs() throws IOException {
    Path f = copy(tmp.getRoot().toPath(), CLI_ENVIRONMENTS);
    Dataset<Row> seeds = read(f);
    String src = uri(f);
    Timestamp asOf = ts("2015-08-12T18:16:55.019Z");
    List<Row> rows = new ArrayList<>();
    for (String[] kv : new String[][] {
      {"SolutionStackName", "64bit Amazon Linux 2015.03 v2.0.0 running Tomcat 8 Java 8"},
      {"VersionLabel", "7f58-stage-150812_025409"},
      {"Tier", "WebServer/Standard/"},
      {"Status", "Ready"},
      {"EnvironmentId", "e-rpqsewtp2j"},
    }) {
      rows.add(RowFactory.create(null, null, "my-app", "environment", "my-env", "e-rpqsewtp2j",
          ENVIRONMENT_NAMESPACE, kv[0], null, kv[1], asOf, src));
    }
    assertFramesEqual(spark().createDataFrame(rows, BeanstalkSchemas.SEED), seeds);
  }

  @Test
  public void describeConfigurationSettingsFromTheCliDocs() throws IOException {
    Path f = copy(tmp.getRoot().toPath(), CLI_SETTINGS);
    Dataset<Row> seeds = read(f);
    String src = uri(f);
    Timestamp asOf = ts("2015-08-13T23:30:07Z");
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(null, null, "my-app", "environment", "my-env", null, ENVIRONMENT_NAMESPACE,
        "SolutionStackName", null, "64bit Amazon Linux 2015.03 v2.0.0 running Tomcat 8 Java 8", asOf, src));
    for (String[] s : new String[][] {
      {"aws:autoscaling:asg", "Availability Zones", "AWSEBAutoScalingGroup", "Any"},
      {"aws:autoscaling:asg", "Cooldown", "AWSEBAutoScalingGroup", "360"},
      {"aws:elb:policies", "ConnectionDrainingTimeout", "AWSEBLoadBalancer", "20"},
      {"aws:elb:policies", "ConnectionSettingIdleTimeout", "AWSEBLoadBalancer", "60"},
    }) {
      rows.add(RowFactory.create(null, null, "my-app", "environment", "my-env", null, s[0], s[1], s[2], s[3],
          asOf, src));
    }
    assertFramesEqual(spark().createDataFrame(rows, BeanstalkSchemas.SEED), seeds);
  }

  @Test
  public void fullEbCliSettingsKeepSecurityOptionsAndUnsetValues() throws IOException {
    Dataset<Row> seeds = read(copy(tmp.getRoot().toPath(), EBCLI_SETTINGS_FULL)).cache();
    assertThat(seeds.count()).isEqualTo(72 + 3);
    assertThat(seeds.filter(col("namespace").equalTo(ENVIRONMENT_NAMESPACE)).collectAsList())
        .extracting(r -> r.getAs("option_name") + "=" + r.getAs("value"))
        .containsExactly(
            "PlatformArn=arn:aws:elasticbeanstalk:us-west-2::platform/Node.js running on 64bit Amazon Linux/4.5.1",
            "SolutionStackName=64bit Amazon Linux 2018.03 v4.5.1 running Node.js",
            "Tier=WebServer/Standard/1.0");
    Row ssh = seeds.filter(col("option_name").equalTo("SSHSourceRestriction")).first();
    assertThat((String) ssh.getAs("value")).isEqualTo("tcp,22,22,0.0.0.0/0");
    assertThat((String) ssh.getAs("resource_name")).isNull();
    Row key = seeds.filter(col("option_name").equalTo("EC2KeyName")).first();
    assertThat((String) key.getAs("value")).isNull();
    assertThat((String) key.getAs("resource_name")).isEqualTo("AWSEBAutoScalingLaunchConfiguration");
    assertThat(seeds.filter(col("namespace").equalTo("aws:elasticbeanstalk:application:environment")
        .and(col("option_name").equalTo("DB_USERNAME"))).first().<String>getAs("value")).isEqualTo("root");
    assertThat(seeds.select("target_type", "target_name", "application").distinct().collectAsList())
        .containsExactly(RowFactory.create("environment", "vpc-tests-dev-single", "vpc-tests"));
    assertThat(seeds.select("as_of").distinct().first().getTimestamp(0)).isEqualTo(ts("2018-07-05T19:39:35Z"));
  }

  @Test
  public void custodianRecordingOfARetiredPlatform() throws IOException {
    Dataset<Row> seeds = read(copy(tmp.getRoot().toPath(), CUSTODIAN)).cache();
    // the first environment was still launching: no VersionLabel
    assertThat(seeds.filter(col("target_name").equalTo("c7n-eb-tag-test-inactive")).collectAsList())
        .extracting(r -> r.<String>getAs("option_name"))
        .containsExactly("PlatformArn", "SolutionStackName", "Tier", "Status", "EnvironmentId");
    Row platform = seeds.filter(col("target_name").equalTo("c7n-eb-tag-test")
        .and(col("option_name").equalTo("PlatformArn"))).first();
    assertThat((String) platform.getAs("value"))
        .isEqualTo("arn:aws:elasticbeanstalk:us-east-1::platform/Docker running on 64bit Amazon Linux/2.8.0");
    assertThat((String) platform.getAs("account_id")).isEqualTo("012345678901");
    assertThat((String) platform.getAs("aws_region")).isEqualTo("us-east-1");
    assertThat((String) platform.getAs("application")).isEqualTo("re-jenkins");
    assertThat((String) platform.getAs("environment_id")).isEqualTo("e-rdthyjww23");
    assertThat((Timestamp) platform.getAs("as_of")).isEqualTo(ts("2017-12-05T18:02:34.561Z"));
    assertThat(seeds.filter(col("option_name").equalTo("VersionLabel")).first().<String>getAs("value"))
        .isEqualTo("app-477e-170601_115505");
  }

  @Test
  public void accountAndRegionFromEachEnvironmentArn() throws IOException {
    Dataset<Row> seeds = read(copy(tmp.getRoot().toPath(), EBCLI_ENVIRONMENTS));
    assertThat(seeds.select("target_name", "account_id", "aws_region").distinct().orderBy("target_name")
            .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[environment-1,123123123123,us-west-2]", "[environment-2,123123123123,us-west-2]",
            "[environment-3,123123123123,us-west-2]", "[environment-4,123123123123,us-west-2]");
    assertThat(seeds.filter(col("target_name").equalTo("environment-4").and(col("option_name").equalTo("Tier")))
        .first().<String>getAs("value")).isEqualTo("Worker/SQS/HTTP/1.0");
  }

  @Test
  public void foldersArrayFilesAndIgnoredFiles() throws IOException {
    Path dir = tmp.newFolder("snapshots").toPath();
    copy(dir, CLI_SETTINGS);
    copy(dir.resolve("prod"), CUSTODIAN);
    copy(dir.resolve("prod"), EBCLI_SETTINGS);
    Files.writeString(dir.resolve("README.txt"), "not a snapshot");
    Files.writeString(dir.resolve("prod/notes.md"), "# not a snapshot");
    Files.writeString(dir.resolve(".hidden.json"), "not JSON");
    Files.createDirectories(dir.resolve("_tmp"));
    Files.writeString(dir.resolve("_tmp/partial.json"), "{");
    // one file, an array of two responses
    Path both = write("both.json", "[" + real(CLI_ENVIRONMENTS) + "," + real(EBCLI_SETTINGS) + "]");

    long expected = read(copy(tmp.newFolder("a").toPath(), CLI_SETTINGS)).count()
        + read(copy(tmp.newFolder("b").toPath(), CUSTODIAN)).count()
        + read(copy(tmp.newFolder("c").toPath(), EBCLI_SETTINGS)).count();
    Dataset<Row> seeds = read(dir, both, dir.resolve("prod")).cache(); // prod/ twice: each file once
    assertThat(seeds.count()).isEqualTo(expected + 5 + 6);
    assertThat(seeds.select("source_file").distinct().collectAsList())
        .extracting(r -> r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1))
        .containsExactlyInAnyOrder("elasticbeanstalk.describe-configuration-settings.output1_abbreviated.json",
            "elasticbeanstalk.DescribeEnvironments_1.json", "DESCRIBE_CONFIGURATION_SETTINGS_RESPONSE.json",
            "both.json");
    // an explicitly named file is read whatever its extension
    Path txt = write("settings.txt", real(CLI_SETTINGS));
    assertThat(read(txt).count()).isEqualTo(5);
  }

  @Test
  public void templatesAndOffsetTimes() throws IOException {
    String text = "{\"ConfigurationSettings\":[{\"ApplicationName\":\"my-app\",\"TemplateName\":\"base\","
        + "\"DateUpdated\":\"2024-05-01T10:00:00+02:00\",\"OptionSettings\":[{\"Namespace\":"
        + "\"aws:autoscaling:launchconfiguration\",\"OptionName\":\"DisableIMDSv1\",\"Value\":\"true\"}]}]}";
    Row r = read(write("template.json", text)).first();
    assertThat((String) r.getAs("target_type")).isEqualTo("template");
    assertThat((String) r.getAs("target_name")).isEqualTo("base");
    assertThat((String) r.getAs("value")).isEqualTo("true");
    assertThat((Timestamp) r.getAs("as_of")).isEqualTo(ts("2024-05-01T08:00:00Z"));
    Row noDate = read(write("nodate.json", text.replace("\"DateUpdated\":\"2024-05-01T10:00:00+02:00\",", "")))
        .first();
    assertThat((Timestamp) noDate.getAs("as_of")).isNull();
  }

  @Test
  public void badSnapshotsFailOnTheDriver() throws IOException {
    Path trail = write("trail.json", "{\"Records\":[{\"eventVersion\":\"1.05\"}]}");
    assertThatThrownBy(() -> read(trail))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read snapshot " + uri(trail) + ": the file is not a describe-configuration-settings"
            + " or describe-environments response, got an object with keys [Records]");

    Path notJson = write("broken.json", "{\"Environments\": [");
    assertThatThrownBy(() -> read(notJson)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read snapshot " + uri(notJson) + ": not JSON (")
        .hasMessageEndingWith(", got '{\"Environments\": ['");

    Path two = write("two.json", real(CLI_SETTINGS) + real(CLI_ENVIRONMENTS));
    assertThatThrownBy(() -> read(two)).hasMessageContaining(": not JSON (");

    Path arrayOfStrings = write("strings.json", "[\"a\"]");
    assertThatThrownBy(() -> read(arrayOfStrings))
        .hasMessageEndingWith(": element 0 is not a describe-configuration-settings or describe-environments"
            + " response, got a JSON string");

    Path noTarget = write("notarget.json", "{\"ConfigurationSettings\":[{\"ApplicationName\":\"a\"}]}");
    assertThatThrownBy(() -> read(noTarget))
        .hasMessageEndingWith(": a ConfigurationSettings entry has neither EnvironmentName nor TemplateName,"
            + " got an object with keys [ApplicationName]");

    Path badDate = write("baddate.json", "{\"Environments\":[{\"EnvironmentName\":\"e\",\"DateUpdated\":\"yesterday\"}]}");
    assertThatThrownBy(() -> read(badDate))
        .hasMessageEndingWith(": DateUpdated is not an ISO-8601 time, got 'yesterday'");

    Path empty = write("empty.json", "");
    assertThatThrownBy(() -> read(empty)).hasMessageEndingWith(": empty file, got no JSON value");

    Path missing = tmp.getRoot().toPath().resolve("nope.json");
    assertThatThrownBy(() -> read(missing)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read snapshot " + missing + ": no such file or folder, got " + missing);

    Path noJsonFolder = tmp.newFolder("nojson").toPath();
    Files.writeString(noJsonFolder.resolve("a.txt"), "x");
    assertThatThrownBy(() -> read(noJsonFolder))
        .hasMessage("Cannot read snapshot " + noJsonFolder + ": no .json file in the folder, got 1 other file");

    // one bad file among good ones fails the read
    Path mixed = tmp.newFolder("mixed").toPath();
    copy(mixed, CLI_SETTINGS);
    Files.writeString(mixed.resolve("zz.json"), "{\"Records\":[]}");
    assertThatThrownBy(() -> read(mixed)).hasMessageContaining("zz.json: the file is not a");
  }

  @Test
  public void environmentArnParsing() {
    assertThat(Snapshots.accountRegion("arn:aws:elasticbeanstalk:eu-west-1:111122223333:environment/app/env"))
        .containsExactly("111122223333", "eu-west-1");
    assertThat(Snapshots.accountRegion("arn:aws-cn:elasticbeanstalk:cn-north-1:111122223333:environment/a/e"))
        .containsExactly("111122223333", "cn-north-1");
    assertThat(Snapshots.accountRegion("arn:aws:elasticbeanstalk:us-east-1::platform/Docker/2.8.0"))
        .containsExactly(null, null);
    assertThat(Snapshots.accountRegion(null)).containsExactly(null, null);
    assertThat(Snapshots.accountRegion("not an arn")).containsExactly(null, null);
  }
}
