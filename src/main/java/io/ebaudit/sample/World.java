package io.ebaudit.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The accounts, principals and Beanstalk environments a sample trail is about. */
final class World {

  enum Kind {
    SSO_ADMIN,
    SSO_READONLY,
    IAM_USER_CONSOLE,
    IAM_USER_CLI,
    IAM_USER_NO_MFA,
    ROOT,
    CI_ROLE,
    TERRAFORM_ROLE,
    LAMBDA_ROLE,
    EB_SERVICE_ROLE,
    EB_INSTANCE_ROLE,
    AUTOSCALING_SLR,
    AWS_SERVICE
  }

  enum Client {
    CONSOLE,
    CLI,
    SDK_JAVA,
    BOTO3,
    EBCLI,
    TERRAFORM,
    GITHUB,
    CFN_TOOLS,
    SERVICE
  }

  /** One identity that calls AWS. Sessions of instance-profile roles vary per event. */
  record Principal(
      Kind kind,
      String type,
      String accountId,
      String name,
      String rolePath,
      String session,
      String principalId,
      String longTermKey,
      boolean mfa,
      String invokedBy,
      Client client,
      List<String> ips,
      double weight) {

    String roleArn() {
      return "arn:aws:iam::" + accountId + ":role/" + rolePath + name;
    }

    String userArn() {
      return "arn:aws:iam::" + accountId + ":user/" + name;
    }

    boolean human() {
      return switch (kind) {
        case SSO_ADMIN, SSO_READONLY, IAM_USER_CONSOLE, IAM_USER_CLI, IAM_USER_NO_MFA, ROOT -> true;
        default -> false;
      };
    }
  }

  record Env(
      int account,
      String region,
      String application,
      String name,
      String id,
      String stage,
      List<String> instanceIds) {

    String arn(String accountId) {
      return "arn:aws:elasticbeanstalk:" + region + ":" + accountId + ":environment/" + application
          + "/" + name;
    }

    String stackName() {
      return "awseb-" + id + "-stack";
    }

    String asgName() {
      return "awseb-" + id + "-stack-AWSEBAutoScalingGroup-" + id.substring(2).toUpperCase();
    }
  }

  record Account(String id, List<Principal> principals, List<Env> envs, String ssoAdminRole) {

    Principal first(Kind kind) {
      for (Principal p : principals) {
        if (p.kind() == kind) {
          return p;
        }
      }
      throw new IllegalStateException("no principal " + kind);
    }

    Principal named(String name) {
      for (Principal p : principals) {
        if (p.name().equals(name) || name.equals(p.session())) {
          return p;
        }
      }
      throw new IllegalStateException("no principal " + name);
    }
  }

  static final String OFFICE_IPS = "203.0.113.";
  static final String UNUSUAL_IP = "198.51.100.77";

  final List<Account> accounts = new ArrayList<>();
  final List<String> regions;

