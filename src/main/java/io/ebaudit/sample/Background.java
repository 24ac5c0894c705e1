package io.ebaudit.sample;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ebaudit.sample.World.Account;
import io.ebaudit.sample.World.Env;
import io.ebaudit.sample.World.Kind;
import io.ebaudit.sample.World.Principal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The everyday management-event noise around the Beanstalk story: many services, many callers. */
final class Background {

  /** What one event needs to fill itself in. */
  static final class Ctx {
    Rec rec;
    SplittableRandom r;
    Account account;
    Env env;
    String instanceId;
  }

  @FunctionalInterface
  interface Filler {
    void fill(Ctx c);
  }

  record Op(String prefix, String name, boolean readOnly, double weight, boolean global,
      Kind[] who, Filler fill) {}

  private static final Kind[] PEOPLE = {
    Kind.SSO_ADMIN, Kind.SSO_READONLY, Kind.IAM_USER_CONSOLE, Kind.IAM_USER_CLI
  };
  private static final Kind[] READERS = {
    Kind.SSO_ADMIN, Kind.SSO_READONLY, Kind.IAM_USER_CONSOLE, Kind.IAM_USER_CLI, Kind.CI_ROLE,
    Kind.TERRAFORM_ROLE
  };
  private static final Kind[] WRITERS = {
    Kind.SSO_ADMIN, Kind.IAM_USER_CONSOLE, Kind.CI_ROLE, Kind.TERRAFORM_ROLE, Kind.IAM_USER_NO_MFA
  };
  private static final Kind[] AUTOMATION = {Kind.CI_ROLE, Kind.TERRAFORM_ROLE};
  private static final Kind[] INSTANCE = {Kind.EB_INSTANCE_ROLE};
  private static final Kind[] EB_SERVICE = {Kind.EB_SERVICE_ROLE};
  private static final Kind[] ASG = {Kind.AUTOSCALING_SLR};
  private static final Kind[] SERVICE = {Kind.AWS_SERVICE};
  private static final Kind[] LAMBDA = {Kind.LAMBDA_ROLE};

  private static final String[] INVOKERS = {
    "lambda.amazonaws.com", "ec2.amazonaws.com", "config.amazonaws.com",
    "elasticbeanstalk.amazonaws.com", "autoscaling.amazonaws.com", "ssm.amazonaws.com"
  };

  static final List<Op> OPS = new ArrayList<>();

