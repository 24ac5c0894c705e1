/**
 * Synthetic CloudTrail archives for tests, demos and benchmarks ({@code ebaudit sample}).
 *
 * <p>{@link io.ebaudit.sample.TrailGenerator#generate} writes the real S3 layout into a local
 * directory: {@code AWSLogs/[o-id/]<acct>/CloudTrail/<region>/YYYY/MM/DD/} log files (gzip of one
 * {@code {"Records":[...]}} line, one per 5-minute period with activity), hourly
 * {@code CloudTrail-Digest/} files whose SHA-256 hashes and chain verify, Config writability check
 * files and a {@code CloudTrail-Insight/} pair. Records use real CloudTrail field names and shapes;
 * the Beanstalk story (risky option changes, a production termination, root and no-MFA changes,
 * an AccessDenied burst, secrets in environment properties) is scripted so that risk rules fire.
 * Everything is ours and fake: account ids come from the seed, IPs from documentation ranges,
 * keys are AWS's documented examples, digest signatures are {@code 0badc0de...}.
 */
package io.ebaudit.sample;
