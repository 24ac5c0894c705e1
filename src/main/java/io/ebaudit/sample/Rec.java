package io.ebaudit.sample;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ebaudit.sample.World.Client;
import io.ebaudit.sample.World.Kind;
import io.ebaudit.sample.World.Principal;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * One CloudTrail record being written, in the field order real trails use. Reused per thread:
 * {@link #reset} before each event.
 */
final class Rec {

  /** Writes a free-form member ({@code requestParameters}, ...) as a JSON value. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static final String[] UA_CLI_OS = {
    "Linux/6.1.61-85.141.amzn2023.x86_64 exe/x86_64.amzn.2023",
    "Darwin/23.2.0 exe/x86_64",
    "Linux/5.15.0-1051-azure exe/x86_64.ubuntu.22"
  };

  String eventVersion;
  Principal principal;
  String session;
  String accessKeyId;
  long sessionCreated;
  long time;
  String source;
  String name;
  String region;
  String ip;
  String userAgent;
  String errorCode;
  String errorMessage;
  Body request;
  Body response;
  Body additional;
  String requestId;
  String eventId;
  Boolean readOnly;
  String resourceArn;
  String resourceType;
  String resourceArn2;
  String resourceType2;
  String eventType;
  String recipient;
  String sharedEventId;
  String tlsHost;
  boolean console;
  String invokedBy;
  String addendumReason;
  String addendumFields;
  String addendumRequestId;
  String addendumEventId;
  String ec2RoleDelivery;

  void reset() {
    eventVersion = "1.08";
    principal = null;
    session = null;
    accessKeyId = null;
    sessionCreated = 0;
    time = 0;
    source = null;
    name = null;
    region = null;
    ip = null;
    userAgent = null;
    errorCode = null;
    errorMessage = null;
    request = null;
    response = null;
    additional = null;
    requestId = null;
    eventId = null;
    readOnly = null;
    resourceArn = null;
    resourceType = null;
    resourceArn2 = null;
    resourceType2 = null;
    eventType = "AwsApiCall";
    recipient = null;
    sharedEventId = null;
    tlsHost = null;
    console = false;
    invokedBy = null;
    addendumReason = null;
    addendumFields = null;
    addendumRequestId = null;
    addendumEventId = null;
    ec2RoleDelivery = null;
  }

  /**
   * Fills the fields that follow from the principal: session, keys, client, IP, user agent, TLS.
   * {@code ec2InstanceId} names the session of instance-profile credentials.
   */
  void as(Principal p, SplittableRandom r, String ec2InstanceId, String hostPrefix) {
    principal = p;
    recipient = p.accountId();
    eventVersion = r.nextInt(10) < 5 ? "1.08" : r.nextInt(10) < 7 ? "1.09" : "1.10";
    session = p.kind() == Kind.EB_INSTANCE_ROLE ? ec2InstanceId : p.session();
    if (p.kind() == Kind.EB_INSTANCE_ROLE) {
      // IMDSv1 credentials show as "1.0": what DisableIMDSv1=false leaves possible.
      ec2RoleDelivery = r.nextInt(8) == 0 ? "1.0" : "2.0";
    }
    if (p.kind() == Kind.AWS_SERVICE) {
      return;
    }
    boolean longTerm = p.kind() == Kind.IAM_USER_CLI;
    accessKeyId = longTerm ? p.longTermKey() : "ASIA" + Ids.upper(r, 16);
    sessionCreated = time - 60L * r.nextInt(1, 600);
    invokedBy = p.invokedBy();
    Client c = p.client();
    if (p.kind() == Kind.SSO_ADMIN && r.nextInt(4) == 0) {
      c = c == Client.CONSOLE ? Client.CLI : Client.CONSOLE;
    }
    console = c == Client.CONSOLE;
    ip = p.ips().isEmpty() ? "AWS Internal" : p.ips().get(r.nextInt(p.ips().size()));
    userAgent = userAgent(c, r, hostPrefix);
    if (c != Client.SERVICE) {
      tlsHost = host(hostPrefix);
    }
  }

  String host(String prefix) {
    return switch (prefix) {
      case "iam", "sts", "s3" -> prefix + ".amazonaws.com";
      case "signin" -> "signin.aws.amazon.com";
      default -> prefix + "." + region + ".amazonaws.com";
    };
  }

  String userAgent(Client c, SplittableRandom r, String svc) {
    String os = UA_CLI_OS[r.nextInt(UA_CLI_OS.length)];
    return switch (c) {
      case CONSOLE -> r.nextInt(3) == 0 ? "AWS Internal" : svc + ".amazonaws.com";
      case CLI -> "aws-cli/2.15.0 Python/3.11.6 " + os + " prompt/off command/" + svc + "."
          + kebab(name);
      case SDK_JAVA -> "aws-sdk-java/2.21.29 Linux/5.10.205-195.807.amzn2.x86_64"
          + " OpenJDK_64-Bit_Server_VM/17.0.9+8-LTS Java/17.0.9 vendor/Amazon.com_Inc."
          + " exec-env/AWS_Lambda_java17 io/sync http/Apache cfg/retry-mode/legacy";
      case BOTO3 -> "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.1.61 md/arch#x86_64"
          + " lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.11";
      case EBCLI -> "awsebcli/3.20.10 Python/3.11.6 " + os + " botocore/1.34.11";
      case TERRAFORM -> "APN/1.0 HashiCorp/1.0 Terraform/1.6.0 (+https://www.terraform.io)"
          + " terraform-provider-aws/5.31.0"
          + " (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.49.13"
          + " (go1.20.12; linux; amd64)";
      case GITHUB -> "aws-cli/2.15.0 Python/3.11.6 Linux/6.2.0-1018-azure exe/x86_64.ubuntu.22"
          + " prompt/off command/" + svc + "." + kebab(name);
      case CFN_TOOLS -> "CloudFormation Tools";
      case SERVICE -> principal.invokedBy() != null ? principal.invokedBy() : "AWS Internal";
    };
  }

  static String kebab(String op) {
    if (op == null) {
      return "";
    }
    String base = op.replaceAll("20\\d{6}(v\\d)?$", "");
    StringBuilder b = new StringBuilder(base.length() + 8);
    for (int i = 0; i < base.length(); i++) {
      char ch = base.charAt(i);
      if (Character.isUpperCase(ch)) {
        if (i > 0) {
          b.append('-');
        }
        b.append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  /** Writes maps, lists, strings, booleans, numbers and null as JSON: the scripted events' bodies. */
  static void writeAny(JsonGenerator g, Object o) throws IOException {
    if (o == null) {
      g.writeNull();
    } else if (o instanceof java.util.Map<?, ?> m) {
      g.writeStartObject();
      for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeAny(g, e.getValue());
      }
      g.writeEndObject();
    } else if (o instanceof java.util.List<?> l) {
      g.writeStartArray();
      for (Object x : l) {
        writeAny(g, x);
      }
      g.writeEndArray();
    } else if (o instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (o instanceof Integer i) {
      g.writeNumber(i);
    } else if (o instanceof Long l) {
      g.writeNumber(l);
    } else if (o instanceof Double d) {
      g.writeNumber(d);
    } else {
      g.writeString(o.toString());
    }
  }

  void write(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("eventVersion", eventVersion);
    writeIdentity(g);
    g.writeStringField("eventTime", Ids.iso(time));
    g.writeStringField("eventSource", source);
    g.writeStringField("eventName", name);
    g.writeStringField("awsRegion", region);
    g.writeStringField("sourceIPAddress", ip);
    g.writeStringField("userAgent", userAgent);
    if (errorCode != null) {
      g.writeStringField("errorCode", errorCode);
    }
    if (errorMessage != null) {
      g.writeStringField("errorMessage", errorMessage);
    }
    g.writeFieldName("requestParameters");
    if (request == null) {
      g.writeNull();
    } else {
      request.write(g);
    }
    g.writeFieldName("responseElements");
    if (response == null || errorCode != null) {
      g.writeNull();
    } else {
      response.write(g);
    }
    if (additional != null) {
      g.writeFieldName("additionalEventData");
      additional.write(g);
    }
    g.writeStringField("requestID", requestId);
    g.writeStringField("eventID", eventId);
    if (readOnly != null) {
      g.writeBooleanField("readOnly", readOnly);
    }
    if (resourceArn != null) {
      g.writeArrayFieldStart("resources");
      writeResource(g, resourceArn, resourceType);
      if (resourceArn2 != null) {
        writeResource(g, resourceArn2, resourceType2);
      }
      g.writeEndArray();
    }
    g.writeStringField("eventType", eventType);
    g.writeBooleanField("managementEvent", true);
    g.writeStringField("recipientAccountId", recipient);
    if (sharedEventId != null) {
      g.writeStringField("sharedEventID", sharedEventId);
    }
    g.writeStringField("eventCategory", "Management");
    if (tlsHost != null) {
      g.writeObjectFieldStart("tlsDetails");
      g.writeStringField("tlsVersion", "TLSv1.3");
      g.writeStringField("cipherSuite", "TLS_AES_128_GCM_SHA256");
      g.writeStringField("clientProvidedHostHeader", tlsHost);
      g.writeEndObject();
    }
    if (console) {
      g.writeStringField("sessionCredentialFromConsole", "true");
    }
    if (addendumReason != null) {
      g.writeObjectFieldStart("addendum");
      g.writeStringField("reason", addendumReason);
      if (addendumFields != null) {
        g.writeStringField("updatedFields", addendumFields);
      }
      g.writeStringField("originalRequestID", addendumRequestId);
      g.writeStringField("originalEventID", addendumEventId);
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private void writeResource(JsonGenerator g, String arn, String type) throws IOException {
    g.writeStartObject();
    g.writeStringField("accountId", recipient);
    g.writeStringField("type", type);
    g.writeStringField("ARN", arn);
    g.writeEndObject();
  }

  private void writeIdentity(JsonGenerator g) throws IOException {
    Principal p = principal;
    g.writeObjectFieldStart("userIdentity");
    g.writeStringField("type", p.type());
    switch (p.type()) {
      case "AWSService" -> g.writeStringField("invokedBy", invokedBy);
      case "Root" -> {
        g.writeStringField("principalId", p.accountId());
        g.writeStringField("arn", "arn:aws:iam::" + p.accountId() + ":root");
        g.writeStringField("accountId", p.accountId());
        g.writeStringField("accessKeyId", accessKeyId);
        writeSessionContext(g, null);
      }
      case "IAMUser" -> {
        g.writeStringField("principalId", p.principalId());
        g.writeStringField("arn", p.userArn());
        g.writeStringField("accountId", p.accountId());
        g.writeStringField("accessKeyId", accessKeyId);
        g.writeStringField("userName", p.name());
        if (!accessKeyId.startsWith("AKIA")) {
          writeSessionContext(g, null);
        }
      }
      default -> {
        g.writeStringField("principalId", p.principalId() + ":" + session);
        g.writeStringField(
            "arn", "arn:aws:sts::" + p.accountId() + ":assumed-role/" + p.name() + "/" + session);
        g.writeStringField("accountId", p.accountId());
        g.writeStringField("accessKeyId", accessKeyId);
        writeSessionContext(g, p);
        if (invokedBy != null) {
          g.writeStringField("invokedBy", invokedBy);
        }
      }
    }
    g.writeEndObject();
  }

  private void writeSessionContext(JsonGenerator g, Principal role) throws IOException {
    g.writeObjectFieldStart("sessionContext");
    if (role != null) {
      g.writeObjectFieldStart("sessionIssuer");
      g.writeStringField("type", "Role");
      g.writeStringField("principalId", role.principalId());
      g.writeStringField("arn", role.roleArn());
      g.writeStringField("accountId", role.accountId());
      g.writeStringField("userName", role.name());
      g.writeEndObject();
      g.writeObjectFieldStart("webIdFederationData");
      g.writeEndObject();
    }
    g.writeObjectFieldStart("attributes");
    g.writeStringField("creationDate", Ids.iso(sessionCreated));
    g.writeStringField("mfaAuthenticated", principal.mfa() ? "true" : "false");
    g.writeEndObject();
    if (ec2RoleDelivery != null) {
      g.writeStringField("ec2RoleDelivery", ec2RoleDelivery);
    }
    g.writeEndObject();
  }
}