  World(SampleSpec spec) {
    this.regions = spec.regions();
    SplittableRandom rng = new SplittableRandom(Mix.of(spec.seed(), 0x5eedL));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int a = 0; a < spec.accounts(); a++) {
      String id;
      do {
        id = String.format("%012d", rng.nextLong(100_000_000_000L, 1_000_000_000_000L));
      } while (!seen.add(id));
      accounts.add(buildAccount(a, id, rng));
    }
  }

  private Account buildAccount(int index, String acct, SplittableRandom rng) {
    List<Principal> ps = new ArrayList<>();
    List<String> office = List.of(OFFICE_IPS + (10 + index), OFFICE_IPS + (40 + index),
        "192.0.2." + (20 + index));
    List<String> ci = List.of("20.51.120." + (2 + index), "4.175.114." + (51 + index),
        "52.178.9." + (200 + index));
    String ssoHex = Ids.hex(rng, 16);
    String roHex = Ids.hex(rng, 16);
    String ssoPath = "aws-reserved/sso.amazonaws.com/";
    ps.add(role(Kind.SSO_ADMIN, acct, "AWSReservedSSO_AdministratorAccess_" + ssoHex, ssoPath,
        "alice@example.com", Client.CONSOLE, office, 3.0, rng));
    ps.add(role(Kind.SSO_ADMIN, acct, "AWSReservedSSO_AdministratorAccess_" + ssoHex, ssoPath,
        "bob@example.com", Client.CLI, office, 2.0, rng));
    ps.add(role(Kind.SSO_READONLY, acct, "AWSReservedSSO_ReadOnlyAccess_" + roHex, ssoPath,
        "carol@example.com", Client.CONSOLE, office, 2.0, rng));
    ps.add(user(Kind.IAM_USER_CONSOLE, acct, "dave", true, Client.CONSOLE, office, 1.0, rng));
    ps.add(user(Kind.IAM_USER_CLI, acct, "deploy-bot", false, Client.EBCLI, ci, 1.0, rng));
    ps.add(user(Kind.IAM_USER_NO_MFA, acct, "legacy-admin", false, Client.CLI,
        List.of("192.0.2.200"), 0.4, rng));
    ps.add(user(Kind.IAM_USER_NO_MFA, acct, "intern", false, Client.BOTO3,
        List.of(OFFICE_IPS + "99"), 0.2, rng));
    ps.add(new Principal(Kind.ROOT, "Root", acct, "root", "", null, acct, null, false, null,
        Client.CONSOLE, office, 0.02));
    ps.add(role(Kind.CI_ROLE, acct, "github-actions-deploy", "", "GitHubActions", Client.GITHUB,
        ci, 2.5, rng));
    ps.add(role(Kind.TERRAFORM_ROLE, acct, "terraform-apply", "", "terraform", Client.TERRAFORM,
        ci, 1.5, rng));
    ps.add(role(Kind.LAMBDA_ROLE, acct, "orders-processor-role", "service-role/",
        "orders-processor", Client.SDK_JAVA, List.of("3.248.1." + (10 + index)), 1.5, rng));
    Principal eb = role(Kind.EB_SERVICE_ROLE, acct, "aws-elasticbeanstalk-service-role", "",
        "AWSElasticBeanstalk", Client.SERVICE, List.of("elasticbeanstalk.amazonaws.com"), 3.0,
        rng);
    ps.add(withInvokedBy(eb, "elasticbeanstalk.amazonaws.com"));
    ps.add(role(Kind.EB_INSTANCE_ROLE, acct, "aws-elasticbeanstalk-ec2-role", "", null,
        Client.BOTO3, List.of("54.155.7." + (30 + index), "34.244.81." + (12 + index)), 6.0, rng));
    Principal asg = role(Kind.AUTOSCALING_SLR, acct, "AWSServiceRoleForAutoScaling",
        "aws-service-role/autoscaling.amazonaws.com/", "AutoScaling", Client.SERVICE,
        List.of("autoscaling.amazonaws.com"), 1.0, rng);
    ps.add(withInvokedBy(asg, "autoscaling.amazonaws.com"));
    ps.add(new Principal(Kind.AWS_SERVICE, "AWSService", acct, "service", "", null, null, null,
        false, null, Client.SERVICE, List.of(), 4.0));

    List<Env> envs = new ArrayList<>();
    String r0 = regions.get(0);
    String r1 = regions.get(regions.size() > 1 ? 1 : 0);
    if (index == 0) {
      envs.add(env(index, r0, "shop", "shop-prod", "production", rng));
      envs.add(env(index, r0, "shop", "shop-staging", "staging", rng));
      envs.add(env(index, r1, "api", "api-prod", "production", rng));
      envs.add(env(index, r0, "payments", "payments-prod", "production", rng));
    } else if (index == 1) {
      envs.add(env(index, r0, "reports", "reports-prod", "production", rng));
      envs.add(env(index, r1, "reports", "reports-dev", "development", rng));
    } else {
      envs.add(env(index, regions.get(index % regions.size()), "web", "web-dev", "development",
          rng));
    }
    return new Account(acct, List.copyOf(ps), List.copyOf(envs),
        "AWSReservedSSO_AdministratorAccess_" + ssoHex);
  }

  private static Principal withInvokedBy(Principal p, String by) {
    return new Principal(p.kind(), p.type(), p.accountId(), p.name(), p.rolePath(), p.session(),
        p.principalId(), p.longTermKey(), p.mfa(), by, p.client(), p.ips(), p.weight());
  }

  private static Principal role(Kind kind, String acct, String name, String path, String session,
      Client client, List<String> ips, double weight, SplittableRandom rng) {
    return new Principal(kind, "AssumedRole", acct, name, path, session,
        "AROA" + Ids.upper(rng, 17), null, false, null, client, ips, weight);
  }

  private static Principal user(Kind kind, String acct, String name, boolean mfa, Client client,
      List<String> ips, double weight, SplittableRandom rng) {
    return new Principal(kind, "IAMUser", acct, name, "", null, "AIDA" + Ids.upper(rng, 17),
        "AKIA" + Ids.upper(rng, 16), mfa, null, client, ips, weight);
  }

  private static Env env(int account, String region, String app, String name, String stage,
      SplittableRandom rng) {
    List<String> instances = new ArrayList<>();
    int n = 2 + rng.nextInt(3);
    for (int i = 0; i < n; i++) {
      instances.add("i-0" + Ids.hex(rng, 16));
    }
    return new Env(account, region, app, name, "e-" + Ids.lowerAlnum(rng, 10), stage,
        List.copyOf(instances));
  }

  List<Env> envsIn(int account, String region) {
    List<Env> out = new ArrayList<>();
    for (Env e : accounts.get(account).envs()) {
      if (e.region().equals(region)) {
        out.add(e);
      }
    }
    return out;
  }
}
