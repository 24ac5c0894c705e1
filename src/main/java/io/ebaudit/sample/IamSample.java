package io.ebaudit.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.sample.World.Kind;
import io.ebaudit.sample.World.Principal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes, per sample account, what {@code aws iam get-account-authorization-details} would return for
 * the sample's principals: {@code <out>/iam/<account>.authorization-details.json} (beside
 * {@code AWSLogs/}, never inside it).
 *
 * <p>The users and roles are those the trail uses (root has no entry, as in a real export), plus the
 * roles the Beanstalk story names but never acts as ({@code eb-admin-ec2-role} behind
 * {@code eb-admin-instance-profile}, {@code eb-custom-service-role}, {@code eb-operations-role}). The
 * grants are realistic with deliberate over-grants for the permission findings: an admin-like CI role,
 * {@code iam:PassRole} on {@code *}, users granted far more than they use, and principals that are
 * never active. AWS managed policies are referenced by ARN; the export's {@code Policies} carries only
 * {@code AdministratorAccess} (the others are resolved from the shipped
 * {@link io.ebaudit.iam.ManagedPolicyLibrary}). Deterministic for the seed.
 */
final class IamSample {
  private IamSample() {}

  static final String FOLDER = "iam";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String AWS_POLICY = "arn:aws:iam::aws:policy/";
  static final String ADMIN = AWS_POLICY + "AdministratorAccess";

  /** Writes one file per account; returns them in account order. */
  static List<Path> write(SampleSpec spec, World world) throws IOException {
    Path dir = spec.out().resolve(FOLDER);
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    String created = spec.from().minusDays(400).toString() + "T09:12:44+00:00";
    for (World.Account a : world.accounts) {
      SplittableRandom rng = new SplittableRandom(Mix.of(spec.seed(), 0x1a3L + a.id().hashCode()));
      Path f = dir.resolve(a.id() + ".authorization-details.json");
      Files.writeString(f, JSON.writeValueAsString(export(a, created, rng)));
      out.add(f);
    }
    return out;
  }

