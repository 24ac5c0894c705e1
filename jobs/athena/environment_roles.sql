-- Athena / AWS Glue DDL for ebaudit's weekly outputs: Each environment's instance-profile and service roles (io.ebaudit.permissions.EnvironmentRoles.ENVIRONMENT_ROLES).
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.environment_roles (
  `account_id` string,
  `aws_region` string,
  `application` string,
  `environment_name` string,
  `instance_profile` string,
  `instance_profile_role_arn` string,
  `instance_profile_resolved` boolean,
  `service_role` string,
  `service_role_arn` string,
  `service_role_resolved` boolean
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/permissions/environment_roles/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/permissions/environment_roles/report_date=${report_date}/'
);