  static {
    // ec2
    op("ec2", "DescribeInstances", true, 8, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      emptyObj(g, "instancesSet");
      emptyObj(g, "filterSet");
      g.writeEndObject();
    });
    op("ec2", "DescribeSecurityGroups", true, 4, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      emptyObj(g, "securityGroupSet");
      emptyObj(g, "securityGroupIdSet");
      emptyObj(g, "filterSet");
      g.writeEndObject();
    });
    op("ec2", "DescribeVpcs", true, 2, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      emptyObj(g, "vpcSet");
      emptyObj(g, "filterSet");
      g.writeEndObject();
    });
    op("ec2", "DescribeTags", true, 6, INSTANCE, c -> {
      String id = c.instanceId;
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("filterSet");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("name", "resource-id");
        g.writeObjectFieldStart("valueSet");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("value", id);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
      };
    });
    op("ec2", "RunInstances", false, 0.3, ASG, c -> {
      String inst = "i-0" + Ids.hex(c.r, 16);
      String lt = "lt-0" + Ids.hex(c.r, 16);
      String subnet = "subnet-0" + Ids.hex(c.r, 16);
      String rid = "r-0" + Ids.hex(c.r, 16);
      String acct = c.account.id();
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("instancesSet");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeNumberField("minCount", 1);
        g.writeNumberField("maxCount", 1);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeObjectFieldStart("launchTemplate");
        g.writeStringField("launchTemplateId", lt);
        g.writeStringField("version", "1");
        g.writeEndObject();
        g.writeStringField("subnetId", subnet);
        g.writeBooleanField("disableApiStop", false);
        g.writeEndObject();
      };
      c.rec.response = g -> {
        g.writeStartObject();
        g.writeStringField("requestId", c.rec.requestId);
        g.writeStringField("reservationId", rid);
        g.writeStringField("ownerId", acct);
        g.writeStringField("requesterId", "940372691376");
        g.writeObjectFieldStart("instancesSet");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("instanceId", inst);
        g.writeStringField("imageId", "ami-0" + Ids.hex(new SplittableRandom(inst.hashCode()), 16));
        g.writeObjectFieldStart("instanceState");
        g.writeNumberField("code", 0);
        g.writeStringField("name", "pending");
        g.writeEndObject();
        g.writeStringField("instanceType", "t3.small");
        g.writeStringField("subnetId", subnet);
        g.writeObjectFieldStart("metadataOptions");
        g.writeStringField("state", "pending");
        g.writeStringField("httpTokens", "required");
        g.writeNumberField("httpPutResponseHopLimit", 2);
        g.writeStringField("httpEndpoint", "enabled");
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
      };
    });
    op("ec2", "TerminateInstances", false, 0.2, ASG, c -> {
      String inst = "i-0" + Ids.hex(c.r, 16);
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("instancesSet");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("instanceId", inst);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
      };
    });
    op("ec2", "CreateTags", false, 0.5, ASG, c -> {
      String inst = c.instanceId;
      String envName = c.env == null ? "web" : c.env.name();
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("resourcesSet");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("resourceId", inst);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeObjectFieldStart("tagSet");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("key", "elasticbeanstalk:environment-name");
        g.writeStringField("value", envName);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
      };
      c.rec.response = g -> {
        g.writeStartObject();
        g.writeStringField("requestId", c.rec.requestId);
        g.writeBooleanField("_return", true);
        g.writeEndObject();
      };
    });
    op("ec2", "AuthorizeSecurityGroupIngress", false, 0.1, WRITERS, c -> {
      String sg = "sg-0" + Ids.hex(c.r, 16);
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("groupId", sg);
        g.writeObjectFieldStart("ipPermissions");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("ipProtocol", "tcp");
        g.writeNumberField("fromPort", 443);
        g.writeNumberField("toPort", 443);
        g.writeObjectFieldStart("ipRanges");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("cidrIp", "10.0.0.0/16");
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
      };
    });
    // s3 (bucket-level management events only)
    op("s3", "ListBuckets", true, 3, READERS, c -> {
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("Host", "s3.amazonaws.com");
        g.writeEndObject();
      };
      c.rec.additional = s3Extra(c.r);
    });
    s3Bucket("GetBucketLocation", 3, INSTANCE);
    s3Bucket("GetBucketPolicy", 1, READERS);
    s3Bucket("GetBucketEncryption", 1, READERS);
    s3Bucket("GetBucketAcl", 1, READERS);
    s3Bucket("PutBucketPolicy", 0.05, WRITERS);
    // iam, sts: global, us-east-1 only
    global("iam", "GetRole", true, 2, READERS, c -> {
      String role = c.r.nextBoolean() ? "aws-elasticbeanstalk-ec2-role"
          : "aws-elasticbeanstalk-service-role";
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("roleName", role);
        g.writeEndObject();
      };
    });
    global("iam", "ListRoles", true, 1, READERS, c -> c.rec.request = Background::emptyBody);
    global("iam", "GetUser", true, 0.5, PEOPLE, c -> c.rec.request = Background::emptyBody);
    global("iam", "ListAttachedRolePolicies", true, 1, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      g.writeStringField("roleName", "aws-elasticbeanstalk-ec2-role");
      g.writeEndObject();
    });
    global("iam", "ListInstanceProfiles", true, 0.5, READERS,
        c -> c.rec.request = Background::emptyBody);
    global("iam", "GetAccountAuthorizationDetails", true, 0.05, AUTOMATION,
        c -> c.rec.request = Background::emptyBody);
    global("iam", "AttachRolePolicy", false, 0.03, WRITERS, c -> {
      String acct = c.account.id();
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("roleName", "aws-elasticbeanstalk-ec2-role");
        g.writeStringField("policyArn", "arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier");
        g.writeEndObject();
      };
    });
    global("iam", "CreateAccessKey", false, 0.02, WRITERS, c -> {
      String user = "deploy-bot";
      String key = "AKIA" + Ids.upper(c.r, 16);
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("userName", user);
        g.writeEndObject();
      };
      c.rec.response = g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("accessKey");
        g.writeStringField("userName", user);
        g.writeStringField("accessKeyId", key);
        g.writeStringField("status", "Active");
        g.writeStringField("createDate", Ids.stsDate(c.rec.time));
        g.writeEndObject();
        g.writeEndObject();
      };
    });
    global("sts", "AssumeRole", false, 10, SERVICE, c -> {
      String invoker = INVOKERS[c.r.nextInt(INVOKERS.length)];
      String roleName = switch (invoker) {
        case "elasticbeanstalk.amazonaws.com" -> "aws-elasticbeanstalk-service-role";
        case "ec2.amazonaws.com" -> "aws-elasticbeanstalk-ec2-role";
        case "lambda.amazonaws.com" -> "orders-processor-role";
        case "autoscaling.amazonaws.com" -> "AWSServiceRoleForAutoScaling";
        case "ssm.amazonaws.com" -> "AmazonSSMRoleForInstancesQuickSetup";
        default -> "aws-config-role";
      };
      String session = invoker.startsWith("ec2") ? "i-0" + Ids.hex(c.r, 16)
          : invoker.startsWith("lambda") ? "orders-processor" : "AWS-" + Ids.lowerAlnum(c.r, 8);
      String arn = "arn:aws:iam::" + c.account.id() + ":role/" + roleName;
      String key = "ASIA" + Ids.upper(c.r, 16);
      String roleId = "AROA" + Ids.upper(c.r, 17);
      c.rec.invokedBy = invoker;
      c.rec.ip = invoker;
      c.rec.userAgent = invoker;
      c.rec.readOnly = true;
      c.rec.sharedEventId = Ids.uuid(c.r);
      c.rec.resourceArn = arn;
      c.rec.resourceType = "AWS::IAM::Role";
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("roleArn", arn);
        g.writeStringField("roleSessionName", session);
        g.writeEndObject();
      };
      c.rec.response = g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("credentials");
        g.writeStringField("accessKeyId", key);
        g.writeStringField("sessionToken", "IQoJb3JpZ2luX2VjEXAMPLEsessionTokenNotReal");
        g.writeStringField("expiration", Ids.stsDate(c.rec.time + 3600));
        g.writeEndObject();
        g.writeObjectFieldStart("assumedRoleUser");
        g.writeStringField("assumedRoleId", roleId + ":" + session);
        g.writeStringField("arn", "arn:aws:sts::" + c.rec.recipient + ":assumed-role/" + roleName
            + "/" + session);
        g.writeEndObject();
        g.writeEndObject();
      };
    });
    global("sts", "GetCallerIdentity", true, 3, READERS,
        c -> c.rec.request = null);
    // kms
    op("kms", "Decrypt", true, 4, LAMBDA, c -> {
      String key = kmsKey(c);
      c.rec.resourceArn = key;
      c.rec.resourceType = "AWS::KMS::Key";
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
        g.writeObjectFieldStart("encryptionContext");
        g.writeStringField("aws:lambda:FunctionArn", "arn:aws:lambda:" + c.rec.region + ":"
            + c.rec.recipient + ":function:orders-processor");
        g.writeEndObject();
        g.writeEndObject();
      };
    });
    op("kms", "GenerateDataKey", true, 2, INSTANCE, c -> {
      c.rec.resourceArn = kmsKey(c);
      c.rec.resourceType = "AWS::KMS::Key";
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("keyId", "alias/aws/s3");
        g.writeStringField("keySpec", "AES_256");
        g.writeEndObject();
      };
    });
    op("kms", "DescribeKey", true, 1, READERS, c -> {
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("keyId", "alias/aws/ebs");
        g.writeEndObject();
      };
    });
    op("kms", "ListAliases", true, 0.5, READERS, c -> c.rec.request = null);
    op("kms", "RotateKey", false, 0.3, SERVICE, c -> {
      c.rec.eventType = "AwsServiceEvent";
      c.rec.invokedBy = "kms.amazonaws.com";
      c.rec.ip = "kms.amazonaws.com";
      c.rec.userAgent = "kms.amazonaws.com";
      c.rec.resourceArn = kmsKey(c);
      c.rec.resourceType = "AWS::KMS::Key";
    });
    // lambda (dated API names)
    op("lambda", "ListFunctions20150331", true, 1, READERS, c -> c.rec.request = null);
    op("lambda", "GetFunction20150331v2", true, 1, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      g.writeStringField("functionName", "orders-processor");
      g.writeEndObject();
    });
    op("lambda", "UpdateFunctionCode20150331v2", false, 0.2, AUTOMATION, c -> {
      String arn = "arn:aws:lambda:" + c.rec.region + ":" + c.account.id()
          + ":function:orders-processor";
      String sha = Ids.alnum(c.r, 43) + "=";
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("functionName", "orders-processor");
        g.writeBooleanField("publish", false);
        g.writeBooleanField("dryRun", false);
        g.writeEndObject();
      };
      c.rec.response = g -> {
        g.writeStartObject();
        g.writeStringField("functionName", "orders-processor");
        g.writeStringField("functionArn", arn);
        g.writeStringField("runtime", "java17");
        g.writeStringField("codeSha256", sha);
        g.writeStringField("version", "$LATEST");
        g.writeEndObject();
      };
    });
    op("lambda", "UpdateFunctionConfiguration20150331v2", false, 0.1, AUTOMATION,
        c -> c.rec.request = g -> {
          g.writeStartObject();
          g.writeStringField("functionName", "orders-processor");
          g.writeNumberField("timeout", 30);
          g.writeNumberField("memorySize", 512);
          g.writeEndObject();
        });
    // cloudformation
    op("cloudformation", "DescribeStacks", true, 3, READERS, c -> {
      String stack = c.env == null ? null : c.env.stackName();
      c.rec.request = stack == null ? null : g -> {
        g.writeStartObject();
        g.writeStringField("stackName", stack);
        g.writeEndObject();
      };
    });
    op("cloudformation", "DescribeStackEvents", true, 1.5, READERS, c -> {
      String stack = c.env == null ? "network-baseline" : c.env.stackName();
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("stackName", stack);
        g.writeEndObject();
      };
    });
    op("cloudformation", "DescribeStackResource", true, 4, INSTANCE, c -> {
      String stack = c.env == null ? "awseb-e-0000000000-stack" : c.env.stackName();
      c.rec.userAgent = "CloudFormation Tools";
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("stackName", stack);
        g.writeStringField("logicalResourceId", "AWSEBAutoScalingGroup");
        g.writeEndObject();
      };
    });
    op("cloudformation", "ListStacks", true, 0.5, READERS, c -> c.rec.request = null);
    // autoscaling
    op("autoscaling", "DescribeAutoScalingGroups", true, 3, new Kind[] {
      Kind.EB_SERVICE_ROLE, Kind.SSO_ADMIN, Kind.SSO_READONLY, Kind.TERRAFORM_ROLE
    }, c -> {
      String asg = c.env == null ? null : c.env.asgName();
      c.rec.request = asg == null ? null : g -> {
        g.writeStartObject();
        g.writeArrayFieldStart("autoScalingGroupNames");
        g.writeString(asg);
        g.writeEndArray();
        g.writeEndObject();
      };
    });
    op("autoscaling", "DescribeScalingActivities", true, 1, READERS, c -> c.rec.request = null);
    // elasticloadbalancing
    op("elasticloadbalancing", "DescribeLoadBalancers", true, 2, READERS,
        c -> c.rec.request = null);
    op("elasticloadbalancing", "DescribeTargetHealth", true, 3, EB_SERVICE, c -> {
      String tg = "arn:aws:elasticloadbalancing:" + c.rec.region + ":" + c.account.id()
          + ":targetgroup/awseb-AWSEB-" + Ids.upper(c.r, 12) + "/" + Ids.hex(c.r, 16);
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("targetGroupArn", tg);
        g.writeEndObject();
      };
    });
    op("elasticloadbalancing", "DescribeTargetGroups", true, 1, READERS,
        c -> c.rec.request = null);
    // logs
    op("logs", "DescribeLogGroups", true, 2, READERS, c -> c.rec.request = null);
    op("logs", "CreateLogStream", false, 1.5, INSTANCE, c -> {
      String env = c.env == null ? "web-dev" : c.env.name();
      String inst = c.instanceId;
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("logGroupName", "/aws/elasticbeanstalk/" + env + "/var/log/web.stdout.log");
        g.writeStringField("logStreamName", inst);
        g.writeEndObject();
      };
    });
    op("logs", "DescribeLogStreams", true, 1, INSTANCE, c -> {
      String env = c.env == null ? "web-dev" : c.env.name();
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("logGroupName", "/aws/elasticbeanstalk/" + env + "/var/log/eb-engine.log");
        g.writeEndObject();
      };
    });
    // monitoring (CloudWatch)
    op("monitoring", "PutMetricData", false, 5, INSTANCE, c -> c.rec.request = g -> {
      g.writeStartObject();
      g.writeStringField("namespace", "CWAgent");
      g.writeEndObject();
    });
    op("monitoring", "DescribeAlarms", true, 2, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      g.writeNumberField("maxRecords", 100);
      g.writeEndObject();
    });
    op("monitoring", "GetMetricStatistics", true, 1, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      g.writeStringField("namespace", "AWS/ElasticBeanstalk");
      g.writeStringField("metricName", "EnvironmentHealth");
      g.writeNumberField("period", 300);
      g.writeEndObject();
    });
    op("monitoring", "PutMetricAlarm", false, 0.1, new Kind[] {
      Kind.EB_SERVICE_ROLE, Kind.TERRAFORM_ROLE
    }, c -> {
      String name = "awseb-" + (c.env == null ? "e-0000000000" : c.env.id())
          + "-stack-AWSEBCloudwatchAlarmHigh-" + Ids.upper(c.r, 12);
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("alarmName", name);
        g.writeStringField("metricName", "NetworkOut");
        g.writeStringField("namespace", "AWS/EC2");
        g.writeNumberField("threshold", 6000000.0);
        g.writeStringField("comparisonOperator", "GreaterThanThreshold");
        g.writeEndObject();
      };
    });
    // ssm
    op("ssm", "UpdateInstanceInformation", false, 6, INSTANCE, c -> {
      String inst = c.instanceId;
      c.rec.userAgent = "aws-sdk-go/1.44.260 (go1.20.12; linux; amd64) amazon-ssm-agent/3.2.1798.0";
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("instanceId", inst);
        g.writeStringField("agentVersion", "3.2.1798.0");
        g.writeStringField("agentStatus", "Active");
        g.writeStringField("platformType", "Linux");
        g.writeStringField("platformName", "Amazon Linux");
        g.writeStringField("platformVersion", "2023");
        g.writeEndObject();
      };
    });
    op("ssm", "GetParameters", true, 2, new Kind[] {Kind.LAMBDA_ROLE, Kind.CI_ROLE}, c -> {
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeArrayFieldStart("names");
        g.writeString("/orders/db/url");
        g.writeString("/orders/feature-flags");
        g.writeEndArray();
        g.writeBooleanField("withDecryption", true);
        g.writeEndObject();
      };
    });
    op("ssm", "GetParameter", true, 2, new Kind[] {Kind.LAMBDA_ROLE, Kind.EB_INSTANCE_ROLE},
        c -> c.rec.request = g -> {
          g.writeStartObject();
          g.writeStringField("name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
          g.writeEndObject();
        });
    op("ssm", "DescribeInstanceInformation", true, 0.5, READERS, c -> c.rec.request = null);
    // rds
    op("rds", "DescribeDBInstances", true, 1.5, READERS, c -> c.rec.request = null);
    op("rds", "DescribeDBSnapshots", true, 0.3, READERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      g.writeStringField("dBInstanceIdentifier", "shop-db");
      g.writeEndObject();
    });
    op("rds", "ModifyDBInstance", false, 0.02, WRITERS, c -> c.rec.request = g -> {
      g.writeStartObject();
      g.writeStringField("dBInstanceIdentifier", "shop-db");
      g.writeNumberField("backupRetentionPeriod", 7);
      g.writeBooleanField("applyImmediately", false);
      g.writeEndObject();
    });
    // signin
    global("signin", "ConsoleLogin", false, 0.6, new Kind[] {
      Kind.SSO_ADMIN, Kind.IAM_USER_CONSOLE, Kind.SSO_READONLY
    }, Background::consoleLogin);
    // elasticbeanstalk read-only calls
    ebRead("DescribeEnvironments", 4, true);
    ebRead("DescribeEvents", 3, true);
    ebRead("DescribeEnvironmentHealth", 2, true);
    ebRead("DescribeInstancesHealth", 1, true);
    ebRead("DescribeApplications", 1, false);
    ebRead("DescribeApplicationVersions", 1, false);
    ebRead("DescribeConfigurationSettings", 1, true);
    ebRead("DescribeEnvironmentResources", 1, true);
    ebRead("DescribeEnvironmentManagedActions", 0.5, true);
    ebRead("ListPlatformVersions", 0.3, false);
    ebRead("DescribeConfigurationOptions", 0.3, true);
  }

  private static void op(String prefix, String name, boolean ro, double w, Kind[] who, Filler f) {
    OPS.add(new Op(prefix, name, ro, w, false, who, f));
  }

  private static void global(String prefix, String name, boolean ro, double w, Kind[] who,
      Filler f) {
    OPS.add(new Op(prefix, name, ro, w, true, who, f));
  }

  private static void s3Bucket(String name, double w, Kind[] who) {
    op("s3", name, name.startsWith("Get"), w, who, c -> {
      String bucket = switch (c.r.nextInt(4)) {
        case 0 -> "elasticbeanstalk-" + c.rec.region + "-" + c.account.id();
        case 1 -> "shop-assets-" + c.account.id();
        case 2 -> "terraform-state-" + c.account.id();
        default -> "cf-templates-" + Ids.lowerAlnum(new SplittableRandom(c.account.id().hashCode()),
            12) + "-" + c.rec.region;
      };
      String host = bucket + ".s3." + c.rec.region + ".amazonaws.com";
      c.rec.tlsHost = c.rec.tlsHost == null ? null : host;
      c.rec.resourceArn = "arn:aws:s3:::" + bucket;
      c.rec.resourceType = "AWS::S3::Bucket";
      c.rec.additional = s3Extra(c.r);
      String sub = name.substring(3).replace("Bucket", "").toLowerCase();
      c.rec.request = g -> {
        g.writeStartObject();
        g.writeStringField("bucketName", bucket);
        g.writeStringField("Host", host);
        g.writeStringField(sub.isEmpty() ? "location" : sub, "");
        g.writeEndObject();
      };
    });
  }

  private static void ebRead(String name, double w, boolean needsEnv) {
    op("elasticbeanstalk", name, true, w, new Kind[] {
      Kind.SSO_ADMIN, Kind.SSO_READONLY, Kind.IAM_USER_CONSOLE, Kind.IAM_USER_CLI, Kind.CI_ROLE,
      Kind.EB_SERVICE_ROLE
    }, c -> {
      Env e = c.env;
      if (e == null) {
        c.rec.request = null;
        return;
      }
      c.rec.request = g -> {
        g.writeStartObject();
        if (name.equals("DescribeEnvironments")) {
          g.writeStringField("applicationName", e.application());
          g.writeBooleanField("includeDeleted", false);
        } else if (name.equals("DescribeEnvironmentHealth")) {
          g.writeStringField("environmentName", e.name());
          g.writeArrayFieldStart("attributeNames");
          g.writeString("All");
          g.writeEndArray();
        } else if (needsEnv) {
          g.writeStringField("applicationName", e.application());
          g.writeStringField("environmentName", e.name());
        } else if (!name.equals("ListPlatformVersions")) {
          g.writeStringField("applicationName", e.application());
        }
        g.writeEndObject();
      };
    });
  }

  private static void consoleLogin(Ctx c) {
    Rec rec = c.rec;
    Principal p = rec.principal;
    rec.eventType = "AwsConsoleSignIn";
    rec.tlsHost = "signin.aws.amazon.com";
    rec.userAgent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36"
        + " (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    rec.console = false;
    rec.request = null;
    rec.readOnly = false;
    boolean fail = c.r.nextInt(12) == 0;
    if (fail) {
      rec.errorMessage = "Failed authentication";
    }
    boolean sso = p.kind() != Kind.IAM_USER_CONSOLE;
    rec.response = g -> {
      g.writeStartObject();
      g.writeStringField("ConsoleLogin", fail ? "Failure" : "Success");
      g.writeEndObject();
    };
    rec.additional = g -> {
      g.writeStartObject();
      g.writeStringField("LoginTo", "https://console.aws.amazon.com/console/home?state=hashArgs%23"
          + "&isauthcode=true");
      g.writeStringField("MobileVersion", "No");
      g.writeStringField("MFAIdentifier", sso ? null
          : "arn:aws:iam::" + rec.recipient + ":mfa/" + p.name());
      g.writeStringField("MFAUsed", sso || !p.mfa() ? "No" : "Yes");
      g.writeEndObject();
    };
  }

  private static String kmsKey(Ctx c) {
    SplittableRandom k = new SplittableRandom(Mix.of(c.account.id().hashCode(), c.rec.region.hashCode()));
    return "arn:aws:kms:" + c.rec.region + ":" + c.account.id() + ":key/" + Ids.uuid(k);
  }

  private static Rec.Body s3Extra(SplittableRandom r) {
    String id2 = Ids.alnum(r, 56);
    return g -> {
      g.writeStartObject();
      g.writeStringField("SignatureVersion", "SigV4");
      g.writeStringField("CipherSuite", "TLS_AES_128_GCM_SHA256");
      g.writeNumberField("bytesTransferredIn", 0);
      g.writeStringField("AuthenticationMethod", "AuthHeader");
      g.writeStringField("x-amz-id-2", id2);
      g.writeNumberField("bytesTransferredOut", 0);
      g.writeEndObject();
    };
  }

  private static void emptyObj(JsonGenerator g, String field) throws IOException {
    g.writeObjectFieldStart(field);
    g.writeEndObject();
  }

  private static void emptyBody(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeEndObject();
  }

  private static final double[] CUM_ALL;
  private static final double[] CUM_REGIONAL;

  static {
    CUM_ALL = new double[OPS.size()];
    CUM_REGIONAL = new double[OPS.size()];
    double all = 0;
    double regional = 0;
    for (int i = 0; i < OPS.size(); i++) {
      Op op = OPS.get(i);
      all += op.weight();
      regional += op.global() ? 0 : op.weight();
      CUM_ALL[i] = all;
      CUM_REGIONAL[i] = regional;
    }
  }

  /** Fills {@code rec} with one everyday event of {@code account} in {@code region} at {@code time}. */
  static void fill(Rec rec, Ctx c, World world, int account, String region, long time) {
    SplittableRandom r = c.r;
    double[] cum = region.equals("us-east-1") ? CUM_ALL : CUM_REGIONAL;
    double x = r.nextDouble() * cum[cum.length - 1];
    int i = 0;
    while (cum[i] <= x) {
      i++;
    }
    Op op = OPS.get(i);
    Account acct = world.accounts.get(account);
    Principal p = pick(acct, op.who(), r);
    List<Env> envs = world.envsIn(account, region);
    Env env = envs.isEmpty() ? null : envs.get(r.nextInt(envs.size()));
    String instance = env != null
        ? env.instanceIds().get(r.nextInt(env.instanceIds().size()))
        : "i-0" + Ids.hex(new SplittableRandom(Mix.of(account, region.hashCode(), r.nextInt(4))),
            16);
    rec.reset();
    rec.time = time;
    rec.region = region;
    rec.source = op.prefix() + ".amazonaws.com";
    rec.name = op.name();
    rec.readOnly = op.readOnly();
    rec.as(p, r, instance, op.prefix());
    rec.requestId = Ids.uuid(r);
    rec.eventId = Ids.uuid(r);
    c.rec = rec;
    c.account = acct;
    c.env = env;
    c.instanceId = instance;
    op.fill().fill(c);
    if (p.kind() != Kind.AWS_SERVICE && p.kind() != Kind.EB_SERVICE_ROLE
        && p.kind() != Kind.AUTOSCALING_SLR && rec.errorMessage == null && r.nextInt(100) < 4) {
      fail(rec, op.prefix(), r.nextInt(10));
    }
  }

  /** Turns {@code rec} into a failed call; {@code kind} 0-4 denied, 5-7 throttled, 8-9 invalid. */
  static void fail(Rec rec, String prefix, int kind) {
    String action = (prefix.equals("monitoring") ? "cloudwatch" : prefix) + ":"
        + rec.name.replaceAll("20\\d{6}(v\\d)?$", "");
    boolean ec2 = prefix.equals("ec2");
    boolean exc = prefix.equals("lambda") || prefix.equals("kms") || prefix.equals("logs")
        || prefix.equals("ssm");
    if (kind < 5) {
      rec.errorCode = ec2 ? "Client.UnauthorizedOperation"
          : exc ? "AccessDeniedException" : "AccessDenied";
      rec.errorMessage = ec2 ? "You are not authorized to perform this operation."
          : "User: " + identityArn(rec) + " is not authorized to perform: " + action
              + " because no identity-based policy allows the " + action + " action";
    } else if (kind < 8) {
      rec.errorCode = ec2 ? "Client.RequestLimitExceeded"
          : exc || prefix.equals("monitoring") ? "ThrottlingException" : "Throttling";
      rec.errorMessage = "Rate exceeded";
    } else {
      rec.errorCode = ec2 ? "Client.InvalidParameterValue"
          : prefix.equals("lambda") ? "InvalidParameterValueException"
          : exc ? "ValidationException" : "InvalidParameterValue";
      rec.errorMessage = "Invalid value for parameter in request";
    }
  }

  static String identityArn(Rec rec) {
    Principal p = rec.principal;
    return switch (p.type()) {
      case "Root" -> "arn:aws:iam::" + p.accountId() + ":root";
      case "IAMUser" -> p.userArn();
      default -> "arn:aws:sts::" + p.accountId() + ":assumed-role/" + p.name() + "/" + rec.session;
    };
  }

  static Principal pick(Account acct, Kind[] who, SplittableRandom r) {
    double total = 0;
    for (Principal p : acct.principals()) {
      if (in(p.kind(), who)) {
        total += p.weight();
      }
    }
    double x = r.nextDouble() * total;
    Principal last = null;
    for (Principal p : acct.principals()) {
      if (in(p.kind(), who)) {
        last = p;
        x -= p.weight();
        if (x < 0) {
          return p;
        }
      }
    }
    return last;
  }

  private static boolean in(Kind k, Kind[] ks) {
    for (Kind x : ks) {
      if (x == k) {
        return true;
      }
    }
    return false;
  }
}