  static ObjectNode export(World.Account a, String created, SplittableRandom rng) {
    String acct = a.id();
    ObjectNode root = JSON.createObjectNode();
    ArrayNode users = root.putArray("UserDetailList");
    ArrayNode groups = root.putArray("GroupDetailList");
    ArrayNode roles = root.putArray("RoleDetailList");
    ArrayNode policies = root.putArray("Policies");
    Set<String> seen = new LinkedHashSet<>();

    groups.add(group(acct, "developers", created, rng,
        List.of(AWS_POLICY + "AWSElasticBeanstalkReadOnly", AWS_POLICY + "AmazonS3ReadOnlyAccess"),
        inline("developers-beanstalk-ops", stmt(List.of("elasticbeanstalk:UpdateEnvironment",
            "elasticbeanstalk:RestartAppServer", "elasticbeanstalk:RequestEnvironmentInfo",
            "elasticbeanstalk:RetrieveEnvironmentInfo", "elasticbeanstalk:CreateConfigurationTemplate",
            "elasticbeanstalk:UpdateConfigurationTemplate", "elasticbeanstalk:SwapEnvironmentCNAMEs",
            "cloudformation:DescribeStack*", "cloudformation:GetTemplate", "autoscaling:Describe*",
            "ec2:Describe*", "logs:Describe*", "logs:GetLogEvents", "logs:FilterLogEvents",
            "cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms"), "*"))));
    groups.add(group(acct, "deployers", created, rng, List.of(),
        inline("deployers-eb-deploy", stmt(List.of("elasticbeanstalk:*", "cloudformation:*",
            "autoscaling:*", "elasticloadbalancing:*", "ec2:*", "s3:*", "logs:*", "cloudwatch:*",
            "sns:*", "sqs:*"), "*"))));
    groups.add(group(acct, "admins", created, rng, List.of(ADMIN), null));

    for (Principal p : a.principals()) {
      switch (p.kind()) {
        case IAM_USER_CONSOLE, IAM_USER_CLI, IAM_USER_NO_MFA -> {
          if (!seen.add("user/" + p.name())) continue;
          users.add(user(p, created, rng));
        }
        case ROOT, AWS_SERVICE -> { /* not IAM principals of the export */ }
        default -> {
          if (!seen.add("role/" + p.name())) continue;
          roles.add(role(p, created));
        }
      }
    }
    // Named by the Beanstalk story, never acting in the trail.
    roles.add(role(acct, "eb-admin-ec2-role", "", "AROA" + Ids.upper(rng, 17), created, ec2Trust(),
        List.of(ADMIN), List.of(), List.of(profile(acct, "eb-admin-instance-profile", rng, created))));
    roles.add(role(acct, "eb-custom-service-role", "", "AROA" + Ids.upper(rng, 17), created,
        serviceTrust("elasticbeanstalk.amazonaws.com"),
        List.of(AWS_POLICY + "service-role/AWSElasticBeanstalkEnhancedHealth",
            AWS_POLICY + "AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy"),
        List.of(inline("eb-custom-extra", stmt(List.of("iam:PassRole"), "*"))), List.of()));
    roles.add(role(acct, "eb-operations-role", "", "AROA" + Ids.upper(rng, 17), created,
        accountTrust(acct), List.of(AWS_POLICY + "AWSElasticBeanstalkFullAccess"), List.of(), List.of()));

    ObjectNode admin = policies.addObject();
    admin.put("PolicyName", "AdministratorAccess").put("PolicyId", "ANPAIWMBCKSKIEE64ZLYK")
        .put("Arn", ADMIN).put("Path", "/").put("DefaultVersionId", "v1").put("AttachmentCount", 4)
        .put("PermissionsBoundaryUsageCount", 0).put("IsAttachable", true)
        .put("CreateDate", "2015-02-06T18:39:46+00:00").put("UpdateDate", "2015-02-06T18:39:46+00:00");
    ObjectNode v1 = admin.putArray("PolicyVersionList").addObject();
    v1.set("Document", doc(stmt(List.of("*"), "*")));
    v1.put("VersionId", "v1").put("IsDefaultVersion", true).put("CreateDate", "2015-02-06T18:39:46+00:00");
    ObjectNode asg = policies.addObject();
    String asgArn = AWS_POLICY + "aws-service-role/AutoScalingServiceRolePolicy";
    asg.put("PolicyName", "AutoScalingServiceRolePolicy").put("PolicyId", "ANPAIC5D2V7MRWBMJGD5I")
        .put("Arn", asgArn).put("Path", "/aws-service-role/").put("DefaultVersionId", "v9")
        .put("AttachmentCount", 1).put("PermissionsBoundaryUsageCount", 0).put("IsAttachable", true)
        .put("CreateDate", "2018-01-08T23:10:55+00:00").put("UpdateDate", "2023-05-18T19:22:05+00:00");
    ObjectNode v9 = asg.putArray("PolicyVersionList").addObject();
    // Abridged from the AWS managed policy (its EC2, ELB, CloudWatch and SNS statements).
    v9.set("Document", doc(stmt(List.of("ec2:AttachClassicLinkVpc", "ec2:CancelSpotInstanceRequests",
        "ec2:CreateFleet", "ec2:CreateTags", "ec2:DeleteTags", "ec2:Describe*", "ec2:DetachClassicLinkVpc",
        "ec2:ModifyInstanceAttribute", "ec2:RequestSpotInstances", "ec2:RunInstances", "ec2:StartInstances",
        "ec2:StopInstances", "ec2:TerminateInstances", "elasticloadbalancing:Register*",
        "elasticloadbalancing:Deregister*", "elasticloadbalancing:Describe*", "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData", "cloudwatch:PutMetricAlarm",
        "sns:Publish", "ssm:GetParameters"), "*")));
    v9.put("VersionId", "v9").put("IsDefaultVersion", true).put("CreateDate", "2023-05-18T19:22:05+00:00");
    root.put("IsTruncated", false);
    return root;
  }

  private static ObjectNode user(Principal p, String created, SplittableRandom rng) {
    ObjectNode u = JSON.createObjectNode();
    u.put("Path", "/").put("UserName", p.name()).put("UserId", p.principalId()).put("Arn", p.userArn())
        .put("CreateDate", created);
    List<String> managed = new ArrayList<>();
    List<ObjectNode> inl = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    switch (p.name()) {
      case "dave" -> groups.add("developers");
      case "deploy-bot" -> {
        groups.add("deployers");
        // Deploys also pass the Beanstalk roles.
        inl.add(inline("deploy-bot-passrole", stmt(List.of("iam:PassRole"), "arn:aws:iam::" + p.accountId()
            + ":role/aws-elasticbeanstalk-*")));
      }
      case "legacy-admin" -> groups.add("admins");
      case "intern" -> {
        // Far more than a script that reads a few things needs.
        managed.add(AWS_POLICY + "AmazonS3ReadOnlyAccess");
        managed.add(AWS_POLICY + "AWSElasticBeanstalkReadOnly");
        inl.add(inline("intern-sandbox", stmt(List.of("dynamodb:*", "lambda:*", "sqs:*", "sns:*",
            "ec2:RunInstances", "ec2:TerminateInstances", "rds:*"), "*")));
      }
      default -> groups.add("developers");
    }
    ArrayNode pl = u.putArray("UserPolicyList");
    inl.forEach(pl::add);
    ArrayNode gl = u.putArray("GroupList");
    groups.forEach(gl::add);
    attach(u, managed);
    ArrayNode tags = u.putArray("Tags");
    tags.addObject().put("Key", "team").put("Value", p.name().equals("intern") ? "interns" : "platform");
    return u;
  }

