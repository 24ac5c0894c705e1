package io.ebaudit.secrets;

import static io.ebaudit.secrets.Secrets.ENV_NAMESPACE;
import static io.ebaudit.secrets.Secrets.MASK;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {
  private static final ObjectMapper M = new ObjectMapper();
  // Fake values only: AWS's documented example keys and made-up tokens.
  static final String AKIA = "AKIAIOSFODNN7EXAMPLE";
  static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String JWT_VALUE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
      + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAexample\nabc\n-----END RSA PRIVATE KEY-----";

  /** Columns: option name, value, expected reason (empty: not secret). */
  @ParameterizedTest(name = "{0}={1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        // by name, any case and separator
        "DB_PASSWORD|Sup3rS3cret-sample-only|name",
        "dbPassword|hunter2|name",
        "DBPassword|hunter2|name",
        "dbpassword|hunter2|name",
        "stripe-api-key|sk_test_abc|name",
        "STRIPE_API_KEY|sk_test_abc|name",
        "apiKey|abc|name",
        "GITHUB_TOKEN|abc|name",
        "SECRET_KEY_BASE|abc|name",
        "DJANGO_SECRET_KEY|abc|name",
        "SMTP_PASS|abc|name",
        "DB_PWD|abc|name",
        "BASIC_AUTH|user:pw|name",
        "GOOGLE_APPLICATION_CREDENTIALS|{}|name",
        "PASSWORD_RESET_TOKEN|abc|name",
        "SSH_PRIVATE_KEY|abc|name",
        "jwt.signing.key|abc|name",
        "OAUTH_CLIENT_SECRET|abc|name",
        "DB_PASSWORD_PROD|abc|name",
        // names about a secret, not the secret
        "PASSWORD_MIN_LENGTH|12|",
        "DB_PASSWORD_SECRET_ARN|arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf|",
        "SECRET_NAME|prod/db|",
        "AUTH_URL|https://auth.example.com/oauth2|",
        "AUTH_ENABLED|yes|",
        "USE_AUTH|true|",
        "TOKEN_TTL|3600|",
        "MAX_TOKENS|4096|",
        "CACHE_KEY|users|",
        "KEY|value|",
        "PWD|/var/app/current|",
        "TOKENIZERS_PARALLELISM|false|",
        "PASS_THROUGH|x|",
        "AUTHOR|Jane|",
        // ordinary properties
        "NODE_ENV|production|",
        "PORT|8080|",
        "LOG_LEVEL|debug|",
        "REQUEST_ID_SEED|3f2504e0-4f89-11d3-9a0c-0305e82c3301|",
        "API_BASE|https://api.example.com:8443/v1?x=1|",
        "GIT_COMMIT|4b825dc642cb6eb9a060e54bf8d69288fbee4904|",
        "IMAGE|ami-0abcdef1234567890|",
        "ROLE|arn:aws:iam::123456789012:role/aws-elasticbeanstalk-ec2-role|",
        "APP_NAME|MyApplicationName-Production2026|",
        "JAVA_OPTS|-Xmx512m -Dspring.profiles.active=prod|",
        "MAIN_CLASS|com.example.orders.OrdersApplication2|",
        "EMPTY_PASSWORD||",
        "DB_PASSWORD|NULL|",
        // by value, whatever the name
        "AWS_ACCESS_KEY_ID|" + AKIA + "|aws_access_key",
        "CONFIG|key=ASIAY34FZKBOKMUTVV7A|aws_access_key",
        "AWS_SECRET_ACCESS_KEY|" + AWS_SECRET + "|aws_secret_key",
        "AWS_SK|" + AWS_SECRET + "|aws_secret_key",
        "CONFIG|aws_secret_access_key=" + AWS_SECRET + "|aws_secret_key",
        "SESSION|" + JWT_VALUE + "|jwt",
        "CERT|" + "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBg-----END PRIVATE KEY-----|private_key",
        "DATABASE_URL|postgres://app:s3cr3t@db.example.com:5432/app|connection_string_password",
        "REDIS_URL|redis://:s3cr3t@cache.example.com:6379|connection_string_password",
        "DB|Server=db;Database=app;User Id=sa;Password=s3cr3t;|connection_string_password",
        "DB_URL|jdbc:postgresql://db.example.com:5432/app|",
        "MONGO|mongodb://db.example.com:27017/app|",
        // random-looking
        "X|9fQ2kLx7Vb4RmT8wZp3NcY6hJ1sD5gA0|high_entropy",
        "X|ghp_R4nd0mT0k3nV4lu3Xq9Zk2Lm8Np5Wb7Yc1|high_entropy",
        "X|3f2504e0-4f89-11d3-9a0c-0305e82c3301|",
        "X|Hello-World-Example-Value-1|",
        "X|OrdersServiceProdBlueGreen2026v2x|",
        "X|sk_live_4eC39HqLyjWDarjtT1zdp7dc|high_entropy",
      })
  void reasons(String name, String value, String expected) {
    String v = value == null ? null : value.replace("\\n", "\n");
    assertThat(Secrets.secretReason(name, v)).isEqualTo(expected);
  }

  @Test
  void pemBlockWithNewlines() {
    assertThat(Secrets.secretReason("TLS_KEY_PEM", PEM)).isEqualTo("private_key");
    assertThat(Secrets.maskText("key: " + PEM + " end")).isEqualTo("key: " + MASK + " end");
  }

  @Test
  void nameAndEntropyOnlyCountInTheEnvironmentPropertyNamespace() {
    assertThat(Secrets.isSecret(ENV_NAMESPACE, "DB_PASSWORD", "x")).isTrue();
    assertThat(Secrets.isSecret("aws:rds:dbinstance", "DBPassword", "x")).isFalse();
    assertThat(Secrets.isSecret("aws:ec2:vpc", "X", "9fQ2kLx7Vb4RmT8wZp3NcY6hJ1sD5gA0")).isFalse();
    assertThat(Secrets.isSecret(ENV_NAMESPACE, "X", "9fQ2kLx7Vb4RmT8wZp3NcY6hJ1sD5gA0")).isTrue();
    // value patterns count anywhere
    assertThat(Secrets.isSecret("aws:rds:dbinstance", "DBPassword", AKIA)).isTrue();
    assertThat(Secrets.isSecret(null, null, JWT_VALUE)).isTrue();
    assertThat(Secrets.isSecret(ENV_NAMESPACE, "NODE_ENV", "production")).isFalse();
    assertThat(Secrets.isSecret(ENV_NAMESPACE, "DB_PASSWORD", null)).isFalse();
    // an already masked value stays secret
    assertThat(Secrets.isSecret("aws:ec2:vpc", "X", MASK)).isTrue();
  }

  @Test
  void maskKeepsNull() {
    assertThat(Secrets.mask(null)).isNull();
    assertThat(Secrets.mask("x")).isEqualTo(MASK);
  }

  static final String UPDATE_ENVIRONMENT = """
      {"applicationName":"orders","environmentName":"orders-prod","optionSettings":[
        {"namespace":"aws:elasticbeanstalk:application:environment","optionName":"DB_PASSWORD","value":"Sup3rS3cret-sample-only"},
        {"namespace":"aws:elasticbeanstalk:application:environment","optionName":"AWS_ACCESS_KEY_ID","value":"AKIAIOSFODNN7EXAMPLE"},
        {"namespace":"aws:elasticbeanstalk:application:environment","optionName":"SESSION_SEED","value":"%s"},
        {"namespace":"aws:elasticbeanstalk:application:environment","optionName":"NODE_ENV","value":"production"},
        {"namespace":"aws:autoscaling:launchconfiguration","optionName":"DisableIMDSv1","value":"false"},
        {"namespace":"aws:rds:dbinstance","optionName":"DBPassword","value":"plain-but-not-env"}
      ],"retries":1.50,"count":3}""".formatted(JWT_VALUE);

  @Test
  void masksOptionSettingsOfARealShapedUpdateEnvironment() throws Exception {
    String masked = Secrets.maskJson(UPDATE_ENVIRONMENT);
    JsonNode n = M.readTree(masked);
    JsonNode opts = n.get("optionSettings");
    assertThat(opts.get(0).get("value").asText()).isEqualTo(MASK);
    assertThat(opts.get(1).get("value").asText()).isEqualTo(MASK);
    assertThat(opts.get(2).get("value").asText()).isEqualTo(MASK);
    assertThat(opts.get(3).get("value").asText()).isEqualTo("production");
    assertThat(opts.get(4).get("value").asText()).isEqualTo("false");
    assertThat(opts.get(5).get("value").asText()).isEqualTo("plain-but-not-env");
    assertThat(opts.get(0).get("optionName").asText()).isEqualTo("DB_PASSWORD");
    assertThat(masked).doesNotContain("Sup3rS3cret", "AKIAIOSFODNN7EXAMPLE", "eyJ").contains("\"retries\":1.50");
    assertThat(n.get("environmentName").asText()).isEqualTo("orders-prod");
  }

  @Test
  void masksNestedCapitalizedOptionSettingsAndPatternsAnywhere() throws Exception {
    String json = """
        {"environments":[{"EnvironmentName":"web","ConfigurationSettings":[{"OptionSettings":[
          {"Namespace":"aws:elasticbeanstalk:application:environment","OptionName":"stripe-api-key","Value":"sk_live_x"},
          {"Namespace":"aws:elasticbeanstalk:application:environment","OptionName":"LOG_LEVEL","Value":"debug"}]}]}],
         "note":"rotated AKIAIOSFODNN7EXAMPLE today","urls":["postgres://app:pw1@db:5432/x","https://example.com"],
         "credentials":{"accessKeyId":"ASIAY34FZKBOKMUTVV7A","secretAccessKey":"%s"}}""".formatted(AWS_SECRET);
    JsonNode n = M.readTree(Secrets.maskJson(json));
    JsonNode opts = n.at("/environments/0/ConfigurationSettings/0/OptionSettings");
    assertThat(opts.get(0).get("Value").asText()).isEqualTo(MASK);
    assertThat(opts.get(1).get("Value").asText()).isEqualTo("debug");
    assertThat(n.get("note").asText()).isEqualTo("rotated " + MASK + " today");
    assertThat(n.get("urls").get(0).asText()).isEqualTo("postgres://app:" + MASK + "@db:5432/x");
    assertThat(n.get("urls").get(1).asText()).isEqualTo("https://example.com");
    // an access key id where an API names it as one is an identifier, kept; its secret is not
    assertThat(n.at("/credentials/accessKeyId").asText()).isEqualTo("ASIAY34FZKBOKMUTVV7A");
    assertThat(n.at("/credentials/secretAccessKey").asText()).isEqualTo(MASK);
  }

  @Test
  void keepsEveryOtherByte() {
    String json = "{ \"n\" : 1.23123123123E11, \"x\":1.50,\n  \"u\":\"caf\\u00e9 \\\"q\\\"\", \"optionSettings\" : [ {"
        + "\"value\" : \"hunter2\", \"optionName\":\"DB_PASSWORD\",\"namespace\":\"" + ENV_NAMESPACE + "\"} ],"
        + "\"k\":\"key=\\\"AKIAIOSFODNN7EXAMPLE\\\" ü\" }";
    String masked = Secrets.maskJson(json);
    assertThat(masked).isEqualTo(json.replace("hunter2", MASK).replace("AKIAIOSFODNN7EXAMPLE", MASK));
  }

  @Test
  void maskingIsIdempotentAndReturnsTheSameInstanceWhenClean() {
    String once = Secrets.maskJson(UPDATE_ENVIRONMENT);
    assertThat(once).isNotSameAs(UPDATE_ENVIRONMENT);
    assertThat(Secrets.maskJson(once)).isSameAs(once);
    String clean = "{\"environmentName\":\"orders-prod\",\"optionSettings\":[{\"namespace\":\"aws:elasticbeanstalk:application:environment\",\"optionName\":\"NODE_ENV\",\"value\":\"production\"}]}";
    assertThat(Secrets.maskJson(clean)).isSameAs(clean);
    String text = "login with password=hunter2; key " + AKIA;
    String t1 = Secrets.maskText(text);
    assertThat(t1).isEqualTo("login with password=" + MASK + "; key " + MASK);
    assertThat(Secrets.maskText(t1)).isSameAs(t1);
    assertThat(Secrets.maskJson(null)).isNull();
    assertThat(Secrets.maskText(null)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json at all", "", "{\"a\":", "[1,2"})
  void nonJsonWithoutSecretsComesBackAsIs(String s) {
    assertThat(Secrets.maskJson(s)).isSameAs(s);
  }

  @Test
  void brokenJsonIsMaskedAsText() {
    String excerpt = "{\"optionSettings\":[{\"namespace\":\"aws:elasticbeanstalk:application:environment\","
        + "\"optionName\":\"ANYTHING\",\"value\":\"plain \\\"quoted\\\" value\"},{\"value\":\"hunter2\",\"optionName\":\"B\","
        + "\"namespace\":\"aws:elasticbeanstalk:application:environment\"},{\"namespace\":\"aws:ec2:vpc\",\"optionName\":\"Subnets\","
        + "\"value\":\"subnet-1\"},{\"namespace\":\"aws:elasticbeanstalk:application:environment\",\"optionName\":\"C\",\"value\":\"trunc"
        + " AKIAIOSFODNN7EXAMPLE";
    String masked = Secrets.maskJson(excerpt);
    assertThat(masked).doesNotContain("plain", "hunter2", "trunc", "AKIA").contains("subnet-1")
        .contains("\"value\":\"" + MASK + "\"},{\"value\":\"" + MASK + "\"");
    assertThat(Secrets.maskText(masked)).isSameAs(masked);
  }

  @Test
  void freeTextPatterns() {
    assertThat(Secrets.maskText("Authorization: Bearer " + JWT_VALUE + " ok")).isEqualTo("Authorization: Bearer " + MASK + " ok");
    assertThat(Secrets.maskText("export AWS_SECRET_ACCESS_KEY=" + AWS_SECRET)).isEqualTo("export AWS_SECRET_ACCESS_KEY=" + MASK);
    assertThat(Secrets.maskText("Server=db;Pwd=abc def;Database=x")).isEqualTo("Server=db;Pwd=" + MASK + ";Database=x");
    assertThat(Secrets.maskText("mysql://root:toor@10.0.0.1/db")).isEqualTo("mysql://root:" + MASK + "@10.0.0.1/db");
    String plain = "GET https://example.com:8443/path?a=b user=alice";
    assertThat(Secrets.maskText(plain)).isSameAs(plain);
  }

  @Test
  void entropyIsShannon() {
    assertThat(Secrets.entropy("aaaa")).isZero();
    assertThat(Secrets.entropy("abcd")).isEqualTo(2.0);
  }

  @Test
  void fastEnoughForEveryEvent() {
    String clean = "{\"applicationName\":\"orders\",\"environmentName\":\"orders-prod\",\"versionLabel\":\"v-20261129-1\"}";
    long t0 = System.nanoTime();
    for (int i = 0; i < 200_000; i++) {
      Secrets.maskJson(clean);
    }
    long cleanNs = (System.nanoTime() - t0) / 200_000;
    assertThat(cleanNs).as("ns per clean document").isLessThan(20_000);
  }
}
