package io.ebaudit.sample;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ebaudit.sample.World.Account;
import io.ebaudit.sample.World.Client;
import io.ebaudit.sample.World.Env;
import io.ebaudit.sample.World.Kind;
import io.ebaudit.sample.World.Principal;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The scripted Beanstalk story: risky and routine configuration changes, spread over the window,
 * that the risk rules downstream are meant to find. Every value that looks like a secret is fake.
 */
final class Scenarios {

  /** One pre-rendered record, placed into the log file of its account, region and period. */
  record Scripted(int account, String region, long time, String eventId, String json) {}

  static final String EB = "elasticbeanstalk";
  static final String LC = "aws:autoscaling:launchconfiguration";
  static final String ENV_NS = "aws:elasticbeanstalk:environment";
  static final String MANAGED = "aws:elasticbeanstalk:managedactions";
  static final String PLATFORM_UPDATE = "aws:elasticbeanstalk:managedactions:platformupdate";
  static final String HEALTH = "aws:elasticbeanstalk:healthreporting:system";
  static final String LOGS = "aws:elasticbeanstalk:cloudwatch:logs";
  static final String LISTENER_443 = "aws:elbv2:listener:443";
  static final String PROPS = "aws:elasticbeanstalk:application:environment";
  static final String PLATFORM_BRANCH = "Python 3.11 running on 64bit Amazon Linux 2023";
  static final String PLATFORM_NEW = "4.1.0";
  static final String PLATFORM_OLD = "4.0.3";
  /** Known to conf/reference/platforms.json as retired branches (Amazon Linux AMI, retired 2022-06-30). */
  static final String RETIRED_DOCKER_BRANCH = "Multi-container Docker running on 64bit Amazon Linux";
  static final String RETIRED_DOCKER_STACK = "64bit Amazon Linux 2016.03 v2.1.6 running Multi-container Docker 1.11.2 (Generic)";
  static final String RETIRED_JAVA_BRANCH = "Java 8 running on 64bit Amazon Linux";
  static final String RETIRED_JAVA_STACK = "64bit Amazon Linux 2017.03 v2.5.0 running Java 8";
  /** Deprecated in the sample's platform export ({@link PlatformSample}), not in the reference catalog. */
  static final String DEPRECATED_NODE_BRANCH = "Node.js 16 running on 64bit Amazon Linux 2";
  static final String DEPRECATED_NODE_VERSION = "5.8.0";

  private final SampleSpec spec;
  private final World world;
  private final SplittableRandom r;
  private final JsonFactory json;
  private final long start;
  private final long end;
  private final List<Scripted> out = new ArrayList<>();
  private final Rec rec = new Rec();

  Scenarios(SampleSpec spec, World world, JsonFactory json) {
    this.spec = spec;
    this.world = world;
    this.json = json;
    this.r = new SplittableRandom(Mix.of(spec.seed(), 0x5ce7a7105L));
    this.start = spec.from().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    this.end = start + spec.days() * 86400L;
  }

  List<Scripted> build() {
    story(world.accounts.get(0));
    for (int a = 1; a < world.accounts.size() && a < 3; a++) {
      routine(a);
    }
    launches();
    out.sort(java.util.Comparator.comparingLong(Scripted::time).thenComparing(Scripted::eventId));
    return List.copyOf(out);
  }

