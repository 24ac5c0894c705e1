-- Athena / AWS Glue DDL for ebaudit's weekly outputs: One row per change and its effect on health, errors and latency (io.ebaudit.impact.Impact.IMPACT); written by analyze/weekly with --metrics.
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.impact (
  `account_id` string,
  `aws_region` string,
  `environment_id` string,
  `environment_name` string,
  `change_time` timestamp,
  `change_kind` string,
  `event_id` string,
  `event_name` string,
  `principal` string,
  `window_minutes` int,
  `health_before` double,
  `health_after` double,
  `requests_before` double,
  `requests_after` double,
  `rate_5xx_before` double,
  `rate_5xx_after` double,
  `p99_before_ms` double,
  `p99_after_ms` double,
  `severe_before` double,
  `severe_after` double,
  `metrics_available` boolean,
  `degraded` boolean,
  `degradation_reasons` array<string>,
  `application` string
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/impact/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/impact/report_date=${report_date}/'
);
