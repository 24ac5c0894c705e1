package io.ebaudit.beanstalk;

/** Test helper: realistic Elastic Beanstalk CloudTrail records, written by us (no real ones are public but one). */
public final class BeanstalkFixture {
  private BeanstalkFixture() {}

  public static final String ACCOUNT = "111122223333";

  /** An event by the IAM user {@code alice} (no MFA, AWS CLI) unless {@code identity} is given. */
  public static String event(String id, String time, String name, String requestParameters, String errorCode) {
    return event(id, time, name, requestParameters, errorCode, null, "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64");
  }

  public static String event(String id, String time, String name, String requestParameters, String errorCode,
      String identity, String userAgent) {
    String who = identity != null ? identity
        : "{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\",\"arn\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\","
            + "\"accountId\":\"" + ACCOUNT + "\",\"accessKeyId\":\"AKIAEXAMPLEKEY000001\",\"userName\":\"alice\"}";
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":" + who + ",\"eventTime\":\"" + time + "\","
        + "\"eventSource\":\"elasticbeanstalk.amazonaws.com\",\"eventName\":\"" + name + "\",\"awsRegion\":\"us-east-1\","
        + "\"sourceIPAddress\":\"198.51.100.23\",\"userAgent\":\"" + userAgent + "\","
        + (errorCode == null ? "" : "\"errorCode\":\"" + errorCode + "\",\"errorMessage\":\"denied\",")
        + "\"requestParameters\":" + requestParameters + ",\"responseElements\":null,"
        + "\"requestID\":\"req-" + id + "\",\"eventID\":\"" + id + "\",\"readOnly\":false,\"eventType\":\"AwsApiCall\","
        + "\"managementEvent\":true,\"recipientAccountId\":\"" + ACCOUNT + "\",\"eventCategory\":\"Management\"}";
  }

  public static String option(String namespace, String name, String value) {
    return "{\"namespace\":\"" + namespace + "\",\"optionName\":\"" + name + "\",\"value\":\"" + value + "\"}";
  }

  public static String removal(String namespace, String name) {
    return "{\"namespace\":\"" + namespace + "\",\"optionName\":\"" + name + "\"}";
  }
}
