-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Each live environment's platform and its staleness verdict (io.ebaudit.posture.Platforms.PLATFORMS).
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.platforms (
  `account_id` string,
  `aws_region` string,
  `application` string,
  `environment_name` string,
  `platform_arn` string,
  `solution_stack_name` string,
  `branch` string,
  `current_version` string,
  `target_version` string,
  `target_recommended` boolean,
  `major_behind` int,
  `minor_behind` int,
  `patch_behind` int,
  `versions_behind` int,
  `branch_lifecycle` string,
  `retirement_date` date,
  `deadline` date,
  `managed_updates_enabled` boolean,
  `update_level` string,
  `managed_updates_reach` boolean,
  `on_version_since` timestamp,
  `finding_id` string,
  `severity` string,
  `reason` string,
  `catalog_source` string,
  `catalog_as_of` date
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/platforms/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/platforms/report_date=${report_date}/'
);