  private void story(Account acct) {
    Env shopProd = acct.envs().get(0);
    Env shopStaging = acct.envs().get(1);
    Env apiProd = acct.envs().get(2);
    Env payments = acct.envs().get(3);
    Principal alice = acct.named("alice@example.com");
    Principal bob = acct.named("bob@example.com");
    Principal legacy = acct.named("legacy-admin");
    Principal deployBot = acct.named("deploy-bot");
    Principal terraform = acct.first(Kind.TERRAFORM_ROLE);
    Principal ci = acct.first(Kind.CI_ROLE);
    Principal dave = acct.named("dave");
    Principal intern = acct.named("intern");
    Principal root = acct.first(Kind.ROOT);
    String id = acct.id();

    createEnvironment(at(0.0, 9, 30), alice, shopStaging, false, "staging");
    // An old Terraform module: a stack the reference catalog knows as retired (Amazon Linux AMI) and outdated.
    createEnvironment(at(0.0, 10, 5), terraform, apiProd, true, "production", RETIRED_DOCKER_STACK,
        "arn:aws:elasticbeanstalk:" + apiProd.region() + "::platform/" + RETIRED_DOCKER_BRANCH + "/2.1.6");
    call(at(0.0, 11, 0), deployBot, shopStaging.region(), "CreateConfigurationTemplate",
        m("applicationName", "shop", "templateName", "shop-baseline",
            "platformArn", platform(shopStaging.region(), PLATFORM_NEW),
            "optionSettings", List.of(opt(LC, "DisableIMDSv1", "true"),
                opt(LOGS, "StreamLogs", "true"), opt(LOGS, "RetentionInDays", "30"),
                opt(HEALTH, "SystemType", "enhanced"))),
        m("applicationName", "shop", "templateName", "shop-baseline",
            "platformArn", platform(shopStaging.region(), PLATFORM_NEW),
            "dateCreated", Ids.stsDate(at(0.0, 11, 0))));
    update(at(0.15, 14, 20), legacy, shopProd, List.of(opt(LC, "DisableIMDSv1", "false")), null);
    update(at(0.15, 15, 2), alice, shopProd,
        List.of(opt(MANAGED, "ManagedActionsEnabled", "false")), null);
    update(at(0.2, 16, 10), terraform, apiProd,
        List.of(opt(PLATFORM_UPDATE, "UpdateLevel", "patch")), null);
    update(at(0.3, 10, 30), bob, shopStaging, List.of(opt(HEALTH, "SystemType", "basic")), null);
    update(at(0.3, 11, 45), alice, shopProd, List.of(opt(LOGS, "StreamLogs", "false")), null);
    update(at(0.3, 11, 50), alice, shopStaging, List.of(opt(LOGS, "RetentionInDays", "1")), null);
    call(at(0.3, 13, 0), deployBot, shopStaging.region(), "UpdateConfigurationTemplate",
        m("applicationName", "shop", "templateName", "shop-baseline",
            "optionSettings", List.of(opt(LC, "EC2KeyName", "deploy-key")),
            "optionsToRemove", List.of(rm(LOGS, "StreamLogs"), rm(LC, "DisableIMDSv1"))),
        null);
    call(at(0.32, 9, 5), bob, shopStaging.region(), "RestartAppServer",
        m("environmentName", shopStaging.name()), null);
    update(at(0.45, 9, 40), bob, apiProd,
        List.of(opt(LC, "IamInstanceProfile", "eb-admin-instance-profile")), null);
    update(at(0.45, 10, 15), alice, shopProd, List.of(opt(ENV_NS, "ServiceRole",
        "arn:aws:iam::" + id + ":role/eb-custom-service-role")), null);
    call(at(0.45, 10, 20), alice, shopProd.region(), "AssociateEnvironmentOperationsRole",
        m("environmentName", shopProd.name(),
            "operationsRole", "arn:aws:iam::" + id + ":role/eb-operations-role"), null);
    update(at(0.45, 15, 30), legacy, shopStaging,
        List.of(opt(LC, "SSHSourceRestriction", "tcp,22,22,0.0.0.0/0"),
            opt(LC, "EC2KeyName", "legacy-admin-key")), null);
    update(at(0.5, 16, 0), terraform, apiProd,
        List.of(opt(LC, "SecurityGroups", "sg-0" + Ids.hex(r, 16) + ",sg-0" + Ids.hex(r, 16)),
            opt("aws:ec2:vpc", "AssociatePublicIpAddress", "true")), null);
    burstOfDenied(at(0.5, 22, 10), intern, shopProd);
    update(at(0.6, 11, 0), bob, apiProd, List.of(opt(LISTENER_443, "ListenerEnabled", "false")),
        null);
    update(at(0.6, 11, 30), bob, shopProd,
        List.of(opt(LISTENER_443, "SSLPolicy", "ELBSecurityPolicy-TLS-1-0-2015-04")), null);
    Map<String, Object> removeHttps = m("applicationName", shopStaging.application(),
        "environmentName", shopStaging.name(),
        "optionsToRemove", List.of(rm(LISTENER_443, "ListenerEnabled"),
            rm(LISTENER_443, "Protocol"), rm(LISTENER_443, "SSLCertificateArns")));
    call(at(0.6, 12, 0), legacy, shopStaging.region(), "UpdateEnvironment", removeHttps, null);
    // What `eb setenv` sends; the values are AWS's documented example keys and made-up tokens.
    update(at(0.6, 14, 0), deployBot, shopProd, List.of(
        opt(PROPS, "DB_PASSWORD", "Sup3rS3cret-sample-only"),
        opt(PROPS, "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        opt(PROPS, "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        opt(PROPS, "SESSION_JWT", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlYmF1ZGl0LXNh"
            + "bXBsZSIsIm5hbWUiOiJGYWtlIFRva2VuIn0.ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw"),
        opt(PROPS, "LOG_LEVEL", "info")), null);
    update(at(0.62, 13, 13), dave, shopProd, List.of(opt("aws:autoscaling:asg", "MaxSize", "20")),
        UNUSUAL);
    call(at(0.7, 10, 0), alice, payments.region(), "TerminateEnvironment",
        m("environmentName", payments.name(), "terminateResources", true),
        m("environmentName", payments.name(), "environmentId", payments.id(),
            "applicationName", payments.application(), "status", "Terminating",
            "environmentArn", payments.arn(id)));
    followUps(at(0.7, 10, 0) + 20, acct, payments, "DeleteStack");
    call(at(0.72, 16, 0), ci, shopProd.region(), "SwapEnvironmentCNAMEs",
        m("sourceEnvironmentName", shopStaging.name(), "destinationEnvironmentName",
            shopProd.name()), null);
    Map<String, Object> downgrade = m("applicationName", shopStaging.application(),
        "environmentName", shopStaging.name(),
        "platformArn", platform(shopStaging.region(), PLATFORM_OLD));
    call(at(0.75, 17, 0), bob, shopStaging.region(), "UpdateEnvironment", downgrade, null);
    call(at(0.78, 10, 40), alice, apiProd.region(), "RebuildEnvironment",
        m("environmentName", apiProd.name()), null);
    call(at(0.8, 9, 0), alice, shopStaging.region(), "UpdateTagsForResource",
        m("resourceArn", shopStaging.arn(id),
            "tagsToAdd", List.of(m("key", "owner", "value", "shop-team"))), null);
    long rootTime = at(0.85, 19, 40);
    consoleLogin(rootTime - 300, root, shopProd.region());
    update(rootTime, root, apiProd,
        List.of(opt(LC, "InstanceType", "t3.2xlarge")), null);
    update(sundayAt3(), bob, shopProd, List.of(opt(LC, "InstanceType", "c5.4xlarge")), null);
    deploys(acct, ci, List.of(shopProd, shopStaging, apiProd), 2);
  }

  private void routine(int a) {
    Account acct = world.accounts.get(a);
    Principal ci = acct.first(Kind.CI_ROLE);
    Principal admin = acct.named("alice@example.com");
    Env first = acct.envs().get(0);
    if (a == 1) {
      // Cloned from an old environment: a retired Java 8 on Amazon Linux AMI platform.
      createEnvironment(at(0.1, 10, 0), admin, acct.envs().get(1), true, "development", RETIRED_JAVA_STACK,
          "arn:aws:elasticbeanstalk:" + acct.envs().get(1).region() + "::platform/" + RETIRED_JAVA_BRANCH + "/2.5.0");
      update(at(0.4, 15, 0), admin, first,
          List.of(opt(MANAGED, "ManagedActionsEnabled", "false")), null);
    } else if (a == 2) {
      // Recreated from an old saved configuration: a branch the sample's platform export calls deprecated.
      createEnvironment(at(0.05, 9, 0), admin, first, true, "development",
          "64bit Amazon Linux 2 v" + DEPRECATED_NODE_VERSION + " running Node.js 16",
          "arn:aws:elasticbeanstalk:" + first.region() + "::platform/" + DEPRECATED_NODE_BRANCH + "/"
              + DEPRECATED_NODE_VERSION);
    }
    deploys(acct, ci, acct.envs(), 1);
  }

  /** Application deploys on weekdays: CreateApplicationVersion then UpdateEnvironment versionLabel. */
  private void deploys(Account acct, Principal ci, List<Env> envs, int perDay) {
    for (int d = 0; d < spec.days(); d++) {
      LocalDate day = spec.from().plusDays(d);
      if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
        continue;
      }
      for (Env e : envs) {
        if (e.name().equals("payments-prod")) {
          continue;
        }
        for (int k = 0; k < perDay; k++) {
          long t = start + d * 86400L + (10 + 5L * k) * 3600 + r.nextInt(3600);
          String label = "v" + (d + 1) + "." + k + "-" + Ids.hex(r, 7);
          String bucket = "elasticbeanstalk-" + e.region() + "-" + acct.id();
          call(t, ci, e.region(), "CreateApplicationVersion",
              m("applicationName", e.application(), "versionLabel", label,
                  "sourceBundle", m("s3Bucket", bucket, "s3Key", e.application() + "/" + label
                      + ".zip"), "autoCreateApplication", false, "process", true),
              m("applicationVersion", m("applicationName", e.application(),
                  "versionLabel", label, "status", "PROCESSING")));
          call(t + 40 + r.nextInt(60), ci, e.region(), "UpdateEnvironment",
              m("applicationName", e.application(), "environmentName", e.name(),
                  "versionLabel", label), null);
        }
      }
    }
  }

