-- Athena / AWS Glue DDL for ebaudit's weekly outputs: The findings every report reads (io.ebaudit.report.FindingSchema.FINDINGS).
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.findings (
  `finding_id` string,
  `rule_id` string,
  `severity` string,
  `status` string,
  `account_id` string,
  `region` string,
  `application` string,
  `environment` string,
  `resource_arn` string,
  `principal_arn` string,
  `event_ids` array<string>,
  `first_seen` timestamp,
  `last_seen` timestamp,
  `title` string,
  `detail` string,
  `evidence` string,
  `remediation` string,
  `compliance` array<string>,
  `suppression_reason` string,
  `suppressed_until` string
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/findings/parquet/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/findings/parquet/report_date=${report_date}/'
);
