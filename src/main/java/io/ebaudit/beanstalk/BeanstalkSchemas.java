package io.ebaudit.beanstalk;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Beanstalk stage's tables. Explicit, snake_case; read them with these schemas.
 *
 * <ul>
 *   <li>{@link #BEANSTALK_EVENTS}: every {@code elasticbeanstalk.amazonaws.com} event, failed ones too.
 *   <li>{@link #CONFIG_CHANGES}: one row per option set or removed, and per platform, template, version
 *       label, tier and tag change, by successful calls, with the value before and after.
 *   <li>{@link #ENVIRONMENT_STATE}: each environment's effective configuration at the end of the window.
 * </ul>
 * Secret values (environment properties that look like secrets) are masked in all three.
 */
public final class BeanstalkSchemas {
  private BeanstalkSchemas() {}

  /** Value sources in {@code value_before_source} and {@code value_source}. */
  public static final String FROM_TRAIL = "trail";
  public static final String FROM_SNAPSHOT = "snapshot";
  public static final String FROM_TEMPLATE = "template";
  public static final String FROM_DEFAULT = "default";
  public static final String UNKNOWN = "unknown";

  /** The environment-level settings that are not option settings live under this pseudo-namespace. */
  public static final String ENVIRONMENT_NAMESPACE = "ebaudit:environment";

  /** {@code change_kind} values. */
  public static final String OPTION_SET = "option_set";
  public static final String OPTION_REMOVED = "option_removed";
  public static final String PLATFORM = "platform";
  public static final String TEMPLATE = "template";
  public static final String VERSION = "version";
  public static final String TIER = "tier";
  public static final String TAG_ADDED = "tag_added";
  public static final String TAG_REMOVED = "tag_removed";
  public static final String TERMINATED = "terminated";
  /** A create call left this option unset: the row carries the documented default (or the template's value). */
  public static final String OPTION_DEFAULT = "option_default";

  public static final StructType BEANSTALK_EVENTS =
      createStructType(
          List.of(
              createStructField("event_id", StringType, false),
              createStructField("event_time", TimestampType, false),
              createStructField("event_date", DateType, false),
              createStructField("event_name", StringType, false),
              createStructField("account_id", StringType, true),
              createStructField("aws_region", StringType, true),
              createStructField("application", StringType, true),
              createStructField("environment_name", StringType, true),
              createStructField("environment_id", StringType, true),
              createStructField("template_name", StringType, true),
              createStructField("version_label", StringType, true),
              createStructField("resource_arn", StringType, true),
              createStructField("principal_arn", StringType, true),
              createStructField("principal_kind", StringType, true),
              createStructField("user_type", StringType, true),
              createStructField("session_name", StringType, true),
              createStructField("mfa_authenticated", BooleanType, true),
              createStructField("source_ip_address", StringType, true),
              createStructField("service_originated", BooleanType, true),
              createStructField("user_agent", StringType, true),
              createStructField("client_class", StringType, false),
              createStructField("read_only", BooleanType, true),
              // Tags known for the environment at the time (CreateEnvironment, UpdateTagsForResource, snapshots).
              createStructField("environment_tags", DataTypes.createMapType(StringType, StringType), true),
              createStructField("outcome", StringType, false), // success | failed
              createStructField("error_code", StringType, true),
              createStructField("error_message", StringType, true),
              createStructField("request_parameters", StringType, true))); // masked

  public static final StructType CONFIG_CHANGES =
      createStructType(
          List.of(
              createStructField("event_id", StringType, false),
              createStructField("event_time", TimestampType, false),
              createStructField("event_date", DateType, false),
              createStructField("event_name", StringType, false),
              createStructField("account_id", StringType, true),
              createStructField("aws_region", StringType, true),
              createStructField("application", StringType, true),
              createStructField("target_type", StringType, false), // environment | template
              createStructField("target_name", StringType, true),
              createStructField("environment_id", StringType, true),
              createStructField("resource_arn", StringType, true),
              createStructField("change_kind", StringType, false),
              createStructField("namespace", StringType, true),
              createStructField("option_name", StringType, true),
              createStructField("resource_name", StringType, true),
              createStructField("value_before", StringType, true),
              createStructField("value_before_source", StringType, false),
              createStructField("value_after", StringType, true),
              createStructField("secret", BooleanType, false),
              createStructField("principal_arn", StringType, true),
              createStructField("principal_kind", StringType, true),
              createStructField("mfa_authenticated", BooleanType, true),
              createStructField("source_ip_address", StringType, true),
              createStructField("service_originated", BooleanType, true),
              createStructField("client_class", StringType, false),
              createStructField("user_agent", StringType, true)));

  public static final StructType ENVIRONMENT_STATE =
      createStructType(
          List.of(
              createStructField("account_id", StringType, true),
              createStructField("aws_region", StringType, true),
              createStructField("application", StringType, true),
              createStructField("environment_name", StringType, false),
              createStructField("environment_id", StringType, true),
              createStructField("namespace", StringType, false),
              createStructField("option_name", StringType, false),
              createStructField("resource_name", StringType, true),
              createStructField("value", StringType, true),
              createStructField("value_source", StringType, false),
              createStructField("is_default", BooleanType, false),
              createStructField("secret", BooleanType, false),
              createStructField("last_changed_time", TimestampType, true),
              createStructField("last_changed_event_id", StringType, true),
              createStructField("last_changed_by", StringType, true)));

  /** One seed value from a configuration snapshot (describe-configuration-settings / describe-environments). */
  public static final StructType SEED =
      createStructType(
          List.of(
              createStructField("account_id", StringType, true),
              createStructField("aws_region", StringType, true),
              createStructField("application", StringType, true),
              createStructField("target_type", StringType, false), // environment | template
              createStructField("target_name", StringType, false),
              createStructField("environment_id", StringType, true),
              createStructField("namespace", StringType, false),
              createStructField("option_name", StringType, false),
              createStructField("resource_name", StringType, true),
              createStructField("value", StringType, true),
              createStructField("as_of", TimestampType, true),
              createStructField("source_file", StringType, false)));
}
