package io.ebaudit.beanstalk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.beanstalk.OptionCatalog.Option;
import io.ebaudit.testing.TestSpark;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionCatalogTest {
  private final OptionCatalog catalog = OptionCatalog.standard();

  @ParameterizedTest(name = "{0} / {1} = {2}")
  @CsvSource({
    "aws:autoscaling:launchconfiguration, DisableIMDSv1, false",
    "aws:elasticbeanstalk:managedactions, ManagedActionsEnabled, false",
    "aws:elasticbeanstalk:healthreporting:system, SystemType, basic",
    "aws:elasticbeanstalk:cloudwatch:logs, StreamLogs, false",
    "aws:elasticbeanstalk:cloudwatch:logs, RetentionInDays, 7",
    "aws:elasticbeanstalk:cloudwatch:logs, DeleteOnTerminate, false",
    "aws:elasticbeanstalk:cloudwatch:logs:health, HealthStreamingEnabled, false",
    "aws:elasticbeanstalk:managedactions:platformupdate, InstanceRefreshEnabled, false",
    "aws:elasticbeanstalk:healthreporting:system, EnhancedHealthAuthEnabled, true",
    "aws:elasticbeanstalk:environment, EnvironmentType, LoadBalanced",
    "aws:elasticbeanstalk:environment, LoadBalancerType, classic",
    "aws:autoscaling:asg, Cooldown, 360",
  })
  void guideDefaults(String namespace, String option, String expected) {
    assertThat(catalog.defaultValue(namespace, option)).isEqualTo(expected);
  }

  @Test
  void optionNamesAndNamespacesMatchIgnoringCase() {
    assertThat(catalog.defaultValue("aws:autoscaling:launchconfiguration", "disableimdsv1")).isEqualTo("false");
    assertThat(catalog.defaultValue("AWS:AutoScaling:LaunchConfiguration", "DISABLEIMDSV1")).isEqualTo("false");
    Option o = catalog.find("aws:autoscaling:launchconfiguration", "disableImdsV1").orElseThrow();
    assertThat(o.optionName()).isEqualTo("DisableIMDSv1");
    assertThat(o.securityRelevant()).isTrue();
    assertThat(o.description()).contains("IMDSv1");
  }

  @Test
  void unknownOptionsAreEmpty() {
    assertThat(catalog.find("aws:autoscaling:launchconfiguration", "NoSuchOption")).isEmpty();
    assertThat(catalog.find("aws:no:such", "DisableIMDSv1")).isEmpty();
    assertThat(catalog.defaultValue("aws:no:such", "x")).isNull();
    assertThat(catalog.find(null, "x")).isEmpty();
  }

  @Test
  void noneAndProseMeanNoDefault() {
    // "None"
    assertThat(catalog.find("aws:autoscaling:launchconfiguration", "IamInstanceProfile")).isPresent();
    assertThat(catalog.defaultValue("aws:autoscaling:launchconfiguration", "IamInstanceProfile")).isNull();
    assertThat(catalog.defaultValue("aws:elasticbeanstalk:environment", "ServiceRole")).isNull();
    // prose
    Option type = catalog.find("aws:autoscaling:launchconfiguration", "InstanceType").orElseThrow();
    assertThat(type.documentedDefault()).isEqualTo("Varies by account and Region.");
    assertThat(type.defaultValue()).isNull();
    assertThat(catalog.defaultValue("aws:elbv2:listener:default", "SSLPolicy")).isNull();
    assertThat(catalog.defaultValue("aws:elasticbeanstalk:environment:process:default", "Protocol")).isNull();
  }

  @Test
  void quotesAroundADefaultAreRemoved() {
    Option o = catalog.find("aws:elasticbeanstalk:environment:process:default", "StickinessEnabled").orElseThrow();
    assertThat(o.documentedDefault()).isEqualTo("'false'");
    assertThat(o.defaultValue()).isEqualTo("false");
  }

  @Test
  void overridesApplyWithTheirReason() {
    Option o = catalog.find("aws:autoscaling:updatepolicy:rollingupdate", "Timeout").orElseThrow();
    assertThat(o.documentedDefault()).isEqualTo("PT30M (30 minutes)");
    assertThat(o.defaultValue()).isEqualTo("PT30M");
    assertThat(o.defaultWhy()).contains("ISO 8601");
    assertThat(catalog.defaultValue("aws:autoscaling:launchconfiguration", "MonitoringInterval")).isEqualTo("5 minute");
    Option proxy = catalog.find("aws:elasticbeanstalk:environment:proxy", "ProxyServer").orElseThrow();
    assertThat(proxy.sections()).hasSizeGreaterThan(3);
    assertThat(proxy.defaultValue()).isEqualTo("nginx");
    assertThat(catalog.find("aws:autoscaling:launchconfiguration", "DisableIMDSv1").orElseThrow().defaultWhy()).isNull();
  }

  @Test
  void placeholderNamespacesMatchRealNames() {
    assertThat(catalog.find("aws:elbv2:listener:443", "SSLPolicy")).isPresent();
    assertThat(catalog.find("aws:elbv2:listener:443", "SSLPolicy").orElseThrow().namespace())
        .isEqualTo("aws:elbv2:listener:listener_port");
    assertThat(catalog.defaultValue("aws:elasticbeanstalk:environment:process:admin", "StickinessLBCookieDuration"))
        .isEqualTo("86400");
    assertThat(catalog.find("aws:elbv2:listener:notaport", "SSLPolicy")).isEmpty();
    // the exact namespace wins over the placeholder
    assertThat(catalog.find("aws:elbv2:listener:default", "SSLPolicy").orElseThrow().namespace())
        .isEqualTo("aws:elbv2:listener:default");
  }

  @Test
  void sectionHeadingNamesTheNamespaceForAmazonLinuxAmiTables() {
    assertThat(catalog.defaultValue("aws:elasticbeanstalk:container:nodejs", "GzipCompression")).isEqualTo("false");
    assertThat(catalog.defaultValue("aws:elasticbeanstalk:container:nodejs", "NodeCommand")).isEqualTo("");
    assertThat(catalog.defaultValue("aws:elasticbeanstalk:environment:proxy", "GzipCompression")).isEqualTo("true");
    assertThat(catalog.find("aws:elasticbeanstalk:environment:proxy", "NodeCommand")).isEmpty();
  }

  @Test
  void wholeDocumentIsLoaded() {
    List<Option> all = catalog.options();
    int rows = all.stream().mapToInt(o -> o.sections().size()).sum();
    assertThat(rows).isEqualTo(235);
    Set<String> namespaces = all.stream().map(Option::namespace).collect(Collectors.toSet());
    assertThat(namespaces).contains("aws:autoscaling:launchconfiguration", "aws:rds:dbinstance");
    // a description with a quoted comma-holding example survives the CSV parse
    assertThat(catalog.find("aws:ec2:vpc", "Subnets").orElseThrow().description())
        .contains("\"subnet-11111111,subnet-22222222\"");
    assertThat(catalog.find("aws:elb:loadbalancer", "LoadBalancerHTTPPort").orElseThrow().deprecated()).isTrue();
    assertThat(catalog.find("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays").orElseThrow().validValues())
        .startsWith("1, 3, 5, 7");
  }

  @Test
  void noDefaultValueIsProse() {
    for (Option o : catalog.options()) {
      if (o.defaultValue() == null || o.defaultWhy() != null) continue;
      assertThat(o.defaultValue()).as(o.namespace() + "/" + o.optionName()).doesNotContainPattern("\\s");
    }
  }

  @Test
  void securityOptionsFollowTheGuide() {
    List<Option> sec = catalog.securityOptions();
    assertThat(sec).hasSize(OptionCatalog.SECURITY_OPTIONS.size()).allMatch(Option::securityRelevant);
    assertThat(sec.get(0).optionName()).isEqualTo("DisableIMDSv1");
    assertThat(catalog.options().stream().filter(Option::securityRelevant).count()).isEqualTo(sec.size());
  }

  @Test
  void defaultsAsADataset() {
    List<Row> rows = catalog.defaults(TestSpark.session()).collectAsList();
    assertThat(rows).allMatch(r -> r.getAs("default_value") != null);
    Map<String, String> byKey = new java.util.HashMap<>();
    Set<String> keys = new HashSet<>();
    for (Row r : rows) {
      String k = r.<String>getAs("namespace") + "/" + r.<String>getAs("option_name");
      assertThat(keys.add(k)).as("duplicate " + k).isTrue();
      byKey.put(k, r.getAs("default_value"));
    }
    assertThat(byKey)
        .containsEntry("aws:autoscaling:launchconfiguration/DisableIMDSv1", "false")
        .containsEntry("aws:elasticbeanstalk:healthreporting:system/SystemType", "basic")
        .containsEntry("aws:elasticbeanstalk:cloudwatch:logs/RetentionInDays", "7")
        .doesNotContainKey("aws:autoscaling:launchconfiguration/IamInstanceProfile");
    Row imds = rows.stream().filter(r -> r.getAs("option_name").equals("DisableIMDSv1")).findFirst().orElseThrow();
    assertThat((Boolean) imds.getAs("security_relevant")).isTrue();
  }

  @Test
  void badReferenceFilesFailLoudly() {
    String header = "scope,section,namespace,option_name,deprecated,default,valid_values,description\n";
    String ok = header + "general,aws:x,aws:x,Opt,false,1,,d\n";
    String overridesHeader = "namespace,option_name,default,why\n";
    assertThat(OptionCatalog.load(ok, overridesHeader).defaultValue("aws:x", "opt")).isEqualTo("1");
    assertThat(OptionCatalog.load(ok, overridesHeader + "aws:x,Opt,2,because\n").defaultValue("aws:x", "opt"))
        .isEqualTo("2");
    assertThat(OptionCatalog.load(ok, overridesHeader + "aws:x,Opt,,no single default\n").defaultValue("aws:x", "opt"))
        .isNull();
    assertThatThrownBy(() -> OptionCatalog.load(ok, overridesHeader + "aws:x,Other,2,because\n"))
        .hasMessageContaining("no such option");
    assertThatThrownBy(() -> OptionCatalog.load(ok, overridesHeader + "aws:x,Opt,2,\n"))
        .hasMessageContaining("empty why");
    assertThatThrownBy(() -> OptionCatalog.load("a,b\n1,2\n", overridesHeader))
        .hasMessageContaining("expected columns");
    assertThatThrownBy(() -> OptionCatalog.load(header + "general,aws:x\n", overridesHeader))
        .hasMessageContaining("expected 8 fields");
  }

  @Test
  void conflictingPlatformDefaultsGiveNoDefault() {
    String csv = "scope,section,namespace,option_name,deprecated,default,valid_values,description\n"
        + "platform-specific,A,aws:x,Opt,false,1,,d\n"
        + "platform-specific,B,aws:x,opt,false,2,,d\n"
        + "platform-specific,A,aws:x,Same,false,1,,d\n"
        + "platform-specific,B,aws:x,Same,false,1,,d\n";
    OptionCatalog c = OptionCatalog.load(csv, "namespace,option_name,default,why\n");
    assertThat(c.defaultValue("aws:x", "Opt")).isNull();
    assertThat(c.find("aws:x", "Opt").orElseThrow().sections()).containsExactly("A", "B");
    assertThat(c.defaultValue("aws:x", "Same")).isEqualTo("1");
  }
}
