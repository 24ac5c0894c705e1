-- Athena / AWS Glue: the database the ebaudit tables live in. Run this first, then every other file here.
CREATE DATABASE IF NOT EXISTS ebaudit
  COMMENT 'ebaudit weekly outputs: CloudTrail-based Elastic Beanstalk audit';