  private void burstOfDenied(long t, Principal who, Env target) {
    String[] ops = {"UpdateEnvironment", "TerminateEnvironment", "DescribeConfigurationSettings",
        "CreateEnvironment", "RebuildEnvironment", "SwapEnvironmentCNAMEs", "DeleteApplication"};
    for (int i = 0; i < 30; i++) {
      String op = ops[r.nextInt(ops.length)];
      Map<String, Object> params = op.equals("DeleteApplication")
          ? m("applicationName", target.application())
          : m("applicationName", target.application(), "environmentName", target.name());
      Rec x = base(t + i * 5L + r.nextInt(5), who, target.region(), op, params, null);
      String action = "elasticbeanstalk:" + op;
      x.errorCode = "AccessDenied";
      x.errorMessage = "User: " + Background.identityArn(x) + " is not authorized to perform: "
          + action + " on resource: " + target.arn(who.accountId())
          + " because no identity-based policy allows the " + action + " action";
      x.readOnly = op.startsWith("Describe");
      emit(x, accountIndex(who));
    }
  }

  private void createEnvironment(long t, Principal who, Env e, boolean imdsOff, String stage) {
    createEnvironment(t, who, e, imdsOff, stage, "64bit Amazon Linux 2023 v" + PLATFORM_NEW + " running Python 3.11",
        platform(e.region(), PLATFORM_NEW));
  }