  private static ObjectNode role(Principal p, String created) {
    String acct = p.accountId();
    List<String> managed = new ArrayList<>();
    List<ObjectNode> inl = new ArrayList<>();
    List<ObjectNode> profiles = new ArrayList<>();
    ObjectNode trust = accountTrust(acct);
    switch (p.kind()) {
      case SSO_ADMIN -> {
        managed.add(ADMIN);
        trust = samlTrust(acct);
      }
      case SSO_READONLY -> {
        managed.add(AWS_POLICY + "AWSElasticBeanstalkReadOnly");
        managed.add(AWS_POLICY + "AmazonS3ReadOnlyAccess");
        inl.add(inline("AwsSSOInlinePolicy", stmt(List.of("ec2:Describe*", "cloudwatch:Describe*",
            "cloudwatch:GetMetricData", "logs:Describe*", "logs:GetLogEvents", "cloudtrail:LookupEvents",
            "iam:Get*", "iam:List*"), "*")));
        trust = samlTrust(acct);
      }
      case CI_ROLE -> {
        // The over-grant the demo is meant to find: admin-like CI, PassRole on *.
        inl.add(inline("github-deploy", stmt(List.of("*"), "*")));
        inl.add(inline("github-passrole", stmt(List.of("iam:PassRole"), "*")));
        trust = oidcTrust(acct);
      }
      case TERRAFORM_ROLE -> {
        inl.add(inline("terraform-infra", stmt(List.of("elasticbeanstalk:*", "ec2:*", "autoscaling:*",
            "elasticloadbalancing:*", "cloudformation:*", "s3:*", "rds:*", "iam:Get*", "iam:List*",
            "iam:PassRole", "iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy",
            "dynamodb:*", "logs:*", "cloudwatch:*", "sns:*"), "*")));
        trust = oidcTrust(acct);
      }
      case LAMBDA_ROLE -> {
        inl.add(inline("orders-processor", stmt(List.of("dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem", "dynamodb:Query", "sqs:ReceiveMessage", "sqs:DeleteMessage",
            "sqs:GetQueueAttributes", "sqs:SendMessage", "logs:CreateLogGroup", "logs:CreateLogStream",
            "logs:PutLogEvents", "s3:GetObject", "s3:PutObject", "kms:Decrypt"), "*")));
        trust = serviceTrust("lambda.amazonaws.com");
      }
      case EB_SERVICE_ROLE -> {
        managed.add(AWS_POLICY + "service-role/AWSElasticBeanstalkEnhancedHealth");
        managed.add(AWS_POLICY + "AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy");
        trust = serviceTrust("elasticbeanstalk.amazonaws.com");
      }
      case EB_INSTANCE_ROLE -> {
        managed.add(AWS_POLICY + "AWSElasticBeanstalkWebTier");
        managed.add(AWS_POLICY + "AWSElasticBeanstalkWorkerTier");
        managed.add(AWS_POLICY + "AWSElasticBeanstalkMulticontainerDocker");
        managed.add(AWS_POLICY + "CloudWatchAgentServerPolicy");
        trust = ec2Trust();
        profiles.add(profile(acct, p.name(), new SplittableRandom(Mix.of(p.principalId().hashCode(), 7L)), created));
      }
      case AUTOSCALING_SLR -> {
        inl.clear();
        managed.add(AWS_POLICY + "aws-service-role/AutoScalingServiceRolePolicy");
        trust = serviceTrust("autoscaling.amazonaws.com");
      }
      default -> { }
    }
    return role(acct, p.name(), p.rolePath(), p.principalId(), created, trust, managed, inl, profiles);
  }

