-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Every Elastic Beanstalk call (BeanstalkSchemas.BEANSTALK_EVENTS); event_date folders below each report date, filter days with event_time.
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.beanstalk_events (
  `event_id` string,
  `event_time` timestamp,
  `event_name` string,
  `account_id` string,
  `aws_region` string,
  `application` string,
  `environment_name` string,
  `environment_id` string,
  `template_name` string,
  `version_label` string,
  `resource_arn` string,
  `principal_arn` string,
  `principal_kind` string,
  `user_type` string,
  `session_name` string,
  `mfa_authenticated` boolean,
  `source_ip_address` string,
  `service_originated` boolean,
  `user_agent` string,
  `client_class` string,
  `read_only` boolean,
  `environment_tags` map<string,string>,
  `outcome` string,
  `error_code` string,
  `error_message` string,
  `request_parameters` string
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/beanstalk_events/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/beanstalk_events/report_date=${report_date}/'
);