  private void createEnvironment(long t, Principal who, Env e, boolean imdsOff, String stage, String stackName,
      String platformArn) {
    List<Object> opts = new ArrayList<>(List.of(
        optR(LC, "IamInstanceProfile", "aws-elasticbeanstalk-ec2-role",
            "AWSEBAutoScalingLaunchConfiguration"),
        opt(LC, "InstanceType", "t3.small"),
        opt(ENV_NS, "EnvironmentType", "LoadBalanced"),
        opt(ENV_NS, "LoadBalancerType", "application"),
        opt(ENV_NS, "ServiceRole", "aws-elasticbeanstalk-service-role"),
        opt(MANAGED, "ManagedActionsEnabled", "true"),
        opt(MANAGED, "PreferredStartTime", "Sun:02:00"),
        opt(PLATFORM_UPDATE, "UpdateLevel", "minor"),
        opt(HEALTH, "SystemType", "enhanced"),
        opt(LOGS, "StreamLogs", "true"),
        opt(LOGS, "RetentionInDays", "30")));
    if (imdsOff) {
      opts.add(opt(LC, "DisableIMDSv1", "true"));
    }
    boolean byStack = who.kind() == Kind.TERRAFORM_ROLE;
    Map<String, Object> req = m("applicationName", e.application(), "environmentName", e.name(),
        "cNAMEPrefix", e.name() + "-" + who.accountId().substring(8),
        "tier", m("name", "WebServer", "type", "Standard", "version", "1.0"),
        "tags", List.of(m("key", "env", "value", stage), m("key", "app", "value",
            e.application())),
        byStack ? "solutionStackName" : "platformArn",
        byStack ? stackName : platformArn,
        "optionSettings", opts);
    Map<String, Object> resp = m("environmentName", e.name(), "environmentId", e.id(),
        "applicationName", e.application(),
        "solutionStackName", stackName,
        "platformArn", platformArn,
        "dateCreated", Ids.stsDate(t), "dateUpdated", Ids.stsDate(t), "status", "Launching",
        "abortableOperationInProgress", false, "health", "Grey",
        "tier", m("name", "WebServer", "type", "Standard", "version", "1.0"),
        "environmentArn", e.arn(who.accountId()));
    call(t, who, e.region(), "CreateEnvironment", req, resp);
    followUps(t + 15, world.accounts.get(accountIndex(who)), e, "CreateStack");
  }

