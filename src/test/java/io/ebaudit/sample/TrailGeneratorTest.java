package io.ebaudit.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailGeneratorTest {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final LocalDate MONDAY = LocalDate.of(2024, 5, 6);
  static final Pattern LOG = Pattern.compile(
      "AWSLogs/(\\d{12})/CloudTrail/([a-z]{2}-[a-z]+-\\d)/(\\d{4})/(\\d{2})/(\\d{2})/"
          + "\\1_CloudTrail_\\2_\\3\\4\\5T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz");
  static final Pattern DIGEST = Pattern.compile(
      "AWSLogs/(\\d{12})/CloudTrail-Digest/([a-z]{2}-[a-z]+-\\d)/(\\d{4})/(\\d{2})/(\\d{2})/"
          + "\\1_CloudTrail-Digest_\\2_management-events_\\2_\\3\\4\\5T\\d{6}Z\\.json\\.gz");
  static final Pattern INSIGHT = Pattern.compile(
      "AWSLogs/(\\d{12})/CloudTrail-Insight/([a-z]{2}-[a-z]+-\\d)/\\d{4}/\\d{2}/\\d{2}/"
          + "\\1_CloudTrail-Insight_\\2_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz");
  static final Pattern CONFIG = Pattern.compile("AWSLogs/\\d{12}/Config/ConfigWritabilityCheckFile");

  @TempDir static Path shared;
  static SampleResult result;
  static List<JsonNode> records;

  @BeforeAll
  static void generateOnce() throws IOException {
    result = TrailGenerator.generate(spec(shared.resolve("trail")));
    records = new ArrayList<>();
    for (Path p : files(shared.resolve("trail"))) {
      if (p.toString().contains("/CloudTrail/")) {
        records.addAll(toList(read(p).get("Records")));
      }
    }
  }

  static SampleSpec spec(Path out) {
    return SampleSpec.defaults(out).withWindow(MONDAY, 7);
  }

  @Test
  void sameSeedGivesIdenticalBytesWhateverTheThreadCount() throws IOException {
    SampleSpec small = spec(shared.resolve("a")).withAccounts(1).withWindow(MONDAY, 2);
    TrailGenerator.generate(small.withThreads(1));
    TrailGenerator.generate(small.withOut(shared.resolve("b")).withThreads(3));
    TrailGenerator.generate(small.withOut(shared.resolve("c")).withSeed(7));

    Map<String, byte[]> a = tree(shared.resolve("a"));
    Map<String, byte[]> b = tree(shared.resolve("b"));
    Map<String, byte[]> c = tree(shared.resolve("c"));
    assertThat(a).isNotEmpty();
    assertThat(b.keySet()).isEqualTo(a.keySet());
    for (String k : a.keySet()) {
      assertThat(b.get(k)).as(k).isEqualTo(a.get(k));
    }
    assertThat(c.keySet()).isNotEqualTo(a.keySet());
  }

  @Test
  void everyFileFollowsTheRealNaming() throws IOException {
    List<String> all = keys(shared.resolve("trail"));
    // The Metric Streams file sits beside AWSLogs/, not under it.
    assertThat(all.stream().filter(k -> k.startsWith(TrailGenerator.METRICS_DIR + "/")).toList())
        .containsExactly("metrics/ebaudit-sample-beanstalk-2024-05-06.json.gz", "metrics/ebaudit-sample-stream-2024-05-06.json");
    List<String> keys = all.stream().filter(k -> !k.startsWith(TrailGenerator.METRICS_DIR + "/")).toList();
    long logs = keys.stream().filter(k -> LOG.matcher(k).matches()).count();
    long digests = keys.stream().filter(k -> DIGEST.matcher(k).matches()).count();
    long insights = keys.stream().filter(k -> INSIGHT.matcher(k).matches()).count();
    long configs = keys.stream().filter(k -> CONFIG.matcher(k).matches()).count();
    assertThat(logs + digests + insights + configs).isEqualTo(keys.size());
    assertThat(logs).isEqualTo(result.logFiles());
    assertThat(digests).isEqualTo(result.digestFiles()).isGreaterThanOrEqualTo(3 * 2 * 7 * 24);
    assertThat(configs).isEqualTo(3);
    assertThat(insights).isEqualTo(1);
    assertThat(result.otherFiles()).isEqualTo(4);
    assertThat(result.accountIds()).hasSize(3).allMatch(id -> id.matches("\\d{12}")).doesNotHaveDuplicates();
  }

  @Test
  void logFileStampIsTheEndOfItsPeriodAndCoversItsEvents() throws IOException {
    Pattern stamp = Pattern.compile(".*_(\\d{8}T\\d{4})Z_[A-Za-z0-9]{16}\\.json\\.gz");
    int checked = 0;
    for (Path p : files(shared.resolve("trail"))) {
      if (!p.toString().contains("/CloudTrail/")) {
        continue;
      }
      var m = stamp.matcher(p.getFileName().toString());
      assertThat(m.matches()).isTrue();
      String s = m.group(1);
      OffsetDateTime end = OffsetDateTime.parse(s.substring(0, 4) + "-" + s.substring(4, 6) + "-"
          + s.substring(6, 8) + "T" + s.substring(9, 11) + ":" + s.substring(11, 13) + ":00Z");
      assertThat(end.getMinute() % 5).isZero();
      List<String> times = new ArrayList<>();
      for (JsonNode r : read(p).get("Records")) {
        times.add(r.get("eventTime").asText());
      }
      assertThat(times).isSorted();
      assertThat(OffsetDateTime.parse(times.get(times.size() - 1))).isBefore(end);
      checked++;
    }
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void organizationLayoutPutsTheOrgIdFirst() throws IOException {
    Path out = shared.resolve("org");
    TrailGenerator.generate(spec(out).withAccounts(2).withWindow(MONDAY, 1)
        .withOrganizationId("o-a1b2c3d4e5"));
    List<String> keys = keys(out);
    assertThat(keys).anyMatch(k -> k.matches("AWSLogs/o-a1b2c3d4e5/\\d{12}/CloudTrail/.*"));
    assertThat(keys).anyMatch(k -> k.matches("AWSLogs/o-a1b2c3d4e5/\\d{12}/CloudTrail-Digest/.*"));
    assertThat(keys).filteredOn(k -> k.contains("/CloudTrail"))
        .allMatch(k -> k.startsWith("AWSLogs/o-a1b2c3d4e5/"));
    for (Path p : files(out)) {
      if (p.toString().contains("/CloudTrail-Digest/")) {
        assertThat(read(p).get("digestS3Object").asText()).startsWith("AWSLogs/o-a1b2c3d4e5/");
      }
    }
  }

  @Test
  void digestsHashTheUncompressedLogFilesAndChain() throws Exception {
    Path root = shared.resolve("trail");
    Map<String, String> logHashes = new HashMap<>();
    Map<String, TreeMap<String, JsonNode>> chains = new HashMap<>();
    Map<String, String> digestHashes = new HashMap<>();
    for (Path p : files(root)) {
      String key = root.relativize(p).toString();
      if (!key.endsWith(".json.gz")) {
        continue;
      }
      byte[] raw = gunzip(p);
      if (key.contains("/CloudTrail/")) {
        logHashes.put(key, sha256(raw));
      } else if (key.contains("/CloudTrail-Digest/")) {
        JsonNode d = MAPPER.readTree(raw);
        assertThat(d.get("digestS3Object").asText()).isEqualTo(key);
        assertThat(d.get("digestS3Bucket").asText()).isEqualTo("ebaudit-sample-trail");
        assertThat(d.get("digestSignatureAlgorithm").asText()).isEqualTo("SHA256withRSA");
        digestHashes.put(key, sha256(raw));
        String chain = d.get("awsAccountId").asText() + key.split("/")[3];
        chains.computeIfAbsent(chain, c -> new TreeMap<>()).put(d.get("digestEndTime").asText(), d);
      }
    }
    Map<String, Integer> listed = new HashMap<>();
    for (TreeMap<String, JsonNode> chain : chains.values()) {
      JsonNode prev = null;
      for (JsonNode d : chain.values()) {
        if (prev == null) {
          assertThat(d.get("previousDigestS3Object").isNull()).isTrue();
        } else {
          String prevKey = prev.get("digestS3Object").asText();
          assertThat(d.get("previousDigestS3Object").asText()).isEqualTo(prevKey);
          assertThat(d.get("previousDigestHashValue").asText()).isEqualTo(digestHashes.get(prevKey));
          assertThat(d.get("digestStartTime").asText()).isEqualTo(prev.get("digestEndTime").asText());
        }
        for (JsonNode f : d.get("logFiles")) {
          String key = f.get("s3Object").asText();
          assertThat(f.get("hashAlgorithm").asText()).isEqualTo("SHA-256");
          assertThat(f.get("hashValue").asText()).as(key).isEqualTo(logHashes.get(key));
          listed.merge(key, 1, Integer::sum);
        }
        prev = d;
      }
    }
    assertThat(chains).hasSize(6);
    assertThat(listed.keySet()).isEqualTo(logHashes.keySet());
    assertThat(listed.values()).containsOnly(1);
  }

  @Test
  void digestsAreSignedAsCloudTrailSignsThemWithTheExportedKey() throws Exception {
    Path root = shared.resolve("trail");
    io.ebaudit.integrity.PublicKeys keys = io.ebaudit.integrity.PublicKeys.parse(
        Files.readString(result.publicKeys()), "sample");
    Map<String, String> signatures = new HashMap<>();
    for (String line : Files.readAllLines(root.resolve(TrailGenerator.DIGEST_SIGNATURES))) {
      JsonNode n = MAPPER.readTree(line);
      signatures.put(n.get("key").asText(), n.get("signature").asText());
    }
    assertThat((long) signatures.size()).isEqualTo(result.digestFiles());
    int checked = 0;
    for (Path p : files(root)) {
      String key = root.relativize(p).toString();
      if (!key.contains("/CloudTrail-Digest/")) {
        continue;
      }
      byte[] raw = gunzip(p);
      JsonNode d = MAPPER.readTree(raw);
      java.security.PublicKey k = keys.get(d.get("digestPublicKeyFingerprint").asText());
      assertThat(k).isNotNull();
      String prev = d.get("previousDigestSignature").isNull() ? null : d.get("previousDigestSignature").asText();
      if (prev != null) {
        assertThat(prev).isEqualTo(signatures.get(d.get("previousDigestS3Object").asText()));
      }
      String signed = io.ebaudit.integrity.DigestSignature.signingString(d.get("digestEndTime").asText(),
          d.get("digestS3Bucket").asText(), key, sha256(raw), prev);
      assertThat(io.ebaudit.integrity.DigestSignature.verify(k, signed, signatures.get(key))).as(key).isTrue();
      // One byte changed in what was signed, and the signature no longer holds.
      assertThat(io.ebaudit.integrity.DigestSignature.verify(k, signed.replace("T", "t"), signatures.get(key))).isFalse();
      checked++;
    }
    assertThat((long) checked).isEqualTo(result.digestFiles());
    assertThat(keys.size()).isEqualTo(1);
    assertThat(SampleKeys.forSeed(42).fingerprint()).matches("[0-9a-f]{32}");
  }

  @Test
  void tamperingPlantsOneDeletionModificationForgeryAndMissingDigest(@TempDir Path out) throws Exception {
    SampleSpec spec = SampleSpec.defaults(out.resolve("t")).withWindow(MONDAY, 3).withAccounts(1)
        .withTamper(java.util.EnumSet.allOf(Tamper.class));
    SampleResult r = TrailGenerator.generate(spec);
    assertThat(r.tampered()).containsOnlyKeys(Tamper.values());
    Path root = spec.out();
    assertThat(root.resolve(r.tampered().get(Tamper.DELETE_LOG))).doesNotExist();
    assertThat(root.resolve(r.tampered().get(Tamper.DELETE_DIGEST))).doesNotExist();
    assertThat(root.resolve(r.tampered().get(Tamper.ADD_LOG))).exists();
    Path modified = root.resolve(r.tampered().get(Tamper.MODIFY_LOG));
    // The intact twin of the same spec has one record more in that file.
    SampleResult intact = TrailGenerator.generate(spec.withOut(out.resolve("i")).withTamper(java.util.Set.of()));
    assertThat(intact.tampered()).isEmpty();
    Path twin = intact.out().resolve(r.tampered().get(Tamper.MODIFY_LOG));
    assertThat(read(modified).get("Records").size()).isEqualTo(read(twin).get("Records").size() - 1);
    assertThat(read(root.resolve(r.tampered().get(Tamper.ADD_LOG))).get("Records").get(0).get("eventName").asText())
        .isEqualTo("StopLogging");
    assertThat(r.summary()).contains("TAMPERED");
  }

  @Test
  void everyRecordHasTheCoreFieldsAndRealShapes() {
    assertThat((long) records.size()).isEqualTo(result.events());
    assertThat(result.events()).isBetween(3000L, 8000L);
    for (JsonNode r : records) {
      for (String f : List.of("eventID", "eventTime", "eventSource", "eventName", "eventVersion",
          "awsRegion", "userIdentity", "recipientAccountId", "eventType")) {
        assertThat(r.hasNonNull(f)).as(f + " in " + r).isTrue();
      }
      assertThat(r.get("eventVersion").isTextual()).isTrue();
      assertThat(r.get("eventVersion").asText()).isIn("1.08", "1.09", "1.10");
      assertThat(r.get("eventTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      assertThat(r.get("eventCategory").asText()).isEqualTo("Management");
      assertThat(r.get("eventID").asText()).matches("[0-9a-f-]{36}");
      String source = r.get("eventSource").asText();
      if (source.equals("iam.amazonaws.com") || source.equals("sts.amazonaws.com")) {
        assertThat(r.get("awsRegion").asText()).isEqualTo("us-east-1");
      }
      JsonNode id = r.get("userIdentity");
      if (id.get("type").asText().equals("AssumedRole")) {
        assertThat(id.at("/sessionContext/sessionIssuer/arn").asText()).startsWith("arn:aws:iam::");
        assertThat(id.at("/sessionContext/attributes/mfaAuthenticated").asText()).isIn("true", "false");
      }
    }
    long failed = records.stream().filter(r -> r.has("errorCode")).count();
    assertThat(failed / (double) records.size()).isBetween(0.02, 0.08);
    assertThat(records.stream().map(r -> r.get("eventSource").asText()).distinct().count())
        .isGreaterThanOrEqualTo(14);
    assertSome(records, r -> r.get("eventName").asText().equals("UpdateFunctionCode20150331v2"));
    assertSome(records, r -> r.get("eventType").asText().equals("AwsConsoleSignIn"));
    assertSome(records, r -> r.get("eventType").asText().equals("AwsServiceEvent"));
    assertSome(records, r -> r.at("/userIdentity/sessionContext/sessionIssuer/userName")
        .asText().equals("aws-elasticbeanstalk-ec2-role")
        && r.at("/userIdentity/arn").asText().matches(".*/i-0[0-9a-f]{16}"));
    assertSome(records, r -> r.at("/userIdentity/invokedBy").asText()
        .equals("elasticbeanstalk.amazonaws.com"));
  }

  @Test
  void beanstalkScenariosArePresent() {
    List<JsonNode> eb = records.stream()
        .filter(r -> r.get("eventSource").asText().equals("elasticbeanstalk.amazonaws.com"))
        .toList();
    assertSome(eb, r -> r.get("eventName").asText().equals("UpdateEnvironment")
        && hasOption(r, "DisableIMDSv1", "false"));
    assertSome(eb, r -> r.get("eventName").asText().equals("CreateEnvironment")
        && hasOption(r, "DisableIMDSv1", "true"));
    assertSome(eb, r -> r.get("eventName").asText().equals("CreateEnvironment")
        && !hasOption(r, "DisableIMDSv1", "true"));
    assertSome(eb, r -> hasOption(r, "ManagedActionsEnabled", "false"));
    assertSome(eb, r -> hasOption(r, "UpdateLevel", "patch"));
    assertSome(eb, r -> hasOption(r, "SystemType", "basic"));
    assertSome(eb, r -> hasOption(r, "StreamLogs", "false"));
    assertSome(eb, r -> hasOption(r, "SSHSourceRestriction", "tcp,22,22,0.0.0.0/0"));
    assertSome(eb, r -> hasOption(r, "AssociatePublicIpAddress", "true"));
    assertSome(eb, r -> hasOption(r, "ListenerEnabled", "false"));
    assertSome(eb, r -> hasOption(r, "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"));
    assertSome(eb, r -> r.at("/requestParameters/optionsToRemove").size() > 0
        && r.get("eventName").asText().equals("UpdateConfigurationTemplate"));
    assertSome(eb, r -> r.get("eventName").asText().equals("TerminateEnvironment")
        && r.at("/requestParameters/environmentName").asText().equals("payments-prod")
        && !r.has("errorCode"));
    assertSome(eb, r -> r.get("eventName").asText().equals("SwapEnvironmentCNAMEs"));
    assertSome(eb, r -> r.get("eventName").asText().equals("AssociateEnvironmentOperationsRole"));
    assertSome(eb, r -> r.at("/requestParameters/platformArn").asText().endsWith("/4.0.3"));
    assertSome(eb, r -> r.at("/userIdentity/type").asText().equals("Root"));
    assertSome(eb, r -> r.get("sourceIPAddress").asText().equals("198.51.100.77"));
    assertSome(eb, r -> {
      OffsetDateTime t = OffsetDateTime.parse(r.get("eventTime").asText());
      return t.getDayOfWeek() == DayOfWeek.SUNDAY && t.getHour() == 3
          && r.get("eventName").asText().equals("UpdateEnvironment");
    });
    long denied = eb.stream().filter(r -> r.path("errorCode").asText().equals("AccessDenied")
        && r.at("/userIdentity/userName").asText().equals("intern")).count();
    assertThat(denied).isGreaterThanOrEqualTo(20);
    assertSome(eb, r -> r.at("/userIdentity/userName").asText().equals("legacy-admin")
        && r.at("/userIdentity/sessionContext/attributes/mfaAuthenticated").asText().equals("false")
        && r.get("userAgent").asText().startsWith("aws-cli/"));
    assertSome(records, r -> r.get("eventSource").asText().equals("cloudformation.amazonaws.com")
        && r.at("/userIdentity/sessionContext/sessionIssuer/userName").asText()
            .equals("aws-elasticbeanstalk-service-role"));
  }

  @Test
  void environmentsLaunchTaggedInstancesAndTheirMetricsAreStreamed() throws IOException {
    List<JsonNode> runs = records.stream().filter(r -> r.get("eventName").asText().equals("RunInstances")
        && r.at("/userIdentity/sessionContext/sessionIssuer/userName").asText().equals("aws-elasticbeanstalk-service-role"))
        .toList();
    assertThat(runs).hasSizeGreaterThanOrEqualTo(3);
    java.util.Set<String> launched = new java.util.HashSet<>();
    for (JsonNode r : runs) {
      for (JsonNode item : r.at("/responseElements/instancesSet/items")) {
        launched.add(item.get("instanceId").asText());
        List<String> keys = new ArrayList<>();
        item.at("/tagSet/items").forEach(t -> keys.add(t.get("key").asText()));
        assertThat(keys).contains("elasticbeanstalk:environment-name", "elasticbeanstalk:environment-id",
            "aws:autoscaling:groupName");
      }
    }
    List<String> lines = java.nio.file.Files.readAllLines(
        shared.resolve("trail/metrics/ebaudit-sample-stream-2024-05-06.json"));
    java.util.Map<String, Double> sums = new java.util.HashMap<>();
    for (String l : lines) {
      JsonNode m = MAPPER.readTree(l);
      assertThat(m.get("metric_name").asText()).isEqualTo("MetadataNoToken");
      assertThat(m.get("namespace").asText()).isEqualTo("AWS/EC2");
      sums.merge(m.at("/dimensions/InstanceId").asText(), m.at("/value/sum").asDouble(), Double::sum);
    }
    assertThat(launched).containsAll(sums.keySet());
    assertThat(sums.values()).contains(0.0).anyMatch(v -> v > 0);
    assertThat(launched.size()).isGreaterThan(sums.size()); // some environments have no data
    // Deterministic for the seed.
    Path again = shared.resolve("again");
    TrailGenerator.generate(spec(again));
    assertThat(java.nio.file.Files.readAllLines(again.resolve("metrics/ebaudit-sample-stream-2024-05-06.json")))
        .isEqualTo(lines);
  }

  @Test
  void beanstalkMetricsSurroundTheChangesAndTwoOfThemHurt() throws IOException {
    List<String> lines;
    try (java.io.InputStream in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(
        shared.resolve("trail/metrics/ebaudit-sample-beanstalk-2024-05-06.json.gz")))) {
      lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }
    java.util.Map<String, Double> worst = new java.util.HashMap<>();
    java.util.Set<String> metrics = new java.util.TreeSet<>();
    for (String l : lines) {
      JsonNode m = MAPPER.readTree(l);
      assertThat(m.get("namespace").asText()).isEqualTo("AWS/ElasticBeanstalk");
      assertThat(m.get("timestamp").asLong() % 300_000).isZero();
      metrics.add(m.get("metric_name").asText());
      if (m.get("metric_name").asText().equals("EnvironmentHealth")) {
        worst.merge(m.at("/dimensions/EnvironmentName").asText(), m.at("/value/max").asDouble(), Math::max);
      }
    }
    assertThat(metrics).containsExactly("ApplicationLatencyP99", "ApplicationRequests5xx", "ApplicationRequestsTotal",
        "EnvironmentHealth", "InstancesSevere");
    assertThat(worst).containsEntry("shop-prod", 20.0).containsEntry("api-prod", 25.0).containsEntry("shop-staging", 0.0)
        .doesNotContainKey("reports-prod"); // every fifth environment has no data
  }

  @Test
  void retiredPlatformsFromTheReferenceCatalogAreUsed() {
    assertSome(records, r -> r.get("eventName").asText().equals("CreateEnvironment")
        && r.at("/responseElements/solutionStackName").asText().equals(Scenarios.RETIRED_DOCKER_STACK));
    assertSome(records, r -> r.get("eventName").asText().equals("CreateEnvironment")
        && r.at("/requestParameters/platformArn").asText().contains(Scenarios.RETIRED_JAVA_BRANCH));
  }

  @Test
  void hitsTheTargetSizeWithinTenPercent() throws IOException {
    Path out = shared.resolve("sized");
    long target = SampleSpec.parseSize("20MB");
    SampleResult r = TrailGenerator.generate(spec(out).withTargetSizeBytes(target));
    assertThat((double) r.uncompressedBytes()).isCloseTo(target, within(target * 0.1));
    long actual = 0;
    for (Path p : files(out)) {
      if (p.toString().contains("/CloudTrail/")) {
        actual += gunzip(p).length;
      }
    }
    assertThat(actual).isEqualTo(r.uncompressedBytes());
    long onDisk = 0;
    for (Path p : files(out)) {
      if (!out.relativize(p).startsWith(TrailGenerator.METRICS_DIR)) { // the trail archive only
        onDisk += Files.size(p);
      }
    }
    assertThat(onDisk).isEqualTo(r.compressedBytes());
  }

  @Test
  void duplicatesFollowTheRequestedRatio() throws IOException {
    Path out = shared.resolve("dups");
    SampleResult r = TrailGenerator.generate(
        spec(out).withAccounts(1).withWindow(MONDAY, 3).withDuplicateRatio(0.05));
    Map<String, List<JsonNode>> byId = new HashMap<>();
    for (Path p : files(out)) {
      if (p.toString().contains("/CloudTrail/")) {
        for (JsonNode rec : read(p).get("Records")) {
          byId.computeIfAbsent(rec.get("eventID").asText(), k -> new ArrayList<>()).add(rec);
        }
      }
    }
    List<List<JsonNode>> twice = byId.values().stream().filter(l -> l.size() > 1).toList();
    assertThat(byId.values()).allMatch(l -> l.size() <= 2);
    assertThat((long) twice.size()).isEqualTo(r.duplicates());
    double ratio = twice.size() / (double) byId.size();
    assertThat(ratio).isCloseTo(0.05, within(0.015));
    long withAddendum = twice.stream().filter(l -> l.get(1).has("addendum")).count();
    assertThat(withAddendum / (double) twice.size()).isBetween(0.3, 0.7);
    for (List<JsonNode> pair : twice) {
      JsonNode later = pair.get(1);
      if (later.has("addendum")) {
        assertThat(later.at("/addendum/reason").asText()).isIn("UPDATED_DATA", "DELIVERY_DELAY");
        assertThat(later.at("/addendum/originalEventID").asText())
            .isEqualTo(later.get("eventID").asText());
      }
      assertThat(pair.get(0).get("eventTime")).isEqualTo(later.get("eventTime"));
    }
    assertThat(r.duplicates()).isPositive();
  }

  // helpers

  /**
   * The trail's files: everything but the IAM exports ({@link IamSampleTest}), the platform catalog
   * ({@link PlatformSampleTest}), the public key export and the digest signatures written beside {@code AWSLogs/}.
   */
  static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !root.relativize(p).startsWith(IamSample.FOLDER))
          .filter(p -> !root.relativize(p).startsWith(PlatformSample.FOLDER))
          .filter(p -> !root.relativize(p).toString().equals(TrailGenerator.PUBLIC_KEYS)
              && !root.relativize(p).toString().equals(TrailGenerator.DIGEST_SIGNATURES))
          .sorted().toList();
    }
  }

  static List<String> keys(Path root) throws IOException {
    return files(root).stream().map(p -> root.relativize(p).toString()).toList();
  }

  static Map<String, byte[]> tree(Path root) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    for (Path p : files(root)) {
      m.put(root.relativize(p).toString(), Files.readAllBytes(p));
    }
    return m;
  }

  static byte[] gunzip(Path p) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return in.readAllBytes();
    }
  }

  static JsonNode read(Path p) throws IOException {
    return MAPPER.readTree(gunzip(p));
  }

  static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Fails with a short message instead of printing thousands of records. */
  static void assertSome(List<JsonNode> records, java.util.function.Predicate<JsonNode> p) {
    assertThat(records.stream().filter(p).count()).as("records matching the predicate").isPositive();
  }

  static boolean hasOption(JsonNode r, String name, String value) {
    for (JsonNode o : r.at("/requestParameters/optionSettings")) {
      if (o.path("optionName").asText().equals(name) && o.path("value").asText().equals(value)) {
        return true;
      }
    }
    return false;
  }
}
