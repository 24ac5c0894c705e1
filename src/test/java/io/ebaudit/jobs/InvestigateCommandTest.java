package io.ebaudit.jobs;

import static io.ebaudit.beanstalk.BeanstalkFixture.event;
import static io.ebaudit.beanstalk.BeanstalkFixture.option;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.beanstalk.BeanstalkFixture;
import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.investigate.TimeWindow;
import io.ebaudit.investigate.Timelines;
import io.ebaudit.testing.DemoOutputs;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.TrailFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code investigate principal|environment} on the demo outputs, and on hostile CloudTrail strings. */
public class InvestigateCommandTest extends SparkSuite {
  static final String DEPLOY = "arn:aws:iam::121867679937:role/github-actions-deploy";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static Timelines.Options text(String from, String to) {
    return new Timelines.Options(TimeWindow.parse(from, to), 500, false, false);
  }

  private static Timelines.Options json(String from, String to) {
    return new Timelines.Options(TimeWindow.parse(from, to), 500, false, true);
  }

  @Test
  public void environmentTimelineShowsWhoChangedWhatAndTheFindings() {
    String out = InvestigateJob.environment(spark(), DemoOutputs.root().toString(), null, "api-prod", text("", ""));
    assertThat(out).contains("environment  api-prod", "application api", "CreateEnvironment",
        "aws:autoscaling:launchconfiguration DisableIMDSv1: (none) (new) -> true", "eb_change_by_root",
        "arn:aws:iam::121867679937:root (root, no MFA, console", "branch retired", "eb-admin-ec2-role",
        "successful read-only calls hidden");
    assertThat(out).doesNotContain("DescribeEnvironments  ");
    String all = InvestigateJob.environment(spark(), DemoOutputs.root().toString(), null, "api-prod",
        new Timelines.Options(TimeWindow.ALL, 500, true, false));
    assertThat(all.lines().count()).isGreaterThan(out.lines().count());
  }

  @Test
  public void principalTimelineIsLimitedToTheWindow() throws Exception {
    String out = InvestigateJob.principal(spark(), DemoOutputs.root().toString(), null, DEPLOY,
        text("2026-11-22", "2026-11-22"));
    assertThat(out).contains("principal    " + DEPLOY, "window       2026-11-22T00:00:00Z .. 2026-11-23T00:00:00Z",
        "services     elasticbeanstalk", "permissions", "used");
    List<String> rows = out.lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .*")).toList();
    assertThat(rows).isNotEmpty().allMatch(l -> l.startsWith("2026-11-22 "));

    JsonNode doc = JSON.readTree(InvestigateJob.principal(spark(), DemoOutputs.root().toString(), null, DEPLOY,
        json("2026-11-22", "2026-11-22")));
    assertThat(doc.path("investigation").asText()).isEqualTo("principal");
    assertThat(doc.path("summary").path("events").asLong()).isPositive();
    assertThat(doc.path("events").size()).isEqualTo(doc.path("matching").asInt()).isPositive();
    for (JsonNode e : doc.path("events")) {
      Instant t = Instant.parse(e.path("event_time").asText());
      assertThat(t).isBetween(Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-22T23:59:59.999Z"));
      assertThat(e.path("principal_arn").asText()).isEqualTo(DEPLOY);
    }
    assertThat(doc.path("permissions").path("used").asLong()).isPositive();
  }

  @Test
  public void theCliPrintsTimelinesAndRejectsBadOptionsInOneLine() throws Exception {
    spark(); // the command's getOrCreate() finds the shared session
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String root = DemoOutputs.root().toString();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
        "investigate", "environment", "api-prod", "--data", root, "--json", "--limit", "3");
    assertThat(code).isEqualTo(0);
    JsonNode doc = JSON.readTree(out.toString());
    assertThat(doc.path("events").size()).isEqualTo(3);
    assertThat(doc.path("truncated").asBoolean()).isTrue();
    assertThat(doc.path("environments").get(0).path("environment_name").asText()).isEqualTo("api-prod");

    err.getBuffer().setLength(0);
    code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
        "investigate", "principal", DEPLOY, "--data", root, "--from", "last tuesday");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("ebaudit: Cannot investigate: --from takes a day (2026-11-22) or an instant"
        + " (2026-11-22T08:30:00Z), got last tuesday\n");
    err.getBuffer().setLength(0);
    code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
        "investigate", "principal", DEPLOY, "--data", tmp.newFolder("nothing").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("ebaudit: Cannot open ebaudit outputs: no ebaudit table").endsWith("\n")
        .hasLineCount(1);
  }

  /** CloudTrail strings are attacker-controlled: a user agent or a value can carry terminal escapes. */
  @Test
  public void hostileStringsNeverReachTheTerminalRaw() throws Exception {
    String agent = "aws-cli/2.15 \\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m";
    String env = "shop\\u202edorp";
    String ns = "aws:elasticbeanstalk:application:environment";
    Path trail = tmp.newFolder("trail").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "H1"),
        TrailFixture.envelope(List.of(
            event("h1", "2026-11-20T08:00:00Z", "CreateEnvironment", "{\"applicationName\":\"shop\",\"environmentName\":\""
                + env + "\",\"optionSettings\":[" + option(ns, "GREETING", "hi\\u001b[31mred") + "]}", null, null, agent),
            event("h2", "2026-11-20T09:00:00Z", "UpdateEnvironment", "{\"environmentName\":\"" + env
                + "\",\"optionSettings\":[" + option(ns, "GREETING", "bye") + "]}", "AccessDenied", null, agent))), true);
    Path out = tmp.newFolder("out").toPath();
    Settings settings = Settings.defaults();
    AnalyzeJob.run(spark(), IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), out.toString(),
        1.0, settings), List.of(), settings);

    String name = "shop\u202edorp";
    String principal = "arn:aws:iam::" + BeanstalkFixture.ACCOUNT + ":user/alice";
    for (String text : List.of(
        InvestigateJob.environment(spark(), out.toString(), null, name, text("", "")),
        InvestigateJob.principal(spark(), out.toString(), null, principal,
            new Timelines.Options(TimeWindow.ALL, 500, true, false)))) {
      assertThat(text.codePoints().filter(c -> (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f) || c == 0x202e))
          .as(text).isEmpty();
      assertThat(text).contains("shop\\u202edorp");
    }
    String envText = InvestigateJob.environment(spark(), out.toString(), null, name, text("", ""));
    assertThat(envText).contains("hi\\x1b[31mred", "FAILED AccessDenied");

    String js = InvestigateJob.environment(spark(), out.toString(), null, name,
        new Timelines.Options(TimeWindow.ALL, 500, true, true));
    assertThat(js.codePoints().filter(c -> (c < 0x20 && c != '\n' && c != ' ') || (c >= 0x7f && c <= 0x9f) || c == 0x202e))
        .isEmpty();
    JsonNode doc = JSON.readTree(js);
    // The JSON escapes, it does not alter: the values read back exactly.
    assertThat(doc.path("events").get(0).path("user_agent").asText())
        .isEqualTo("aws-cli/2.15 \u001b]0;pwned\u0007\u001b[2J\u009b31m");
    assertThat(doc.path("events").get(0).path("environment_name").asText()).isEqualTo(name);
  }
}