  private static final String UNUSUAL = "unusual";

  /**
   * Each environment's instances, launched by its Auto Scaling group on the second day (the first when the
   * window is one day) and tagged by Beanstalk ({@code elasticbeanstalk:environment-name/-id},
   * {@code aws:autoscaling:groupName}): RunInstances under the Beanstalk service role. Draws from its own
   * RNG, so the other scripted events keep their bytes.
   */
  private void launches() {
    SplittableRandom lr = new SplittableRandom(Mix.of(spec.seed(), 0x1a0c4L));
    long day = start + Math.min(spec.days() - 1, 1) * 86400L;
    for (int a = 0; a < world.accounts.size(); a++) {
      Account acct = world.accounts.get(a);
      Principal svc = acct.first(Kind.EB_SERVICE_ROLE);
      if (svc == null) {
        continue;
      }
      for (Env e : acct.envs()) {
        long t = day + 12 * 3600L + lr.nextInt(4 * 3600);
        List<Object> tags = List.of(m("key", "elasticbeanstalk:environment-name", "value", e.name()),
            m("key", "elasticbeanstalk:environment-id", "value", e.id()),
            m("key", "aws:autoscaling:groupName", "value", e.asgName()),
            m("key", "Name", "value", e.name()));
        String ami = "ami-0" + Ids.hex(lr, 16);
        List<Object> items = new ArrayList<>();
        for (String id : e.instanceIds()) {
          items.add(m("instanceId", id, "imageId", ami, "instanceState", m("code", 0, "name", "pending"),
              "privateIpAddress", "10.0." + lr.nextInt(256) + "." + lr.nextInt(1, 255), "instanceType", "t3.small",
              "tagSet", m("items", tags)));
        }
        int n = e.instanceIds().size();
        Map<String, Object> req = m("instancesSet", m("items", List.of(m("imageId", ami, "minCount", n, "maxCount", n))),
            "instanceType", "t3.small", "tagSpecificationSet", m("items", List.of(m("resourceType", "instance", "tags", tags))));
        Map<String, Object> resp = m("requestId", Ids.uuid(lr), "reservationId", "r-0" + Ids.hex(lr, 16),
            "ownerId", acct.id(), "instancesSet", m("items", items));
        Rec x = rec;
        x.reset();
        x.time = t;
        x.region = e.region();
        x.source = "ec2.amazonaws.com";
        x.name = "RunInstances";
        x.readOnly = false;
        x.as(svc, lr, null, "ec2");
        x.requestId = Ids.uuid(lr);
        x.eventId = Ids.uuid(lr);
        x.request = g -> Rec.writeAny(g, req);
        x.response = g -> Rec.writeAny(g, resp);
        x.userAgent = "autoscaling.amazonaws.com";
        x.ip = "autoscaling.amazonaws.com";
        x.invokedBy = "autoscaling.amazonaws.com";
        x.tlsHost = null;
        emit(x, a);
      }
    }
  }

