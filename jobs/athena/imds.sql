-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Each live environment's IMDSv2 verdict (io.ebaudit.posture.Imds).
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.imds (
  `account_id` string,
  `aws_region` string,
  `application` string,
  `environment_name` string,
  `environment_id` string,
  `imdsv1_disabled` boolean,
  `imdsv1_disabled_value` string,
  `imdsv1_disabled_changed_by` string,
  `imdsv1_disabled_changed_time` timestamp,
  `verdict` string,
  `instances` array<string>,
  `instances_without_metrics` array<string>,
  `metric_datapoints` bigint,
  `metadata_no_token_sum` double,
  `imdsv1_callers` array<struct<instance_id:string,calls:bigint>>,
  `window_from` timestamp,
  `window_to` timestamp
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/imds/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/imds/report_date=${report_date}/'
);
