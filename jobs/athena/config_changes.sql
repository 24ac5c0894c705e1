-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Every Beanstalk configuration change, before and after (BeanstalkSchemas.CONFIG_CHANGES); event_date folders below each report date, filter days with event_time.
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.config_changes (
  `event_id` string,
  `event_time` timestamp,
  `event_name` string,
  `account_id` string,
  `aws_region` string,
  `application` string,
  `target_type` string,
  `target_name` string,
  `environment_id` string,
  `resource_arn` string,
  `change_kind` string,
  `namespace` string,
  `option_name` string,
  `resource_name` string,
  `value_before` string,
  `value_before_source` string,
  `value_after` string,
  `secret` boolean,
  `principal_arn` string,
  `principal_kind` string,
  `mfa_authenticated` boolean,
  `source_ip_address` string,
  `service_originated` boolean,
  `client_class` string,
  `user_agent` string
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/config_changes/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/config_changes/report_date=${report_date}/'
);
