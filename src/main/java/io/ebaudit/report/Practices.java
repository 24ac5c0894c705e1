package io.ebaudit.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The compliance vocabulary of the report: the Security Hub controls Elastic Beanstalk users are measured
 * by, and the four practices AWS recommends for Beanstalk, each defined by the compliance tags of the
 * rule metadata ({@code rules/<id>.json} {@code compliance}) that count against it. A rule counts
 * against a practice when one of its tags starts with one of the practice's prefixes.
 */
public final class Practices {
  private Practices() {}

  /** A control or practice: id, title, what it asks, and the tag prefixes that count against it. */
  public record Definition(String id, String title, String description, List<String> prefixes) {
    public boolean matches(List<String> compliance) {
      for (String tag : compliance) {
        for (String p : prefixes) {
          if (tag.equals(p) || (p.endsWith("*") && tag.startsWith(p.substring(0, p.length() - 1)))) {
            return true;
          }
        }
      }
      return false;
    }
  }

  public static final String SECURITY_HUB = "Security Hub ";
  public static final String NIST = "NIST 800-53 ";

  /** The Security Hub controls the report always lists (passed when nothing counts against them). */
  public static final List<Definition> SECURITY_HUB_CONTROLS = List.of(
      new Definition("ElasticBeanstalk.1", "Elastic Beanstalk environments should have enhanced health reporting enabled",
          "Enhanced health reporting gives the health data that monitoring and change-impact checks rely on.",
          List.of("Security Hub ElasticBeanstalk.1")),
      new Definition("ElasticBeanstalk.2", "Elastic Beanstalk managed platform updates should be enabled",
          "Managed platform updates keep the environment on a patched platform version of its branch.",
          List.of("Security Hub ElasticBeanstalk.2")),
      new Definition("ElasticBeanstalk.3", "Elastic Beanstalk should stream logs to CloudWatch",
          "Instance logs streamed to CloudWatch Logs survive the instances and can be retained and searched.",
          List.of("Security Hub ElasticBeanstalk.3")),
      new Definition("EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
          "IMDSv2 session tokens defend the instance role's credentials against SSRF.",
          List.of("Security Hub EC2.8")));

  /** The four practices. */
  public static final List<Definition> PRACTICES = List.of(
      new Definition("monitoring", "Monitoring",
          "Watch CloudTrail for risky Beanstalk API calls; keep enhanced health, log streaming and retention on.",
          List.of("Security Hub ElasticBeanstalk.1", "Security Hub ElasticBeanstalk.3", "Security Hub CloudWatch.*",
              "NIST 800-53 AU-*", "NIST 800-53 SI-4*", "NIST 800-53 CA-7*", "NIST 800-53 CM-3*")),
      new Definition("least_privilege", "Least privilege",
          "Instance profile, service and operator roles grant only what they use.",
          List.of("NIST 800-53 AC-6*", "NIST 800-53 AC-2*", "Security Hub IAM.*")),
      new Definition("platform_updates", "Platform updates",
          "Environments run a supported, current platform version, with managed updates on.",
          List.of("Security Hub ElasticBeanstalk.2", "NIST 800-53 SI-2*")),
      new Definition("imdsv2", "IMDSv2",
          "Instances require IMDSv2 (DisableIMDSv1=true) once nothing calls IMDSv1.",
          List.of("Security Hub EC2.8")));

  /** The Security Hub control ids among {@code compliance}, e.g. {@code ElasticBeanstalk.2}. */
  public static List<String> securityHubControls(List<String> compliance) {
    List<String> out = new ArrayList<>();
    for (String t : compliance) {
      if (t.startsWith(SECURITY_HUB)) {
        out.add(t.substring(SECURITY_HUB.length()).trim());
      }
    }
    return out;
  }

  /** The NIST 800-53 controls among {@code compliance}, e.g. {@code SI-2}. */
  public static List<String> nistControls(List<String> compliance) {
    List<String> out = new ArrayList<>();
    for (String t : compliance) {
      if (t.startsWith(NIST)) {
        out.add(t.substring(NIST.length()).trim());
      }
    }
    return out;
  }
}