  private void update(long t, Principal who, Env e, List<Object> options, String ipHint) {
    Map<String, Object> req = m("applicationName", e.application(), "environmentName", e.name(),
        "optionSettings", options);
    Rec x = base(t, who, e.region(), "UpdateEnvironment", req,
        r.nextInt(3) == 0 ? m("environmentName", e.name(), "environmentId", e.id(),
            "applicationName", e.application(), "status", "Updating",
            "environmentArn", e.arn(who.accountId())) : null);
    if (UNUSUAL.equals(ipHint)) {
      x.ip = World.UNUSUAL_IP;
      x.userAgent = x.userAgent(Client.BOTO3, r, EB);
      x.console = false;
    }
    emit(x, accountIndex(who));
    followUps(t + 10 + r.nextInt(20), world.accounts.get(accountIndex(who)), e, "UpdateStack");
  }

  /** What Beanstalk itself does after a change, with its service role. */
  private void followUps(long t, Account acct, Env e, String stackOp) {
    Principal svc = acct.first(Kind.EB_SERVICE_ROLE);
    Map<String, Object> stack = stackOp.equals("DeleteStack")
        ? m("stackName", e.stackName())
        : m("stackName", e.stackName(), "templateURL", "https://elasticbeanstalk-" + e.region()
            + "-" + acct.id() + ".s3." + e.region() + ".amazonaws.com/" + e.application() + "/"
            + e.id() + "/template.json", "capabilities", List.of("CAPABILITY_IAM"),
            "tags", List.of(m("key", "elasticbeanstalk:environment-id", "value", e.id()),
                m("key", "elasticbeanstalk:environment-name", "value", e.name())));
    Rec x = base(t, svc, e.region(), stackOp, stack, stackOp.equals("DeleteStack") ? null
        : m("stackId", "arn:aws:cloudformation:" + e.region() + ":" + acct.id() + ":stack/"
            + e.stackName() + "/" + Ids.uuid(r)));
    x.source = "cloudformation.amazonaws.com";
    x.tlsHost = null;
    emit(x, accountIndex(svc));
    if (!stackOp.equals("DeleteStack")) {
      Rec y = base(t + 30 + r.nextInt(60), svc, e.region(),
          stackOp.equals("CreateStack") ? "CreateAutoScalingGroup" : "UpdateAutoScalingGroup",
          m("autoScalingGroupName", e.asgName(), "minSize", 1, "maxSize", 4), null);
      y.source = "autoscaling.amazonaws.com";
      y.userAgent = "cloudformation.amazonaws.com";
      y.ip = "cloudformation.amazonaws.com";
      y.invokedBy = "cloudformation.amazonaws.com";
      y.tlsHost = null;
      emit(y, accountIndex(svc));
    }
  }

