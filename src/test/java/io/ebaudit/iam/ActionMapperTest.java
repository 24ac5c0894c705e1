package io.ebaudit.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ActionMapperTest {
  private final ActionMapper mapper = ActionMapper.standard();

  @ParameterizedTest
  @CsvSource({
    "monitoring.amazonaws.com, cloudwatch",
    "tagging.amazonaws.com, tag",
    "pricelist.amazonaws.com, pricing",
    "amazonmq.amazonaws.com, mq",
    "opensearchservice.amazonaws.com, es",
    "es.amazonaws.com, es",
    "cloudcontrolapi.amazonaws.com, cloudformation",
    "pinpoint.amazonaws.com, mobiletargeting",
    "migrationhub.amazonaws.com, mgh",
    "qconnect.amazonaws.com, wisdom",
    "rdsdata.amazonaws.com, rds-data",
    "application-insights.amazonaws.com, applicationinsights",
    "elasticbeanstalk.amazonaws.com, elasticbeanstalk",
    "s3.amazonaws.com, s3",
  })
  void prefixFromReferenceData(String source, String prefix) {
    assertThat(mapper.prefix(source)).isEqualTo(prefix);
  }

  @ParameterizedTest
  @CsvSource({
    // Not in the reference data: first label.
    "ec2messages.amazonaws.com, ec2messages",
    "madeup-service.amazonaws.com, madeup-service",
    "newthing.us-gov-west-1.amazonaws.com, newthing",
    "nodots, nodots",
    // Case and whitespace are normalised.
    "MONITORING.amazonaws.com, cloudwatch",
    "' monitoring.amazonaws.com ', cloudwatch",
  })
  void unknownSourceFallsBackToFirstLabel(String source, String prefix) {
    assertThat(mapper.prefix(source)).isEqualTo(prefix);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", ".amazonaws.com"})
  void blankSourceHasNoPrefix(String source) {
    assertThat(mapper.prefix(source)).isNull();
    assertThat(mapper.iamAction(source, "DoThing", "AwsApiCall")).isNull();
  }

  @Test
  void allMappingsOfTheShippedFileLoad() throws Exception {
    JsonNode mappings;
    try (InputStream in = getClass().getResourceAsStream(ActionMapper.MAPPINGS_RESOURCE)) {
      mappings = new ObjectMapper().readTree(in).get("cloudtrail_service_mappings");
    }
    assertThat(mappings.size()).isEqualTo(325);
    assertThat(mapper.mappingCount()).isEqualTo(325);
    for (Iterator<Map.Entry<String, JsonNode>> it = mappings.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertThat(mapper.prefix(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().asText());
    }
  }

  @ParameterizedTest
  @CsvSource({
    // Identity mapping, PascalCase kept, lowercase prefix.
    "elasticbeanstalk.amazonaws.com, UpdateEnvironment, elasticbeanstalk:UpdateEnvironment",
    "elasticbeanstalk.amazonaws.com, CreateEnvironment, elasticbeanstalk:CreateEnvironment",
    "monitoring.amazonaws.com, PutMetricData, cloudwatch:PutMetricData",
    "tagging.amazonaws.com, GetResources, tag:GetResources",
    "autoscaling.amazonaws.com, DescribeLaunchConfigurations, autoscaling:DescribeLaunchConfigurations",
    "sts.amazonaws.com, AssumeRole, sts:AssumeRole",
    "s3.amazonaws.com, GetBucketAcl, s3:GetBucketAcl",
    "s3.amazonaws.com, PutBucketPolicy, s3:PutBucketPolicy",
    "s3.amazonaws.com, GetObject, s3:GetObject",
    "s3.amazonaws.com, PutObject, s3:PutObject",
    "kms.amazonaws.com, Decrypt, kms:Decrypt",
    "unknownsvc.amazonaws.com, DoThing, unknownsvc:DoThing",
    // S3.
    "s3.amazonaws.com, ListObjects, s3:ListBucket",
    "s3.amazonaws.com, ListObjectsV2, s3:ListBucket",
    "s3.amazonaws.com, ListObjectVersions, s3:ListBucketVersions",
    "s3.amazonaws.com, HeadBucket, s3:ListBucket",
    "s3.amazonaws.com, HeadObject, s3:GetObject",
    "s3.amazonaws.com, ListBuckets, s3:ListAllMyBuckets",
    "s3.amazonaws.com, CopyObject, s3:PutObject",
    "s3.amazonaws.com, UploadPart, s3:PutObject",
    "s3.amazonaws.com, UploadPartCopy, s3:PutObject",
    "s3.amazonaws.com, CreateMultipartUpload, s3:PutObject",
    "s3.amazonaws.com, CompleteMultipartUpload, s3:PutObject",
    "s3.amazonaws.com, DeleteObjects, s3:DeleteObject",
    "s3.amazonaws.com, ListMultipartUploads, s3:ListBucketMultipartUploads",
    "s3.amazonaws.com, ListParts, s3:ListMultipartUploadParts",
    "s3.amazonaws.com, PutBucketCors, s3:PutBucketCORS",
    "s3.amazonaws.com, DeleteBucketCors, s3:PutBucketCORS",
    "s3.amazonaws.com, GetBucketEncryption, s3:GetEncryptionConfiguration",
    "s3.amazonaws.com, DeleteBucketEncryption, s3:PutEncryptionConfiguration",
    "s3.amazonaws.com, PutBucketLifecycle, s3:PutLifecycleConfiguration",
    "s3.amazonaws.com, DeleteBucketLifecycle, s3:PutLifecycleConfiguration",
    "s3.amazonaws.com, PutBucketReplication, s3:PutReplicationConfiguration",
    "s3.amazonaws.com, DeleteBucketReplication, s3:PutReplicationConfiguration",
    "s3.amazonaws.com, DeleteBucketTagging, s3:PutBucketTagging",
    "s3.amazonaws.com, DeleteBucketPublicAccessBlock, s3:PutBucketPublicAccessBlock",
    "s3.amazonaws.com, PutBucketPublicAccessBlock, s3:PutBucketPublicAccessBlock",
    // KMS.
    "kms.amazonaws.com, ReEncrypt, kms:ReEncryptFrom",
    // Lambda: dated names and renamed actions.
    "lambda.amazonaws.com, UpdateFunctionCode20150331v2, lambda:UpdateFunctionCode",
    "lambda.amazonaws.com, UpdateFunctionCode20150331, lambda:UpdateFunctionCode",
    "lambda.amazonaws.com, UpdateFunctionConfiguration20150331v2, lambda:UpdateFunctionConfiguration",
    "lambda.amazonaws.com, ListFunctions20150331, lambda:ListFunctions",
    "lambda.amazonaws.com, AddPermission20150331v2, lambda:AddPermission",
    "lambda.amazonaws.com, DeleteFunction, lambda:DeleteFunction",
    "lambda.amazonaws.com, Invoke, lambda:InvokeFunction",
    // Date stripping and a renamed action combine (illustrative dated name).
    "lambda.amazonaws.com, GetLayerVersionByArn20181031, lambda:GetLayerVersion",
    // CloudFront dated names.
    "cloudfront.amazonaws.com, CreateDistribution2020_05_31, cloudfront:CreateDistribution",
    "cloudfront.amazonaws.com, GetDistribution, cloudfront:GetDistribution",
    // Elastic Beanstalk.
    "elasticbeanstalk.amazonaws.com, UpdateTagsForResource, elasticbeanstalk:AddTags",
  })
  void actionForApiCalls(String source, String name, String action) {
    assertThat(mapper.iamAction(source, name, "AwsApiCall")).isEqualTo(action);
    // Old records have no eventType: still an API call.
    assertThat(mapper.iamAction(source, name, null)).isEqualTo(action);
  }

  @ParameterizedTest
  @CsvSource({
    "sts.amazonaws.com, GetCallerIdentity, AwsApiCall",
    "sts.amazonaws.com, GetSessionToken, AwsApiCall",
    "dynamodb.amazonaws.com, DescribeEndpoints, AwsApiCall",
    "signin.amazonaws.com, ConsoleLogin, AwsConsoleSignIn",
    "signin.amazonaws.com, ConsoleLogin, ''",
    "signin.amazonaws.com, CheckMfa, AwsConsoleSignIn",
    "signin.amazonaws.com, SwitchRole, AwsConsoleSignIn",
    "signin.amazonaws.com, ExitRole, AwsConsoleSignIn",
    "signin.amazonaws.com, GetSigninToken, AwsApiCall",
    // Non-API eventTypes, whatever the name.
    "sso.amazonaws.com, Authenticate, AwsServiceEvent",
    "ec2.amazonaws.com, SharedSnapshotCopyInitiated, AwsServiceEvent",
    "ec2.amazonaws.com, RunInstances, AwsCloudTrailInsight",
    "signin.amazonaws.com, AssumeRole, AwsConsoleSignIn",
    "s3.amazonaws.com, GetObject, AwsVpceEvent",
  })
  void noActionNeeded(String source, String name, String eventType) {
    assertThat(mapper.iamAction(source, name, eventType.isEmpty() ? null : eventType)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "UpdateFunctionCode20150331v2, UpdateFunctionCode",
    "ListFunctions20150331, ListFunctions",
    "CreateDistribution2020_05_31, CreateDistribution",
    "ListObjectsV2, ListObjectsV2",
    "Name123456789, Name123456789", // nine digits: not a date
    "Name1234567, Name1234567", // seven digits
    "20150331, 20150331", // nothing would remain
    "Plain, Plain",
  })
  void apiVersionDatesAreStripped(String in, String out) {
    assertThat(ActionMapper.stripApiVersionDate(in)).isEqualTo(out);
  }

  @Test
  void exceptionsAndNonApiTypesAreLoaded() {
    assertThat(mapper.exceptionCount()).isEqualTo(72);
    assertThat(mapper.nonApiEventTypes())
        .containsExactlyInAnyOrder(
            "AwsConsoleSignIn", "AwsServiceEvent", "AwsCloudTrailInsight", "AwsVpceEvent");
  }

  @Test
  void cachedAnswersAreStable() {
    for (int i = 0; i < 3; i++) {
      assertThat(mapper.iamAction("sts.amazonaws.com", "GetCallerIdentity", "AwsApiCall")).isNull();
      assertThat(mapper.iamAction("s3.amazonaws.com", "HeadObject", "AwsApiCall"))
          .isEqualTo("s3:GetObject");
      // The cache is per pair and ignores eventType, which is checked first.
      assertThat(mapper.iamAction("s3.amazonaws.com", "HeadObject", "AwsServiceEvent")).isNull();
    }
  }

  @Test
  void safeUnderConcurrentUse() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    String name = "Op" + (i % 300);
                    if (!("svc:" + name)
                        .equals(mapper.iamAction("svc.amazonaws.com", name, "AwsApiCall"))) {
                      return false;
                    }
                    if (!"s3:ListBucket"
                        .equals(mapper.iamAction("s3.amazonaws.com", "ListObjectsV2", null))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    mapper.iamAction("s3.amazonaws.com", "ListBuckets", "AwsApiCall");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(mapper);
    }
    ActionMapper copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ActionMapper) in.readObject();
    }
    assertThat(copy.mappingCount()).isEqualTo(325);
    assertThat(copy.iamAction("s3.amazonaws.com", "ListBuckets", "AwsApiCall"))
        .isEqualTo("s3:ListAllMyBuckets");
    assertThat(copy.iamAction("monitoring.amazonaws.com", "GetMetricData", "AwsApiCall"))
        .isEqualTo("cloudwatch:GetMetricData");
    assertThat(copy.iamAction("signin.amazonaws.com", "ConsoleLogin", "AwsConsoleSignIn")).isNull();
  }

  @Test
  void aMapperSentToSparkTasksStillSaysNoPermissionIsNeeded() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(ActionMapper.standard());
    }
    ActionMapper copy;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ActionMapper) in.readObject();
    }
    org.assertj.core.api.Assertions.assertThat(copy.iamAction("sts.amazonaws.com", "GetCallerIdentity", "AwsApiCall")).isNull();
    org.assertj.core.api.Assertions.assertThat(copy.iamAction("s3.amazonaws.com", "ListObjectsV2", "AwsApiCall")).isEqualTo("s3:ListBucket");
  }
}
