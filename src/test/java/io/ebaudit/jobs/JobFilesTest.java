package io.ebaudit.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The deployment files in {@code jobs/} and {@code conf/iam/}: valid JSON, and every ebaudit invocation in
 * them (EMR steps, the EMR Serverless job run, the scheduler targets, what {@code jobs/submit-emr.sh} sends)
 * names the real main class and a command line that picocli accepts: known subcommand, known options,
 * required options there, values of the right type.
 */
class JobFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path JOBS = Path.of("jobs");
  private static final Path IAM = Path.of("conf", "iam");

  /** Values for the placeholders, so that picocli can convert dates and paths. */
  private static final Map<String, String> SAMPLE_VALUES = Map.of(
      "${ARTIFACTS}", "s3://my-artifacts/ebaudit",
      "${TRAIL}", "s3://my-org-trail/AWSLogs/",
      "${OUT}", "s3://my-audit/ebaudit",
      "${REPORT_DATE}", "2026-11-29",
      "${FROM}", "2026-01-01",
      "${TO}", "2026-01-31",
      "<aws.scheduler.scheduled-time>", "2026-11-30T06:00:00Z");

  record Invocation(String source, String mainClass, List<String> args) {}

  private static List<Path> json(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void everyJsonFileParsesAndEveryInvocationIsAValidCommandLine() throws IOException {
    List<Path> files = json(JOBS);
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("steps-weekly.json", "steps-backfill.json",
        "serverless-start-job-run.json", "schedule-weekly-serverless.json", "schedule-weekly-cluster.json");
    int total = 0;
    for (Path f : files) {
      JsonNode n = JSON.readTree(f.toFile());
      List<Invocation> found = new ArrayList<>();
      walk(n, f.toString(), found);
      if (f.startsWith(JOBS.resolve("emr"))) {
        assertThat(found).as("ebaudit invocations in %s", f).isNotEmpty();
      }
      for (Invocation i : found) {
        check(i);
        // Scheduled weekly runs read only what is new; the backfill has a root of its own (a root's manifest
        // describes either layout, not both).
        assertThat(i.args()).as(i.source()).contains("--incremental");
        String out = i.args().get(i.args().indexOf("--out") + 1);
        assertThat(out).as(i.source()).isEqualTo(i.args().get(0).equals("ingest") ? "${OUT}/history" : "${OUT}");
      }
      total += found.size();
    }
    assertThat(total).isGreaterThanOrEqualTo(5);
  }

  @Test
  void submitEmrSendsValidStepsAndRefusesBadArguments() throws Exception {
    for (List<String> extra : List.of(
        List.of("--steps", "backfill", "--from", "2026-01-01", "--to", "2026-01-31"),
        List.of("--steps", "weekly", "--report-date", "2026-11-29"))) {
      List<String> cmd = new ArrayList<>(List.of("bash", "jobs/submit-emr.sh", "--cluster-id", "j-1A2B3C4D5E6F",
          "--artifacts", "s3://my-artifacts/ebaudit/", "--trail", "s3://my-org-trail/AWSLogs/", "--out", "s3://my-audit/ebaudit",
          "--jar", "target/ebaudit-emr.jar", "--public-keys", "public-keys.json", "--dry-run"));
      cmd.addAll(extra);
      String[] r = run(cmd);
      assertThat(r[0]).as(r[1]).isEqualTo("0");
      String out = r[1];
      assertThat(out).contains("+ aws s3 cp target/ebaudit-emr.jar s3://my-artifacts/ebaudit/ebaudit-emr.jar")
          .contains("+ aws s3 cp public-keys.json s3://my-artifacts/ebaudit/public-keys.json")
          .contains("+ aws emr add-steps --cluster-id j-1A2B3C4D5E6F");
      String steps = out.substring(out.indexOf('\n', out.indexOf("add-steps")) + 1);
      assertThat(steps).doesNotContain("${");
      List<Invocation> found = new ArrayList<>();
      walk(JSON.readTree(steps), "submit-emr.sh " + extra, found);
      assertThat(found).hasSize(1);
      check(found.get(0));
      assertThat(found.get(0).args()).contains("s3://my-artifacts/ebaudit/public-keys.json",
          extra.contains("weekly") ? "s3://my-audit/ebaudit" : "s3://my-audit/ebaudit/history");
    }
    String[] bad = run(List.of("bash", "jobs/submit-emr.sh", "--artifacts", "s3://a/b", "--dry-run"));
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[1]).contains("submit-emr: Cannot submit: --cluster-id is required, got nothing");
    String[] date = run(List.of("bash", "jobs/submit-emr.sh", "--cluster-id", "j-1A2B", "--artifacts", "s3://a/b",
        "--trail", "s3://t/AWSLogs/", "--out", "s3://o/p", "--steps", "weekly", "--report-date", "29.11.2026", "--dry-run"));
    assertThat(date[0]).isEqualTo("2");
    assertThat(date[1]).contains("needs --report-date YYYY-MM-DD, got 29.11.2026");
  }

  @Test
  void theJobRolePolicyIsLeastPrivilege() throws IOException {
    JsonNode p = JSON.readTree(IAM.resolve("job-role-policy.json").toFile());
    assertThat(p.get("Version").asText()).isEqualTo("2012-10-17");
    Set<String> read = Set.of("s3:ListBucket", "s3:GetObject");
    Set<String> write = Set.of("s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetObject", "s3:PutObject",
        "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");
    Set<String> metrics = Set.of("cloudwatch:GetMetricData", "cloudwatch:PutMetricData");
    List<String> all = new ArrayList<>();
    for (JsonNode s : p.get("Statement")) {
      assertThat(s.get("Effect").asText()).isEqualTo("Allow");
      assertThat(s.has("NotAction") || s.has("NotResource")).isFalse();
      List<String> actions = strings(s.get("Action"));
      List<String> resources = strings(s.get("Resource"));
      all.addAll(actions);
      assertThat(actions).noneMatch(a -> a.contains("*"));
      for (String r : resources) {
        if (r.startsWith("arn:aws:s3:::TRAIL_BUCKET") || r.startsWith("arn:aws:s3:::ARTIFACTS_BUCKET")) {
          assertThat(actions).as("on %s", r).isSubsetOf(read);
        } else if (r.startsWith("arn:aws:s3:::OUTPUT_BUCKET")) {
          assertThat(actions).as("on %s", r).isSubsetOf(write);
          if (r.contains("/")) {
            assertThat(r).isEqualTo("arn:aws:s3:::OUTPUT_BUCKET/OUTPUT_PREFIX/*");
          }
        } else {
          assertThat(r).as("only CloudWatch, which has no resource-level permissions, is on *").isEqualTo("*");
          assertThat(actions).isSubsetOf(metrics);
        }
      }
    }
    assertThat(all).contains("s3:GetObject", "s3:PutObject", "cloudwatch:GetMetricData", "cloudwatch:PutMetricData");
    for (Path f : json(IAM)) {
      assertThat(JSON.readTree(f.toFile()).get("Statement").isArray()).as(f.toString()).isTrue();
    }
  }

  // ---- helpers ----

  private static String[] run(List<String> cmd) throws IOException, InterruptedException {
    Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!pr.waitFor(60, TimeUnit.SECONDS)) {
      pr.destroyForcibly();
      fail("submit-emr.sh did not finish: " + out);
    }
    return new String[] {String.valueOf(pr.exitValue()), out};
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      out.add(n.asText());
    }
    return out;
  }

  /** Finds spark-submit argument lists and EMR Serverless job drivers, also inside JSON-in-a-string (scheduler Input). */
  private static void walk(JsonNode n, String source, List<Invocation> out) throws IOException {
    if (n.isArray()) {
      List<String> texts = new ArrayList<>();
      boolean allText = true;
      for (JsonNode x : n) {
        allText &= x.isTextual();
        texts.add(x.asText());
      }
      if (allText && texts.contains("spark-submit")) {
        out.add(sparkSubmit(source, texts));
        return;
      }
      for (JsonNode x : n) {
        walk(x, source, out);
      }
    } else if (n.isObject()) {
      if (n.has("sparkSubmit")) {
        JsonNode s = n.get("sparkSubmit");
        assertThat(s.get("entryPoint").asText()).as(source).endsWith("/ebaudit-emr.jar");
        List<String> params = Arrays.asList(s.get("sparkSubmitParameters").asText().trim().split("\\s+"));
        int c = params.indexOf("--class");
        assertThat(c).as("--class in %s", source).isNotNegative();
        out.add(new Invocation(source, params.get(c + 1), strings(s.get("entryPointArguments"))));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("sparkSubmit")) {
          continue;
        }
        JsonNode v = e.getValue();
        if (v.isTextual() && (v.asText().trim().startsWith("{") || v.asText().trim().startsWith("["))) {
          walk(JSON.readTree(v.asText()), source + " " + e.getKey(), out);
        } else {
          walk(v, source, out);
        }
      }
    }
  }

  /** {@code spark-submit [--opt value]… <jar> <args…>}. */
  private static Invocation sparkSubmit(String source, List<String> argv) {
    int i = argv.indexOf("spark-submit") + 1;
    String mainClass = null;
    while (i < argv.size() && argv.get(i).startsWith("--")) {
      if (argv.get(i).equals("--class")) {
        mainClass = argv.get(i + 1);
      }
      i += 2; // every spark-submit option used here takes a value
    }
    assertThat(argv.get(i)).as("the job jar in %s", source).endsWith("/ebaudit-emr.jar");
    return new Invocation(source, mainClass, argv.subList(i + 1, argv.size()));
  }

  private static void check(Invocation inv) {
    assertThat(inv.mainClass()).as("main class in %s", inv.source()).isEqualTo(Main.class.getName());
    try {
      assertThat(Class.forName(inv.mainClass()).getMethod("main", String[].class)).isNotNull();
    } catch (ReflectiveOperationException e) {
      fail("main class " + inv.mainClass() + " of " + inv.source() + " cannot be loaded: " + e);
    }
    List<String> args = new ArrayList<>();
    for (String a : inv.args()) {
      String v = a;
      for (Map.Entry<String, String> e : SAMPLE_VALUES.entrySet()) {
        v = v.replace(e.getKey(), e.getValue());
      }
      assertThat(v).as("unfilled placeholder in %s", inv.source()).doesNotContain("${");
      args.add(v);
    }
    assertThat(args).as("a subcommand in %s", inv.source()).isNotEmpty();
    String sub = args.get(0);
    CommandLine main = new CommandLine(new Main());
    try {
      if (main.getSubcommands().containsKey(sub)) {
        CommandLine.ParseResult r = main.parseArgs(args.toArray(new String[0]));
        assertThat(r.subcommand().commandSpec().name()).isEqualTo(sub);
      } else {
        fail("subcommand '" + sub + "' of " + inv.source() + " does not exist; ebaudit has " + main.getSubcommands().keySet());
      }
    } catch (CommandLine.ParameterException e) {
      fail("ebaudit " + String.join(" ", args) + " (from " + inv.source() + ") is not a valid command line: " + e.getMessage());
    }
  }
}