  private static ObjectNode role(String acct, String name, String path, String id, String created, ObjectNode trust,
      List<String> managed, List<ObjectNode> inl, List<ObjectNode> profiles) {
    ObjectNode r = JSON.createObjectNode();
    r.put("Path", "/" + path).put("RoleName", name).put("RoleId", id)
        .put("Arn", "arn:aws:iam::" + acct + ":role/" + path + name).put("CreateDate", created);
    r.set("AssumeRolePolicyDocument", trust);
    ArrayNode ips = r.putArray("InstanceProfileList");
    profiles.forEach(ips::add);
    ArrayNode pl = r.putArray("RolePolicyList");
    inl.forEach(pl::add);
    attach(r, managed);
    r.putArray("Tags");
    r.putObject("RoleLastUsed");
    return r;
  }

  private static ObjectNode profile(String acct, String name, SplittableRandom rng, String created) {
    ObjectNode ip = JSON.createObjectNode();
    ip.put("Path", "/").put("InstanceProfileName", name).put("InstanceProfileId", "AIPA" + Ids.upper(rng, 17))
        .put("Arn", "arn:aws:iam::" + acct + ":instance-profile/" + name).put("CreateDate", created);
    ip.putArray("Roles"); // the export lists the role here too; the enclosing role is enough
    return ip;
  }

  private static ObjectNode group(String acct, String name, String created, SplittableRandom rng, List<String> managed,
      ObjectNode inl) {
    ObjectNode g = JSON.createObjectNode();
    g.put("Path", "/").put("GroupName", name).put("GroupId", "AGPA" + Ids.upper(rng, 17))
        .put("Arn", "arn:aws:iam::" + acct + ":group/" + name).put("CreateDate", created);
    ArrayNode pl = g.putArray("GroupPolicyList");
    if (inl != null) pl.add(inl);
    attach(g, managed);
    return g;
  }

  private static void attach(ObjectNode holder, List<String> managed) {
    ArrayNode am = holder.putArray("AttachedManagedPolicies");
    for (String arn : managed) {
      am.addObject().put("PolicyName", arn.substring(arn.lastIndexOf('/') + 1)).put("PolicyArn", arn);
    }
  }

  private static ObjectNode inline(String name, ObjectNode statement) {
    ObjectNode p = JSON.createObjectNode();
    p.put("PolicyName", name);
    p.set("PolicyDocument", doc(statement));
    return p;
  }

  private static ObjectNode doc(ObjectNode... statements) {
    ObjectNode d = JSON.createObjectNode();
    d.put("Version", "2012-10-17");
    ArrayNode s = d.putArray("Statement");
    for (ObjectNode st : statements) s.add(st);
    return d;
  }

  private static ObjectNode stmt(List<String> actions, String resource) {
    ObjectNode s = JSON.createObjectNode();
    s.put("Effect", "Allow");
    if (actions.size() == 1) s.put("Action", actions.get(0));
    else actions.forEach(s.putArray("Action")::add);
    s.put("Resource", resource);
    return s;
  }

  private static ObjectNode trust(ObjectNode principal, String action, ObjectNode condition) {
    ObjectNode s = JSON.createObjectNode();
    s.put("Effect", "Allow");
    s.set("Principal", principal);
    s.put("Action", action);
    if (condition != null) s.set("Condition", condition);
    return doc(s);
  }

  private static ObjectNode serviceTrust(String service) {
    return trust(JSON.createObjectNode().put("Service", service), "sts:AssumeRole", null);
  }

  private static ObjectNode ec2Trust() {
    return serviceTrust("ec2.amazonaws.com");
  }

  private static ObjectNode accountTrust(String acct) {
    return trust(JSON.createObjectNode().put("AWS", "arn:aws:iam::" + acct + ":root"), "sts:AssumeRole", null);
  }

  private static ObjectNode samlTrust(String acct) {
    ObjectNode c = JSON.createObjectNode();
    c.putObject("StringEquals").put("SAML:aud", "https://signin.aws.amazon.com/saml");
    return trust(JSON.createObjectNode().put("Federated", "arn:aws:iam::" + acct
        + ":saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"), "sts:AssumeRoleWithSAML", c);
  }

  private static ObjectNode oidcTrust(String acct) {
    ObjectNode c = JSON.createObjectNode();
    c.putObject("StringLike").put("token.actions.githubusercontent.com:sub", "repo:example/*");
    return trust(JSON.createObjectNode().put("Federated", "arn:aws:iam::" + acct
        + ":oidc-provider/token.actions.githubusercontent.com"), "sts:AssumeRoleWithWebIdentity", c);
  }

  /** The kinds whose principals appear in the export (root and AWS services do not). */
  static boolean exported(Kind k) {
    return k != Kind.ROOT && k != Kind.AWS_SERVICE;
  }
}
