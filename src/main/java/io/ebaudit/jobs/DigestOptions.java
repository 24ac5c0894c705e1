package io.ebaudit.jobs;

import picocli.CommandLine.Option;

/** {@code --verify-digests} and {@code --public-keys}, shared by the trail-reading commands and {@code weekly}. */
final class DigestOptions {
  @Option(names = "--verify-digests",
      description = "Check the log files against CloudTrail's digest files (CloudTrail-Digest/): missing, altered or"
          + " unlisted files and a broken chain become findings; writes DIR/integrity/.")
  boolean verifyDigests;

  @Option(names = "--public-keys", paramLabel = "FILE",
      description = "Output of aws cloudtrail list-public-keys (local or s3a): with --verify-digests, also checks each"
          + " digest's signature.")
  String publicKeys;
}
