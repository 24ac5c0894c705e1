package io.ebaudit.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.config.Settings;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.TestSpark;
import io.ebaudit.trail.TrailFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Two weekly runs on one demo-like sample (1 account, 14 days), shared by the tests of the weekly job,
 * its exports and the browser check (one JVM runs them all: the runs are made once). The trail also
 * holds two Beanstalk calls by root whose environment name and user agent are HTML/JS payloads and whose
 * environment property is a canary secret.
 */
public final class WeeklyFixture {
  private WeeklyFixture() {}

  public static final LocalDate FIRST = LocalDate.of(2026, 11, 15);
  public static final LocalDate SECOND = LocalDate.of(2026, 11, 22);
  /** Sets {@code document.title} and {@code window.__xss} if it ever runs. */
  public static final String ENV_PAYLOAD = "<img src=x onerror=\"document.title='pwned-img';window.__xss='img'\">";
  public static final String UA_PAYLOAD = "<script>document.title='pwned-script';window.__xss='script'</script>";
  public static final String CANARY = "Kq7vCanary_Xw93_SecretValue_2bT";
  public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T06:00:00Z"), ZoneOffset.UTC);

  /** The fixture: where it is and what the runs returned. */
  public record Runs(Path root, Path trail, SampleResult sample, WeeklyJob.Result first, WeeklyJob.Result second,
      Settings settings) {}

  private static Runs runs;

  public static synchronized Runs get() {
    if (runs == null) {
      runs = build();
    }
    return runs;
  }

  private static Runs build() {
    try {
      Path base = Path.of("target", "weekly-fixture").toAbsolutePath();
      deleteTree(base);
      Path trail = base.resolve("trail");
      SampleResult sample = TrailGenerator.generate(
          SampleSpec.defaults(trail).withAccounts(1).withWindow(LocalDate.of(2026, 11, 9), 14));
      String account = sample.accountIds().get(0);
      writePayloads(trail, account);
      Path root = base.resolve("out");
      // Every finding in the page, so the payload-carrying ones are rendered.
      Settings settings = Settings.defaults().with(List.of("report.top_findings=1000"));
      var spark = TestSpark.session();
      WeeklyJob.Result first = WeeklyJob.run(spark, config(trail, sample, root, FIRST), settings, CLOCK);
      WeeklyJob.Result second = WeeklyJob.run(spark, config(trail, sample, root, SECOND), settings, CLOCK);
      return new Runs(root, trail, sample, first, second, settings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WeeklyJob.Config config(Path trail, SampleResult sample, Path root, LocalDate date) {
    Path metrics = trail.resolve(TrailGenerator.METRICS_DIR);
    return new WeeklyJob.Config(List.of(trail.toString()), Set.of(), Set.of(), List.of(), List.of(),
        List.of(sample.iamDir().toString()), Files.isDirectory(metrics) ? List.of(metrics.toString()) : List.of(),
        root.toString(), date, 1.0,
        // Digests checked with the sample's keys: the payload files planted below are in no digest.
        new io.ebaudit.config.RunOptions(true, sample.publicKeys().toString(), false, 60));
  }

  private static void writePayloads(Path trail, String account) {
    ObjectMapper json = new ObjectMapper();
    ArrayNode records = json.createArrayNode();
    ObjectNode create = event(json, account, "xss-create-0001", "2026-11-13T09:00:00Z", "CreateEnvironment");
    ObjectNode rq = create.putObject("requestParameters");
    rq.put("applicationName", "shop");
    rq.put("environmentName", ENV_PAYLOAD);
    rq.put("solutionStackName", "64bit Amazon Linux 2 v3.4.0 running Python 3.8");
    ArrayNode opts = rq.putArray("optionSettings");
    opts.addObject().put("namespace", "aws:elasticbeanstalk:application:environment").put("optionName", "DB_PASSWORD")
        .put("value", CANARY);
    ObjectNode rs = create.putObject("responseElements");
    rs.put("environmentId", "e-xsspayload1");
    rs.put("environmentName", ENV_PAYLOAD);
    rs.put("applicationName", "shop");
    records.add(create);
    ObjectNode update = event(json, account, "xss-update-0002", "2026-11-13T09:30:00Z", "UpdateEnvironment");
    ObjectNode up = update.putObject("requestParameters");
    up.put("environmentName", ENV_PAYLOAD);
    up.putArray("optionSettings").addObject().put("namespace", "aws:autoscaling:launchconfiguration")
        .put("optionName", "DisableIMDSv1").put("value", "false");
    update.putNull("responseElements");
    records.add(update);
    ObjectNode envelope = json.createObjectNode();
    envelope.set("Records", records);
    TrailFixture.write(trail, TrailFixture.logKey(null, account, "us-east-1", "2026/11/13", "XssPayload0001"),
        envelope.toString(), true);
  }

  private static ObjectNode event(ObjectMapper json, String account, String id, String time, String name) {
    ObjectNode e = json.createObjectNode();
    e.put("eventVersion", "1.09");
    ObjectNode who = e.putObject("userIdentity");
    who.put("type", "Root");
    who.put("principalId", account);
    who.put("arn", "arn:aws:iam::" + account + ":root");
    who.put("accountId", account);
    who.put("accessKeyId", "ASIAXSSPAYLOADKEY001");
    e.put("eventTime", time);
    e.put("eventSource", "elasticbeanstalk.amazonaws.com");
    e.put("eventName", name);
    e.put("awsRegion", "us-east-1");
    e.put("sourceIPAddress", "198.51.100.66");
    e.put("userAgent", UA_PAYLOAD);
    e.put("requestID", "req-" + id);
    e.put("eventID", id);
    e.put("readOnly", false);
    e.put("eventType", "AwsApiCall");
    e.put("managementEvent", true);
    e.put("recipientAccountId", account);
    e.put("eventCategory", "Management");
    return e;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
