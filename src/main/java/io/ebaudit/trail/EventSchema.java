package io.ebaudit.trail;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The normalized CloudTrail events table: one row per distinct {@code eventID}, snake_case, explicit.
 *
 * <p>Free-form JSON members ({@code requestParameters}, {@code responseElements},
 * {@code additionalEventData}, {@code serviceEventDetails}) are kept as their raw JSON text, as the
 * Athena CloudTrail DDL does; later stages parse them per event type. Derived columns follow the raw
 * ones. {@code event_date} is the Hive partition column of {@code DIR/events/}.
 */
public final class EventSchema {
  private EventSchema() {}

  public static final StructType RESOURCE =
      createStructType(
          List.of(
              createStructField("arn", StringType, true),
              createStructField("account_id", StringType, true),
              createStructField("type", StringType, true)));

  public static final StructType TLS_DETAILS =
      createStructType(
          List.of(
              createStructField("tls_version", StringType, true),
              createStructField("cipher_suite", StringType, true),
              createStructField("client_provided_host_header", StringType, true)));

  public static final StructType ADDENDUM =
      createStructType(
          List.of(
              createStructField("reason", StringType, true),
              createStructField("updated_fields", StringType, true),
              createStructField("original_request_id", StringType, true),
              createStructField("original_event_id", StringType, true)));

  /** Column order is the order {@link RecordParser} fills; change both together. */
  public static final StructType EVENTS =
      createStructType(
          List.of(
              // CloudTrail's documented top-level fields.
              createStructField("event_id", StringType, false),
              createStructField("event_time", TimestampType, false),
              createStructField("event_version", StringType, true),
              createStructField("event_source", StringType, false),
              createStructField("event_name", StringType, false),
              createStructField("aws_region", StringType, true),
              createStructField("source_ip_address", StringType, true),
              createStructField("user_agent", StringType, true),
              createStructField("error_code", StringType, true),
              createStructField("error_message", StringType, true),
              createStructField("request_parameters", StringType, true),
              createStructField("response_elements", StringType, true),
              createStructField("additional_event_data", StringType, true),
              createStructField("service_event_details", StringType, true),
              createStructField("request_id", StringType, true),
              createStructField("event_type", StringType, true),
              createStructField("api_version", StringType, true),
              createStructField("read_only", BooleanType, true),
              createStructField("management_event", BooleanType, true),
              createStructField("event_category", StringType, true),
              createStructField("recipient_account_id", StringType, true),
              createStructField("shared_event_id", StringType, true),
              createStructField("vpc_endpoint_id", StringType, true),
              createStructField("session_credential_from_console", BooleanType, true),
              createStructField("resources", createArrayType(RESOURCE, true), true),
              createStructField("tls_details", TLS_DETAILS, true),
              createStructField("addendum", ADDENDUM, true),
              // userIdentity, flattened.
              createStructField("user_type", StringType, true),
              createStructField("user_arn", StringType, true),
              createStructField("user_principal_id", StringType, true),
              createStructField("user_account_id", StringType, true),
              createStructField("user_access_key_id", StringType, true),
              createStructField("user_name", StringType, true),
              createStructField("invoked_by", StringType, true),
              createStructField("session_issuer_type", StringType, true),
              createStructField("session_issuer_arn", StringType, true),
              createStructField("session_issuer_account_id", StringType, true),
              createStructField("session_issuer_user_name", StringType, true),
              createStructField("session_mfa_authenticated", BooleanType, true),
              createStructField("session_creation_date", TimestampType, true),
              createStructField("session_source_identity", StringType, true),
              // Derived.
              createStructField("principal_arn", StringType, true),
              createStructField("principal_kind", StringType, false),
              createStructField("session_name", StringType, true),
              createStructField("service_originated", BooleanType, false),
              createStructField("iam_action", StringType, true),
              createStructField("failed", BooleanType, false),
              createStructField("source_object", StringType, false),
              createStructField("event_date", DateType, false)));

  /**
   * {@code DIR/quarantine/}: one row per record or file that could not be kept, with why.
   * {@code scope} is {@code record} or {@code file}; {@code record_index} is the record's position in
   * its file (null for a file); {@code excerpt} is the first bytes of what could not be read.
   */
  public static final StructType QUARANTINE =
      createStructType(
          List.of(
              createStructField("source_object", StringType, false),
              createStructField("scope", StringType, false),
              createStructField("record_index", LongType, true),
              createStructField("byte_offset", LongType, true),
              createStructField("reason", StringType, false),
              createStructField("event_id", StringType, true),
              createStructField("excerpt", StringType, true)));

  public static int index(String column) {
    return EVENTS.fieldIndex(column);
  }

  public static StructField field(String column) {
    return EVENTS.apply(column);
  }
}
