-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Per principal and IAM action, successful use (io.ebaudit.permissions.Usage.USAGE).
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.permissions_usage (
  `principal_arn` string,
  `principal_kind` string,
  `iam_action` string,
  `count` bigint,
  `first_seen` timestamp,
  `last_seen` timestamp,
  `regions` array<string>,
  `resources` array<string>,
  `inferred` boolean
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/permissions/usage/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/permissions/usage/report_date=${report_date}/'
);