  private void consoleLogin(long t, Principal who, String region) {
    Rec x = base(t, who, "us-east-1", "ConsoleLogin", null,
        m("ConsoleLogin", "Success"));
    x.source = "signin.amazonaws.com";
    x.eventType = "AwsConsoleSignIn";
    x.readOnly = false;
    x.console = false;
    x.tlsHost = "signin.aws.amazon.com";
    x.userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
        + " Gecko) Chrome/120.0.0.0 Safari/537.36";
    x.additional = g -> Rec.writeAny(g, m("LoginTo", "https://console.aws.amazon.com/console/home",
        "MobileVersion", "No", "MFAUsed", "No"));
    if (world.regions.contains("us-east-1")) {
      emit(x, accountIndex(who));
    }
  }

  private void call(long t, Principal who, String region, String op, Map<String, Object> req,
      Map<String, Object> resp) {
    emit(base(t, who, region, op, req, resp), accountIndex(who));
  }

  private Rec base(long t, Principal who, String region, String op, Map<String, Object> req,
      Map<String, Object> resp) {
    Rec x = rec;
    x.reset();
    x.time = t;
    x.region = region;
    x.source = "elasticbeanstalk.amazonaws.com";
    x.name = op;
    x.readOnly = op.startsWith("Describe") || op.startsWith("List");
    x.as(who, r, null, EB);
    x.requestId = Ids.uuid(r);
    x.eventId = Ids.uuid(r);
    x.request = req == null ? null : g -> Rec.writeAny(g, req);
    x.response = resp == null ? null : g -> Rec.writeAny(g, resp);
    if (who.kind() == Kind.ROOT) {
      x.userAgent = "AWS Internal";
      x.console = true;
    }
    return x;
  }

  private void emit(Rec x, int account) {
    if (x.time < start || x.time >= end) {
      return;
    }
    StringWriter w = new StringWriter(2048);
    try (JsonGenerator g = json.createGenerator(w)) {
      x.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.add(new Scripted(account, x.region, x.time, x.eventId, w.toString()));
  }

  private int accountIndex(Principal p) {
    for (int i = 0; i < world.accounts.size(); i++) {
      if (world.accounts.get(i).id().equals(p.accountId())) {
        return i;
      }
    }
    throw new IllegalStateException(p.accountId());
  }

  /** A time on the day at {@code fraction} of the window, with a few minutes of jitter. */
  private long at(double fraction, int hour, int minute) {
    int day = Math.min(spec.days() - 1, (int) Math.floor(fraction * spec.days()));
    return start + day * 86400L + hour * 3600L + minute * 60L + r.nextInt(50);
  }

  private long sundayAt3() {
    for (int d = 0; d < spec.days(); d++) {
      if (spec.from().plusDays(d).getDayOfWeek() == DayOfWeek.SUNDAY) {
        return start + d * 86400L + 3 * 3600L + 4 * 60L + r.nextInt(50);
      }
    }
    return start + 3 * 3600L + 4 * 60L;
  }

  static String platform(String region, String version) {
    return "arn:aws:elasticbeanstalk:" + region + "::platform/" + PLATFORM_BRANCH + "/" + version;
  }

  static Map<String, Object> m(Object... kv) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      map.put((String) kv[i], kv[i + 1]);
    }
    return map;
  }

  static Map<String, Object> opt(String ns, String name, String value) {
    return m("namespace", ns, "optionName", name, "value", value);
  }

  static Map<String, Object> optR(String ns, String name, String value, String resource) {
    return m("resourceName", resource, "namespace", ns, "optionName", name, "value", value);
  }

  static Map<String, Object> rm(String ns, String name) {
    return m("namespace", ns, "optionName", name);
  }
}
