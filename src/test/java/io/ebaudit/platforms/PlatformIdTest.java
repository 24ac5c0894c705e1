package io.ebaudit.platforms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformIdTest {

  static JsonNode real(String name) throws Exception {
    try (InputStream in = PlatformIdTest.class.getResourceAsStream("/real/platforms/" + name)) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void parsesAwsPlatformArn() {
    PlatformId id = PlatformId.parseArn(
        "arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.8 running on 64bit Amazon Linux 2/3.3.9").orElseThrow();
    assertThat(id.branchName()).isEqualTo("Python 3.8 running on 64bit Amazon Linux 2");
    assertThat(id.version()).isEqualTo(new Version(3, 3, 9));
    assertThat(id.os()).isEqualTo("64bit Amazon Linux 2");
    assertThat(id.runtime()).isEqualTo("Python 3.8");
    assertThat(id.custom()).isFalse();
    assertThat(id.region()).isEqualTo("us-east-1");
    assertThat(id.solutionStackName()).contains("64bit Amazon Linux 2 v3.3.9 running Python 3.8");
  }

  @Test
  void parsesCustomPlatformArnFromEbCliLiterals() throws Exception {
    List<String> arns = new ArrayList<>();
    for (JsonNode lit : real("platform_test_literals_extracted.json")) {
      if (lit.get("variable").asText().equals("custom_platforms")) {
        lit.get("value").forEach(v -> arns.add(v.asText()));
      }
    }
    assertThat(arns).isNotEmpty();
    for (String arn : arns) {
      PlatformId id = PlatformId.parseArn(arn).orElseThrow();
      assertThat(id.custom()).as(arn).isTrue();
      assertThat(id.account()).isEqualTo("123123123");
      assertThat(id.os()).isNull();
      assertThat(id.solutionStackName()).isEmpty();
      assertThat(id.arn()).contains(arn);
    }
    assertThat(PlatformId.parseArn(arns.get(0)).orElseThrow().branchName()).isEqualTo("custom-platform-1");
  }

  @Test
  void stackAndArnOfTheSamePlatformAgree_ebCliDescribeConfigurationOptions() throws Exception {
    int pairs = 0;
    for (JsonNode lit : real("platform_test_literals_extracted.json")) {
      JsonNode v = lit.get("value");
      if (v.isObject() && v.has("SolutionStackName") && v.has("PlatformArn")) {
        PlatformId fromStack = PlatformId.parseSolutionStack(v.get("SolutionStackName").asText()).orElseThrow();
        PlatformId fromArn = PlatformId.parseArn(v.get("PlatformArn").asText()).orElseThrow();
        assertThat(fromStack.sameVersionAs(fromArn)).as(v.get("SolutionStackName").asText()).isTrue();
        assertThat(fromStack.branchName()).isEqualTo(fromArn.branchName());
        assertThat(fromStack.toArn("aws", fromArn.region())).contains(v.get("PlatformArn").asText());
        pairs++;
      }
    }
    // test_elasticbeanstalk.py (two describe-configuration-options) and test_platform.py (describe-platform-version)
    assertThat(pairs).isGreaterThanOrEqualTo(3);
  }

  @Test
  void al1StackNeedsItsAmiReleaseToRoundTrip() {
    PlatformId stack = PlatformId.parseSolutionStack("64bit Amazon Linux 2018.03 v2.9.12 running Python 3.6").orElseThrow();
    assertThat(stack.osRelease()).isEqualTo("2018.03");
    assertThat(stack.solutionStackName()).contains("64bit Amazon Linux 2018.03 v2.9.12 running Python 3.6");
    PlatformId arn = PlatformId.parseArn(
        "arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.6 running on 64bit Amazon Linux/2.9.12").orElseThrow();
    assertThat(arn.isAmazonLinuxAmi()).isTrue();
    assertThat(arn.solutionStackName()).as("the ARN does not carry 2018.03").isEmpty();
  }

  @Test
  void everyRealSolutionStackParses() throws Exception {
    List<String> stacks = new ArrayList<>();
    real("solution_stacks.json").get("solution_stacks").forEach(s -> stacks.add(s.asText()));
    real("elasticbeanstalk.list-available-solution-stacks.output1_abbreviated.json").get("SolutionStacks")
        .forEach(s -> stacks.add(s.asText()));
    assertThat(stacks).hasSize(25 + 28);
    for (String s : stacks) {
      PlatformId id = PlatformId.parseSolutionStack(s).orElseThrow(() -> new AssertionError(s));
      assertThat(id.branchName()).as(s).endsWith(" running on " + id.os()).doesNotContain(" v2.");
      assertThat(id.custom()).isFalse();
      if (id.version() != null && !id.isAmazonLinuxAmi() && !id.runtime().contains("with")) {
        assertThat(id.solutionStackName()).as(s).contains(s);
      }
    }
  }

  @Test
  void realStacksMapToKnownBranchNames() {
    assertThat(branch("64bit Amazon Linux 2017.03 v2.5.0 running Java 8")).isEqualTo("Java 8 running on 64bit Amazon Linux");
    assertThat(branch("64bit Amazon Linux 2017.03 v2.6.0 running Docker 1.12.6")).isEqualTo("Docker running on 64bit Amazon Linux");
    assertThat(branch("64bit Amazon Linux 2017.03 v2.7.0 running Multi-container Docker 17.03.1-ce (Generic)"))
        .isEqualTo("Multi-container Docker running on 64bit Amazon Linux");
    assertThat(branch("64bit Amazon Linux 2017.03 v2.4.1 running Go 1.7")).isEqualTo("Go 1 running on 64bit Amazon Linux");
    assertThat(branch("64bit Amazon Linux 2017.03 v2.6.0 running Tomcat 8 Java 8"))
        .isEqualTo("Tomcat 8 with Java 8 running on 64bit Amazon Linux");
    assertThat(branch("64bit Windows Server 2012 R2 v1.2.0 running IIS 8.5")).isEqualTo("IIS 8.5 running on 64bit Windows Server 2012 R2");
    PlatformId old = PlatformId.parseSolutionStack("64bit Amazon Linux running PHP 5.3").orElseThrow();
    assertThat(old.version()).isNull();
    assertThat(old.branchName()).isEqualTo("PHP 5.3 running on 64bit Amazon Linux");
    PlatformId win = PlatformId.parseSolutionStack("64bit Windows Server 2019 v2.6.0 running IIS 10.0").orElseThrow();
    assertThat(win.branchName()).isEqualTo("IIS 10.0 running on 64bit Windows Server 2019");
    assertThat(win.toArn("aws", "eu-west-1"))
        .contains("arn:aws:elasticbeanstalk:eu-west-1::platform/IIS 10.0 running on 64bit Windows Server 2019/2.6.0");
    assertThat(win.solutionStackName()).contains("64bit Windows Server 2019 v2.6.0 running IIS 10.0");
  }

  @Test
  void rejectsNonPlatforms() {
    assertThat(PlatformId.parse(null)).isEmpty();
    assertThat(PlatformId.parse("")).isEmpty();
    assertThat(PlatformId.parse("arn:aws:elasticbeanstalk:us-east-1:123:environment/app/env")).isEmpty();
    assertThat(PlatformId.parse("hello world")).isEmpty();
    assertThat(PlatformId.parse("arn:aws:elasticbeanstalk:us-east-1::platform/Node.js running on 64bit Amazon Linux/latest")).isEmpty();
  }

  private static String branch(String stack) {
    return PlatformId.parseSolutionStack(stack).orElseThrow().branchName();
  }
}
