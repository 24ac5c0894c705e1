package io.ebaudit.platforms;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Elastic Beanstalk platform version, known either by its ARN or by its solution stack name.
 *
 * <ul>
 *   <li>ARN: {@code arn:<partition>:elasticbeanstalk:<region>:<account or empty>:platform/<branch>/<X.Y.Z>},
 *       e.g. {@code arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.8 running on 64bit Amazon Linux 2/3.3.9}.
 *       AWS platforms have an empty account; custom platforms carry the owner's account and their own name
 *       in place of the branch.
 *   <li>Solution stack: {@code <os> [<AMI release YYYY.MM>] [v<X.Y.Z>] running <runtime>}, e.g.
 *       {@code 64bit Amazon Linux 2 v3.3.9 running Python 3.8} or
 *       {@code 64bit Amazon Linux 2017.03 v2.5.0 running Docker 17.03.1-ce}.
 * </ul>
 *
 * <p>The branch name is {@code <runtime> running on <os>}. From a stack name it is derived: the AMI release
 * is dropped, and a few runtime spellings that differ between stack and branch are rewritten
 * ({@code Tomcat 8 Java 8} ⇒ {@code Tomcat 8 with Java 8}; on the Amazon Linux AMI (AL1) also
 * {@code Docker 17.03.1-ce} ⇒ {@code Docker}, {@code Multi-container Docker … (Generic)} ⇒
 * {@code Multi-container Docker}, {@code Go 1.7} ⇒ {@code Go 1}, {@code Ruby 2.3 (Puma)} ⇒
 * {@code Puma with Ruby 2.3}, {@code Ruby 2.3 (Passenger Standalone)} ⇒ {@code Passenger with Ruby 2.3},
 * {@code Packer 1.0.0} ⇒ {@code Packer}). Those rewrites follow AWS's naming as far as the real names we
 * hold show it; they are best effort for branch names we have not seen. The reverse, ARN ⇒ stack name, is
 * possible only where the stack name carries no AMI release, i.e. not for AL1 (see {@link #solutionStackName}).
 *
 * @param partition    ARN partition ({@code aws}, {@code aws-cn}, …); null when parsed from a stack name
 * @param region       region from the ARN; null when parsed from a stack name
 * @param account      owner account of a custom platform; empty for AWS platforms; null when unknown
 * @param branchName   the platform branch ({@code Python 3.8 running on 64bit Amazon Linux 2}) or the
 *                     custom platform's name
 * @param version      the platform version; null when the stack name carries none (very old stacks)
 * @param os           {@code 64bit Amazon Linux 2}, {@code 64bit Windows Server 2019}, …; null for custom
 * @param osRelease    the AMI release in an AL1 stack name ({@code 2017.03}); null otherwise
 * @param runtime      as in the branch name ({@code Python 3.8}); null for custom platforms
 * @param custom       true for a custom platform (an ARN with an account)
 */
public record PlatformId(String partition, String region, String account, String branchName,
    Version version, String os, String osRelease, String runtime, boolean custom) {

  private static final Pattern ARN =
      Pattern.compile("arn:([^:]+):elasticbeanstalk:([^:]*):([^:]*):platform/(.+)/([^/]+)");
  private static final Pattern STACK = Pattern.compile(
      "(.+?)(?: (\\d{4}\\.\\d{2}))?(?: v(\\d+(?:\\.\\d+){0,2}))? running (.+)");
  private static final String RUNNING_ON = " running on ";
  private static final Pattern TOMCAT = Pattern.compile("(Tomcat [\\d.]+) ((?:Java|Corretto) [\\d.]+)");
  private static final Pattern RUBY_SERVER = Pattern.compile("(Ruby [\\d.]+) \\((Puma|Passenger Standalone)\\)");
  private static final Pattern GO_1 = Pattern.compile("Go 1(?:\\.\\d+)*");
  private static final Pattern MULTI_DOCKER = Pattern.compile("Multi-container Docker(?: \\S+)?(?: \\(Generic\\))?");
  private static final Pattern DOCKER = Pattern.compile("Docker(?: [\\d.]+(?:-ce)?)?");
  private static final Pattern PACKER = Pattern.compile("Packer(?: [\\d.]+)?");

  /** Parses a platform ARN; empty when the text is not one. */
  public static Optional<PlatformId> parseArn(String arn) {
    if (arn == null) {
      return Optional.empty();
    }
    Matcher m = ARN.matcher(arn.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<Version> version = Version.parse(m.group(5));
    if (version.isEmpty()) {
      return Optional.empty();
    }
    String account = m.group(3);
    String branch = m.group(4);
    boolean custom = !account.isEmpty();
    String os = null;
    String runtime = null;
    int on = branch.lastIndexOf(RUNNING_ON);
    if (!custom && on > 0) {
      runtime = stripBeta(branch.substring(0, on));
      os = branch.substring(on + RUNNING_ON.length());
    }
    return Optional.of(new PlatformId(m.group(1), m.group(2), account, branch, version.get(), os, null,
        runtime, custom));
  }

  /** Parses a solution stack name; empty when the text is not one. Always an AWS (non-custom) platform. */
  public static Optional<PlatformId> parseSolutionStack(String stack) {
    if (stack == null || stack.startsWith("arn:")) {
      return Optional.empty();
    }
    Matcher m = STACK.matcher(stack.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    String os = m.group(1);
    String release = m.group(2);
    Version version = m.group(3) == null ? null : Version.of(m.group(3));
    String runtime = branchRuntime(m.group(4), os);
    return Optional.of(new PlatformId(null, null, null, runtime + RUNNING_ON + os, version, os, release,
        runtime, false));
  }

  /** An ARN or a solution stack name, whichever the text is. */
  public static Optional<PlatformId> parse(String arnOrStack) {
    if (arnOrStack == null || arnOrStack.isBlank()) {
      return Optional.empty();
    }
    return arnOrStack.trim().startsWith("arn:") ? parseArn(arnOrStack) : parseSolutionStack(arnOrStack);
  }

  /** True for the Amazon Linux AMI (AL1), whose stack names carry an AMI release. */
  public boolean isAmazonLinuxAmi() {
    return os != null && os.matches("(?:32|64)bit Amazon Linux");
  }

  /** Case-insensitive key of the branch (with the account for custom platforms). */
  public String branchKey() {
    return branchKey(branchName, custom ? account : null);
  }

  static String branchKey(String branchName, String customAccount) {
    String b = branchName == null ? "" : branchName.trim().toLowerCase(Locale.ROOT);
    return customAccount == null || customAccount.isEmpty() ? b : customAccount + "/" + b;
  }

  /**
   * The platform ARN in a partition and region. Empty when there is no version, or for a custom platform
   * without a known account. An AWS platform's ARN is the same whether it was parsed from a stack name or
   * an ARN.
   */
  public Optional<String> toArn(String partition, String region) {
    if (version == null || (custom && (account == null || account.isEmpty()))) {
      return Optional.empty();
    }
    return Optional.of("arn:" + partition + ":elasticbeanstalk:" + region + ":" + (custom ? account : "")
        + ":platform/" + branchName + "/" + version);
  }

  /** The ARN in this id's own partition and region, when it came from an ARN. */
  public Optional<String> arn() {
    return partition == null ? Optional.empty() : toArn(partition, region);
  }

  /**
   * The solution stack name {@code <os> v<X.Y.Z> running <runtime>}. Empty for custom platforms, without a
   * version, and for AL1 when the AMI release is unknown (an ARN does not carry it).
   */
  public Optional<String> solutionStackName() {
    if (custom || os == null || runtime == null || version == null) {
      return Optional.empty();
    }
    if (isAmazonLinuxAmi() && osRelease == null) {
      return Optional.empty();
    }
    String rt = runtime;
    Matcher tomcat = Pattern.compile("(Tomcat [\\d.]+) with ((?:Java|Corretto) [\\d.]+)").matcher(rt);
    if (tomcat.matches()) {
      rt = tomcat.group(1) + " " + tomcat.group(2);
    }
    if (isAmazonLinuxAmi()) {
      // Only the name parts we can undo without loss; Docker and Go lost their exact versions.
      Matcher ruby = Pattern.compile("(Puma|Passenger) with (Ruby [\\d.]+)").matcher(rt);
      if (ruby.matches()) {
        rt = ruby.group(2) + " (" + (ruby.group(1).equals("Puma") ? "Puma" : "Passenger Standalone") + ")";
      } else if (rt.equals("Docker") || rt.equals("Multi-container Docker") || rt.equals("Go 1")
          || rt.equals("Packer")) {
        return Optional.empty();
      }
    }
    return Optional.of(os + (osRelease == null ? "" : " " + osRelease) + " v" + version + " running " + rt);
  }

  /** Same branch (case-insensitive) and same version. */
  public boolean sameVersionAs(PlatformId other) {
    return other != null && branchKey().equals(other.branchKey())
        && java.util.Objects.equals(version, other.version);
  }

  private static String stripBeta(String runtime) {
    return runtime.startsWith("(BETA) ") ? runtime.substring("(BETA) ".length()) : runtime;
  }

  private static String branchRuntime(String stackRuntime, String os) {
    String rt = stackRuntime.trim();
    Matcher tomcat = TOMCAT.matcher(rt);
    if (tomcat.matches()) {
      return tomcat.group(1) + " with " + tomcat.group(2);
    }
    if (!os.matches("(?:32|64)bit Amazon Linux")) {
      return rt;
    }
    Matcher ruby = RUBY_SERVER.matcher(rt);
    if (ruby.matches()) {
      return (ruby.group(2).startsWith("Puma") ? "Puma" : "Passenger") + " with " + ruby.group(1);
    }
    if (MULTI_DOCKER.matcher(rt).matches()) {
      return "Multi-container Docker";
    }
    if (DOCKER.matcher(rt).matches()) {
      return "Docker";
    }
    if (GO_1.matcher(rt).matches()) {
      return "Go 1";
    }
    if (PACKER.matcher(rt).matches()) {
      return "Packer";
    }
    return rt;
  }

  @Override
  public String toString() {
    return branchName + (version == null ? "" : "/" + version);
  }
}
