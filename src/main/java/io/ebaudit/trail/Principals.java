package io.ebaudit.trail;

/**
 * Who acted in a CloudTrail record: collapses {@code userIdentity} to the principal whose
 * permissions were used.
 *
 * <p>{@code userIdentity.type} is compared exactly as CloudTrail writes it. ARNs are parsed
 * ({@code arn:<partition>:<service>:<region>:<account>:<resource>}), never matched against fixed
 * prefixes, so every partition ({@code aws}, {@code aws-us-gov}, {@code aws-cn}, …) works, and
 * account ids are taken as they are (test data often has ids that are not 12 digits).
 *
 * <p>Called per record: plain string scanning, no regular expressions, no allocation beyond the
 * result.
 */
public final class Principals {
  private Principals() {}

  /** principal_kind values. */
  public static final String ROOT = "root",
      IAM_USER = "iam_user",
      ASSUMED_ROLE = "assumed_role",
      FEDERATED_USER = "federated_user",
      AWS_ACCOUNT = "aws_account",
      AWS_SERVICE = "aws_service",
      IDENTITY_CENTER_USER = "identity_center_user",
      UNKNOWN = "unknown";

  /**
   * The principal whose permissions were used.
   *
   * @param arn an IAM ARN (user, role, root, federated user), or — for {@link #AWS_SERVICE} — the
   *     service principal name from {@code invokedBy} (e.g. {@code elasticbeanstalk.amazonaws.com}),
   *     which is not an ARN; null when nothing identifies the principal
   * @param kind one of the principal_kind constants
   * @param sessionName the role session name for {@link #ASSUMED_ROLE} (e.g. {@code i-0abc…} for EC2
   *     instance-profile credentials) or the federated user's name for {@link #FEDERATED_USER}; null
   *     otherwise
   */
  public record Principal(String arn, String kind, String sessionName) {}

  /**
   * Collapses an identity to the principal whose permissions were used. All arguments nullable.
   *
   * <ul>
   *   <li>{@code AssumedRole} → the role: {@code sessionIssuer.arn} when present (it keeps the role
   *       path), else {@code arn:P:sts::A:assumed-role/N/S} rewritten to {@code arn:P:iam::A:role/N};
   *       session name {@code S}.
   *   <li>{@code IAMUser} → the user ARN.
   *   <li>{@code Root} → its ARN, or {@code arn:aws:iam::<account>:root} when the ARN is missing.
   *   <li>{@code FederatedUser} → {@code sessionIssuer.arn} (the IAM user or root whose permissions
   *       apply) if present, else the federated-user ARN.
   *   <li>{@code AWSService} → the {@code invokedBy} service principal (not an ARN).
   *   <li>{@code AWSAccount} → {@code arn:<partition>:iam::<accountId>:root} when the account is known
   *       (partition from any ARN given, else {@code aws}), else the ARN if any.
   *   <li>{@code IdentityCenterUser} → its ARN, if any.
   *   <li>{@code Unknown}, missing or any other type → kind {@link #UNKNOWN}, the ARN if any.
   * </ul>
   */
  public static Principal resolve(
      String userType,
      String userArn,
      String userAccountId,
      String principalId,
      String sessionIssuerArn,
      String sessionIssuerType,
      String invokedBy) {
    userArn = blankToNull(userArn);
    sessionIssuerArn = blankToNull(sessionIssuerArn);
    if (userType == null) return new Principal(userArn, UNKNOWN, null);
    switch (userType) {
      case "AssumedRole":
        return assumedRole(userArn, principalId, sessionIssuerArn, sessionIssuerType);
      case "IAMUser":
        return new Principal(userArn, IAM_USER, null);
      case "Root":
        {
          String arn = userArn;
          if (arn == null) {
            String account = blankToNull(userAccountId);
            if (account != null) arn = rootArn("aws", account);
          }
          return new Principal(arn, ROOT, null);
        }
      case "FederatedUser":
        {
          String session = null;
          Arn parsed = Arn.parse(userArn);
          if (parsed != null && parsed.resource.startsWith("federated-user/")) {
            session = blankToNull(parsed.resource.substring("federated-user/".length()));
          }
          boolean issuerIsUser =
              sessionIssuerType == null
                  || "IAMUser".equals(sessionIssuerType)
                  || "Root".equals(sessionIssuerType);
          String arn = sessionIssuerArn != null && issuerIsUser ? sessionIssuerArn : userArn;
          return new Principal(arn, FEDERATED_USER, session);
        }
      case "AWSService":
        return new Principal(blankToNull(invokedBy), AWS_SERVICE, null);
      case "AWSAccount":
        {
          String account = blankToNull(userAccountId);
          if (account == null) return new Principal(userArn, AWS_ACCOUNT, null);
          String partition = partitionOf(userArn != null ? userArn : sessionIssuerArn);
          return new Principal(rootArn(partition, account), AWS_ACCOUNT, null);
        }
      case "IdentityCenterUser":
        return new Principal(userArn, IDENTITY_CENTER_USER, null);
      default:
        return new Principal(userArn, UNKNOWN, null);
    }
  }

