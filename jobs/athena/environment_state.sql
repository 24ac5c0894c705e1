-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Each environment's effective configuration at the end of the week (BeanstalkSchemas.ENVIRONMENT_STATE).
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.environment_state (
  `account_id` string,
  `aws_region` string,
  `application` string,
  `environment_name` string,
  `environment_id` string,
  `namespace` string,
  `option_name` string,
  `resource_name` string,
  `value` string,
  `value_source` string,
  `is_default` boolean,
  `secret` boolean,
  `last_changed_time` timestamp,
  `last_changed_event_id` string,
  `last_changed_by` string
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/environment_state/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/environment_state/report_date=${report_date}/'
);
