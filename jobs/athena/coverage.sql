-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Each live environment's monitoring and hardening settings (io.ebaudit.posture.Coverage).
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.coverage (
  `account_id` string,
  `aws_region` string,
  `application` string,
  `environment_name` string,
  `enhanced_health` boolean,
  `enhanced_health_value` string,
  `enhanced_health_changed_by` string,
  `enhanced_health_changed_time` timestamp,
  `managed_updates` boolean,
  `managed_updates_value` string,
  `managed_updates_changed_by` string,
  `managed_updates_changed_time` timestamp,
  `log_streaming` boolean,
  `log_streaming_value` string,
  `log_streaming_changed_by` string,
  `log_streaming_changed_time` timestamp,
  `retention_days` int,
  `health_streaming` boolean,
  `health_streaming_value` string,
  `health_streaming_changed_by` string,
  `health_streaming_changed_time` timestamp,
  `health_metrics_configured` boolean,
  `health_metrics_configured_value` string,
  `health_metrics_configured_changed_by` string,
  `health_metrics_configured_changed_time` timestamp,
  `imdsv1_disabled` boolean,
  `imdsv1_disabled_value` string,
  `imdsv1_disabled_changed_by` string,
  `imdsv1_disabled_changed_time` timestamp
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/coverage/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/coverage/report_date=${report_date}/'
);
