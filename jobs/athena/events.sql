-- Athena / AWS Glue DDL for ebaudit's weekly outputs: One row per distinct CloudTrail eventID (schema io.ebaudit.trail.EventSchema.EVENTS). The files sit in event_date=YYYY-MM-DD/ folders below each report date; Athena reads them all, so filter days with event_time.
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.events (
  `event_id` string,
  `event_time` timestamp,
  `event_version` string,
  `event_source` string,
  `event_name` string,
  `aws_region` string,
  `source_ip_address` string,
  `user_agent` string,
  `error_code` string,
  `error_message` string,
  `request_parameters` string,
  `response_elements` string,
  `additional_event_data` string,
  `service_event_details` string,
  `request_id` string,
  `event_type` string,
  `api_version` string,
  `read_only` boolean,
  `management_event` boolean,
  `event_category` string,
  `recipient_account_id` string,
  `shared_event_id` string,
  `vpc_endpoint_id` string,
  `session_credential_from_console` boolean,
  `resources` array<struct<arn:string,account_id:string,type:string>>,
  `tls_details` struct<tls_version:string,cipher_suite:string,client_provided_host_header:string>,
  `addendum` struct<reason:string,updated_fields:string,original_request_id:string,original_event_id:string>,
  `user_type` string,
  `user_arn` string,
  `user_principal_id` string,
  `user_account_id` string,
  `user_access_key_id` string,
  `user_name` string,
  `invoked_by` string,
  `session_issuer_type` string,
  `session_issuer_arn` string,
  `session_issuer_account_id` string,
  `session_issuer_user_name` string,
  `session_mfa_authenticated` boolean,
  `session_creation_date` timestamp,
  `session_source_identity` string,
  `principal_arn` string,
  `principal_kind` string,
  `session_name` string,
  `service_originated` boolean,
  `iam_action` string,
  `failed` boolean,
  `source_object` string
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/events/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/events/report_date=${report_date}/'
);
