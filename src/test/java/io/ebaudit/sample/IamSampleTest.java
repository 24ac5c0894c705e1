package io.ebaudit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.iam.AuthorizationDetails.Kind;
import io.ebaudit.iam.AuthorizationDetails.Principal;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authorization-details exports the sample writes beside its trail. */
class IamSampleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static SampleResult sample;

  @BeforeAll
  static void generate() throws Exception {
    sample = TrailGenerator.generate(SampleSpec.defaults(tmp.resolve("trail")).withWindow(LocalDate.of(2026, 11, 16), 2));
  }

  @Test
  void oneExportPerAccountBesideAwsLogs() {
    assertThat(sample.iamFiles()).hasSize(sample.accountIds().size());
    for (int i = 0; i < sample.accountIds().size(); i++) {
      Path f = sample.iamFiles().get(i);
      assertThat(f.getFileName().toString()).isEqualTo(sample.accountIds().get(i) + ".authorization-details.json");
      assertThat(f.getParent()).isEqualTo(sample.iamDir());
      assertThat(f.toString()).doesNotContain("AWSLogs");
      assertThat(f).exists();
    }
  }

  @Test
  void exportsParseAndNameTheTrailsPrincipals() throws Exception {
    Set<String> trail = trailPrincipals(sample.out());
    Set<String> exported = new TreeSet<>();
    for (Path f : sample.iamFiles()) {
      AuthorizationDetails d = AuthorizationDetails.parse(Files.readString(f));
      assertThat(d.unresolvedPolicies()).as("unresolved in %s", f).isEmpty();
      assertThat(d.warnings()).isEmpty();
      for (Principal p : d.principals()) {
        exported.add(p.arn());
        assertThat(p.documents()).as("documents of %s", p.arn()).isNotEmpty();
      }
    }
    // Every user and role the trail acts as is in an export (root is never in one).
    assertThat(exported).containsAll(trail);
    // And every exported principal acts in the trail, but the roles the Beanstalk story only names
    // and the two rarely active users (a 2-day window may miss them).
    Set<String> extra = new HashSet<>(exported);
    extra.removeAll(trail);
    assertThat(extra.stream().map(a -> a.substring(a.lastIndexOf('/') + 1)).collect(Collectors.toSet()))
        .contains("eb-admin-ec2-role", "eb-custom-service-role", "eb-operations-role")
        .isSubsetOf("eb-admin-ec2-role", "eb-custom-service-role", "eb-operations-role", "intern", "legacy-admin");
  }

  @Test
  void overGrantsAndTheInstanceProfileAreThere() throws Exception {
    AuthorizationDetails d = AuthorizationDetails.parse(Files.readString(sample.iamFiles().get(0)));
    Principal ec2 = d.principalNamed(Kind.ROLE, "aws-elasticbeanstalk-ec2-role");
    assertThat(ec2.instanceProfiles()).extracting(AuthorizationDetails.InstanceProfile::name)
        .containsExactly("aws-elasticbeanstalk-ec2-role");
    assertThat(d.principalNamed(Kind.ROLE, "eb-admin-ec2-role").instanceProfiles())
        .extracting(AuthorizationDetails.InstanceProfile::name).containsExactly("eb-admin-instance-profile");
    assertThat(d.principalNamed(Kind.ROLE, "github-actions-deploy").policies())
        .extracting(AuthorizationDetails.AttachedPolicy::policyName).contains("github-passrole");
    assertThat(d.principalNamed(Kind.USER, "dave").groups()).containsExactly("developers");
    assertThat(d.principalNamed(Kind.ROLE, "aws-elasticbeanstalk-service-role").policies())
        .extracting(AuthorizationDetails.AttachedPolicy::policyArn)
        .contains("arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth");
  }

  @Test
  void deterministicForTheSeed() throws Exception {
    SampleResult again = TrailGenerator.generate(
        SampleSpec.defaults(tmp.resolve("again")).withWindow(LocalDate.of(2026, 11, 16), 2));
    for (int i = 0; i < sample.iamFiles().size(); i++) {
      assertThat(Files.readString(again.iamFiles().get(i))).isEqualTo(Files.readString(sample.iamFiles().get(i)));
    }
  }

  /** IAM user ARNs and the roles behind assumed-role sessions, from every log file. */
  static Set<String> trailPrincipals(Path out) throws Exception {
    Set<String> arns = new TreeSet<>();
    List<Path> logs;
    try (Stream<Path> s = Files.walk(out.resolve("AWSLogs"))) {
      logs = s.filter(p -> p.getFileName().toString().endsWith(".json.gz"))
          .filter(p -> p.toString().contains("/CloudTrail/")).toList();
    }
    for (Path f : logs) {
      JsonNode root;
      try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
        root = JSON.readTree(in);
      }
      for (JsonNode r : root.path("Records")) {
        JsonNode u = r.path("userIdentity");
        String type = u.path("type").asText();
        if (type.equals("IAMUser")) arns.add(u.path("arn").asText());
        if (type.equals("AssumedRole")) arns.add(u.path("sessionContext").path("sessionIssuer").path("arn").asText());
      }
    }
    assertThat(arns).isNotEmpty();
    return arns;
  }
}