  private static Principal assumedRole(
      String userArn, String principalId, String sessionIssuerArn, String sessionIssuerType) {
    String roleArn = null, session = null;
    Arn parsed = Arn.parse(userArn);
    if (parsed != null && parsed.resource.startsWith("assumed-role/")) {
      int nameStart = "assumed-role/".length();
      int slash = parsed.resource.indexOf('/', nameStart);
      if (slash > nameStart) {
        String roleName = parsed.resource.substring(nameStart, slash);
        session = blankToNull(parsed.resource.substring(slash + 1));
        roleArn = "arn:" + parsed.partition + ":iam::" + parsed.account + ":role/" + roleName;
      }
    }
    if (session == null && principalId != null) {
      // principalId is "<role id>:<session name>".
      int colon = principalId.indexOf(':');
      if (colon >= 0) session = blankToNull(principalId.substring(colon + 1));
    }
    boolean issuerIsRole = sessionIssuerType == null || "Role".equals(sessionIssuerType);
    String arn =
        sessionIssuerArn != null && issuerIsRole
            ? sessionIssuerArn
            : roleArn != null ? roleArn : userArn;
    return new Principal(arn, ASSUMED_ROLE, session);
  }

  /**
   * True when an AWS service acted rather than a person or workload: {@code userIdentity.type}
   * {@code AWSService}, or a {@code sourceIPAddress} that is a service host name (ends with {@code
   * .amazonaws.com}, or {@code .amazonaws.com.cn} in China) or {@code AWS Internal}.
   *
   * <p>{@code invokedBy} alone is deliberately not enough: a person in the console has {@code
   * invokedBy: signin.amazonaws.com} (or a service console's host) with their own IP address, as in
   * the AWS documentation's Elastic Beanstalk {@code UpdateEnvironment} example. It is accepted so
   * callers can pass the whole identity; it does not change the answer.
   */
  public static boolean serviceOriginated(
      String userType, String sourceIpAddress, String invokedBy) {
    if ("AWSService".equals(userType)) return true;
    if (sourceIpAddress == null) return false;
    return "AWS Internal".equals(sourceIpAddress)
        || endsWithIgnoreCase(sourceIpAddress, ".amazonaws.com")
        || endsWithIgnoreCase(sourceIpAddress, ".amazonaws.com.cn");
  }

  private static boolean endsWithIgnoreCase(String s, String suffix) {
    int n = suffix.length();
    return s.length() > n && s.regionMatches(true, s.length() - n, suffix, 0, n);
  }

  private static String rootArn(String partition, String account) {
    return "arn:" + partition + ":iam::" + account + ":root";
  }

  private static String partitionOf(String arn) {
    Arn parsed = Arn.parse(arn);
    return parsed != null ? parsed.partition : "aws";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** {@code arn:partition:service:region:account:resource}; the resource may contain ':' and '/'. */
  record Arn(String partition, String service, String region, String account, String resource) {
    static Arn parse(String s) {
      if (s == null || !s.startsWith("arn:")) return null;
      int p = 4;
      int c1 = s.indexOf(':', p);
      if (c1 < 0) return null;
      int c2 = s.indexOf(':', c1 + 1);
      if (c2 < 0) return null;
      int c3 = s.indexOf(':', c2 + 1);
      if (c3 < 0) return null;
      int c4 = s.indexOf(':', c3 + 1);
      if (c4 < 0) return null;
      String partition = s.substring(p, c1);
      if (partition.isEmpty()) return null;
      return new Arn(
          partition,
          s.substring(c1 + 1, c2),
          s.substring(c2 + 1, c3),
          s.substring(c3 + 1, c4),
          s.substring(c4 + 1));
    }
  }
}
