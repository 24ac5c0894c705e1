package io.ebaudit.beanstalk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Seed values from configuration snapshots: JSON saved from the AWS CLI, read into rows of
 * {@link BeanstalkSchemas#SEED}.
 *
 * <ul>
 *   <li>{@code aws elasticbeanstalk describe-configuration-settings}
 *       ({@code {"ConfigurationSettings":[…]}}): one row per option setting, target_type
 *       {@code environment} (the entry has an {@code EnvironmentName}) or {@code template}
 *       ({@code TemplateName}); plus the entry's {@code PlatformArn}, {@code SolutionStackName} and
 *       {@code Tier}, where present, under {@link BeanstalkSchemas#ENVIRONMENT_NAMESPACE}.
 *   <li>{@code aws elasticbeanstalk describe-environments} ({@code {"Environments":[…]}}): per
 *       environment, one row under {@link BeanstalkSchemas#ENVIRONMENT_NAMESPACE} for each of
 *       {@code PlatformArn}, {@code SolutionStackName}, {@code VersionLabel}, {@code Tier}
 *       ({@code Name/Type/Version}, each part trimmed), {@code TemplateName}, {@code Status},
 *       {@code EnvironmentId} that the response holds.
 * </ul>
 *
 * <p>{@code as_of} is the entry's {@code DateUpdated} (null when absent); {@code source_file} the
 * file's qualified path; {@code account_id} and {@code aws_region} come from the {@code EnvironmentArn}
 * when the response has one, else null. Values are kept as the snapshot has them: environment
 * properties ({@code aws:elasticbeanstalk:application:environment}) may be secrets and are not masked
 * here.
 *
 * <p>A path is a file (read whatever its name) or a folder (every {@code .json} file below it, other
 * files and names starting with {@code .} or {@code _} ignored), local or on any Hadoop file system
 * ({@code s3a://}). A file holds one response object or a JSON array of them. A Cloud Custodian /
 * placebo recording ({@code {"status_code":…, "data":{…}}}, datetimes as
 * {@code {"__class__":"datetime",…}}) is read as the response it records. Snapshots are configuration,
 * not trail data: anything else fails at once on the driver with
 * {@code IllegalArgumentException("Cannot read snapshot <path>: <reason>, got <what was found>")}.
 */
public final class Snapshots {
  private Snapshots() {}

  public static final String ENVIRONMENT = "environment";
  public static final String TEMPLATE = "template";

  /** The environment-level option names, in the order rows are written. */
  public static final List<String> ENVIRONMENT_OPTIONS =
      List.of("PlatformArn", "SolutionStackName", "VersionLabel", "Tier", "TemplateName", "Status",
          "EnvironmentId");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public static Dataset<Row> read(SparkSession spark, List<String> paths) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    boolean java8Time =
        Boolean.parseBoolean(spark.conf().get("spark.sql.datetime.java8API.enabled", "false"));
    List<Seed> seeds = new ArrayList<>();
    for (String file : files(conf, paths)) seeds.addAll(readFile(conf, file));
    List<Row> rows = new ArrayList<>(seeds.size());
    for (Seed s : seeds) {
      Object asOf = s.asOf == null ? null : java8Time ? s.asOf : java.sql.Timestamp.from(s.asOf);
      rows.add(RowFactory.create(s.accountId, s.region, s.application, s.targetType, s.targetName,
          s.environmentId, s.namespace, s.optionName, s.resourceName, s.value, asOf, s.sourceFile));
    }
    return spark.createDataFrame(rows, BeanstalkSchemas.SEED);
  }

  /** One seed value, before it becomes a row. */
  record Seed(
      String accountId,
      String region,
      String application,
      String targetType,
      String targetName,
      String environmentId,
      String namespace,
      String optionName,
      String resourceName,
      String value,
      Instant asOf,
      String sourceFile) {}

  // ---------------------------------------------------------------------------------------------
  // Files

  static List<String> files(Configuration conf, List<String> paths) {
    return io.ebaudit.io.Storage.inputFiles(conf, paths, "snapshot", ".json");
  }


  static List<Seed> readFile(Configuration conf, String file) {
    Path p = new Path(file);
    byte[] bytes;
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      bytes = in.readAllBytes();
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(
          "Cannot read snapshot " + file + ": no such file or folder, got " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read snapshot " + file + ": " + e.getMessage(), e);
    }
    return parse(file, new String(bytes, StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing

  static List<Seed> parse(String file, String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw bad(file, "not JSON (" + e.getOriginalMessage() + ")", excerpt(text));
    }
    if (root == null || root.isMissingNode()) throw bad(file, "empty file", "no JSON value");
    List<Seed> out = new ArrayList<>();
    if (root.isArray()) {
      if (root.isEmpty()) throw bad(file, "empty JSON array", "[]");
      int i = 0;
      for (JsonNode response : root) {
        response(file, response, "element " + i++, out);
      }
    } else {
      response(file, root, "the file", out);
    }
    return out;
  }

  private static void response(String file, JsonNode node, String where, List<Seed> out) {
    if (!node.isObject()) {
      throw bad(file, where + " is not a describe-configuration-settings or describe-environments response",
          "a JSON " + kind(node));
    }
    if (node.has("status_code") && node.path("data").isObject()) node = node.get("data"); // placebo
    boolean known = false;
    if (node.has("ConfigurationSettings")) {
      known = true;
      JsonNode list = node.get("ConfigurationSettings");
      if (!list.isArray()) throw bad(file, "ConfigurationSettings is not an array", "a JSON " + kind(list));
      for (JsonNode entry : list) configurationSettings(file, entry, out);
    }
    if (node.has("Environments")) {
      known = true;
      JsonNode list = node.get("Environments");
      if (!list.isArray()) throw bad(file, "Environments is not an array", "a JSON " + kind(list));
      for (JsonNode entry : list) environment(file, entry, out);
    }
    if (!known) {
      throw bad(file, where + " is not a describe-configuration-settings or describe-environments response",
          "an object with keys " + keys(node));
    }
  }

  private static void configurationSettings(String file, JsonNode e, List<Seed> out) {
    if (!e.isObject()) throw bad(file, "a ConfigurationSettings entry is not an object", "a JSON " + kind(e));
    String application = text(file, e, "ApplicationName");
    String environment = text(file, e, "EnvironmentName");
    String template = text(file, e, "TemplateName");
    String type = environment != null ? ENVIRONMENT : TEMPLATE;
    String target = environment != null ? environment : template;
    if (target == null) {
      throw bad(file, "a ConfigurationSettings entry has neither EnvironmentName nor TemplateName",
          "an object with keys " + keys(e));
    }
    Instant asOf = time(file, e, "DateUpdated");
    Target t = new Target(null, null, application, type, target, null, asOf, file);
    for (String name : List.of("PlatformArn", "SolutionStackName", "Tier")) {
      String v = name.equals("Tier") ? tier(file, e) : text(file, e, name);
      if (v != null) out.add(t.seed(BeanstalkSchemas.ENVIRONMENT_NAMESPACE, name, null, v));
    }
    JsonNode settings = e.get("OptionSettings");
    if (settings == null || settings.isNull()) return;
    if (!settings.isArray()) throw bad(file, "OptionSettings is not an array", "a JSON " + kind(settings));
    for (JsonNode s : settings) {
      if (!s.isObject()) throw bad(file, "an OptionSettings entry is not an object", "a JSON " + kind(s));
      String ns = text(file, s, "Namespace");
      String opt = text(file, s, "OptionName");
      if (ns == null || opt == null) {
        throw bad(file, "an option setting of " + target + " lacks Namespace or OptionName",
            "an object with keys " + keys(s));
      }
      out.add(t.seed(ns, opt, text(file, s, "ResourceName"), text(file, s, "Value")));
    }
  }

  private static void environment(String file, JsonNode e, List<Seed> out) {
    if (!e.isObject()) throw bad(file, "an Environments entry is not an object", "a JSON " + kind(e));
    String name = text(file, e, "EnvironmentName");
    if (name == null) throw bad(file, "an Environments entry has no EnvironmentName", "an object with keys " + keys(e));
    String arn = text(file, e, "EnvironmentArn");
    String[] accountRegion = accountRegion(arn);
    String id = text(file, e, "EnvironmentId");
    Target t = new Target(accountRegion[0], accountRegion[1], text(file, e, "ApplicationName"), ENVIRONMENT,
        name, id, time(file, e, "DateUpdated"), file);
    for (String option : ENVIRONMENT_OPTIONS) {
      String v = option.equals("Tier") ? tier(file, e) : text(file, e, option);
      if (v != null) out.add(t.seed(BeanstalkSchemas.ENVIRONMENT_NAMESPACE, option, null, v));
    }
  }

  private record Target(
      String accountId,
      String region,
      String application,
      String type,
      String name,
      String environmentId,
      Instant asOf,
      String file) {
    Seed seed(String namespace, String option, String resource, String value) {
      return new Seed(accountId, region, application, type, name, environmentId, namespace, option, resource,
          value, asOf, file);
    }
  }

  /**
   * {@code [account, region]} of {@code arn:<partition>:elasticbeanstalk:<region>:<account>:environment/…},
   * nulls when the ARN is absent or not an environment ARN.
   */
  static String[] accountRegion(String arn) {
    if (arn == null) return new String[] {null, null};
    String[] parts = arn.split(":", 6);
    if (parts.length < 6 || !parts[0].equals("arn") || !parts[2].equals("elasticbeanstalk")
        || !parts[5].startsWith("environment/")) {
      return new String[] {null, null};
    }
    return new String[] {parts[4].isEmpty() ? null : parts[4], parts[3].isEmpty() ? null : parts[3]};
  }

  /** {@code Name/Type/Version}, each part trimmed (the API returns {@code "Version": " "}). */
  private static String tier(String file, JsonNode e) {
    JsonNode tier = e.get("Tier");
    if (tier == null || tier.isNull()) return null;
    if (!tier.isObject()) throw bad(file, "Tier is not an object", "a JSON " + kind(tier));
    String name = text(file, tier, "Name");
    String type = text(file, tier, "Type");
    String version = text(file, tier, "Version");
    return trim(name) + "/" + trim(type) + "/" + trim(version);
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }

  /** A string field; null when absent or JSON null; numbers and booleans as their text. */
  private static String text(String file, JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (v.isValueNode()) return v.asText();
    throw bad(file, field + " is not a string", "a JSON " + kind(v));
  }

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  /** An ISO-8601 time (with {@code Z}, an offset, or none for UTC), or a placebo datetime object. */
  static Instant time(String file, JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (v.isObject() && "datetime".equals(v.path("__class__").asText())) {
      try {
        return LocalDateTime.of(v.path("year").asInt(), v.path("month").asInt(), v.path("day").asInt(),
                v.path("hour").asInt(), v.path("minute").asInt(), v.path("second").asInt(),
                v.path("microsecond").asInt() * 1000)
            .toInstant(ZoneOffset.UTC);
      } catch (java.time.DateTimeException e) {
        throw bad(file, field + " is not a valid datetime (" + e.getMessage() + ")", v.toString());
      }
    }
    if (!v.isTextual()) throw bad(file, field + " is not an ISO-8601 time", "a JSON " + kind(v));
    String s = v.asText().trim();
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(s, LOCAL).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw bad(file, field + " is not an ISO-8601 time", "'" + s + "'");
      }
    }
  }

  private static IllegalArgumentException bad(String file, String reason, String got) {
    return new IllegalArgumentException("Cannot read snapshot " + file + ": " + reason + ", got " + got);
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String keys(JsonNode n) {
    List<String> k = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      if (k.size() == 8) {
        k.add("…");
        break;
      }
      k.add(it.next());
    }
    return k.toString();
  }

  private static String excerpt(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    return "'" + (t.length() > 60 ? t.substring(0, 60) + "…" : t) + "'";
  }
}
