-- Athena / AWS Glue DDL for ebaudit's weekly outputs: CloudWatch Metric Streams records as read (io.ebaudit.io.MetricStreams.METRICS); written by analyze --metrics when the metrics stage keeps them.
-- Replace s3://my-audit/ebaudit with the --out of your weekly job (the prefix holding events/, findings/, report/ …).
-- Partition projection on report_date: no MSCK REPAIR, no crawler; a new week is queryable as soon as it is published.
-- Columns match the table's explicit Spark schema; a test (AthenaDdlTest) fails when they drift apart.
CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.metrics (
  `metric_stream_name` string,
  `account_id` string,
  `region` string,
  `namespace` string,
  `metric_name` string,
  `dimensions` map<string,string>,
  `timestamp` bigint,
  `value` struct<max:double,min:double,sum:double,count:double>,
  `statistics` map<string,double>,
  `unit` string,
  `source_file` string
)
PARTITIONED BY (`report_date` string)
STORED AS PARQUET
LOCATION 's3://my-audit/ebaudit/metrics/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.report_date.type' = 'date',
  'projection.report_date.format' = 'yyyy-MM-dd',
  'projection.report_date.range' = '2020-01-01,NOW',
  'projection.report_date.interval' = '1',
  'projection.report_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://my-audit/ebaudit/metrics/report_date=${report_date}/'
);
