package io.ebaudit.config;

/**
 * How a production run reads and checks: digest verification and incremental reading.
 *
 * @param verifyDigests check the log files against CloudTrail's digests ({@code --verify-digests})
 * @param publicKeys an {@code aws cloudtrail list-public-keys} export to check digest signatures with, or null
 * @param incremental read only log objects not in the output root's manifest and merge their events
 *                    into the published events table ({@code --incremental})
 * @param deliveryToleranceMinutes {@code integrity.delivery_tolerance_minutes}: a log file delivered this
 *                                 close to the newest digest read is not expected in a digest yet
 */
public record RunOptions(boolean verifyDigests, String publicKeys, boolean incremental, int deliveryToleranceMinutes) {

  public RunOptions {
    if (publicKeys != null && !verifyDigests) {
      throw new IllegalArgumentException("Cannot verify digests: --public-keys goes with --verify-digests, got --public-keys "
          + publicKeys + " alone");
    }
    if (publicKeys != null && publicKeys.isBlank()) {
      throw new IllegalArgumentException("Cannot verify digests: --public-keys is blank, got '" + publicKeys + "'");
    }
    if (deliveryToleranceMinutes < 0 || deliveryToleranceMinutes > 7 * 24 * 60) {
      throw new IllegalArgumentException("Cannot verify digests: the delivery tolerance must be from 0 to 10080 minutes, got "
          + deliveryToleranceMinutes);
    }
  }

  /** A plain run: everything read, nothing verified. */
  public static RunOptions defaults() {
    return new RunOptions(false, null, false, 60);
  }

  public static RunOptions of(boolean verifyDigests, String publicKeys, boolean incremental, Settings settings) {
    return new RunOptions(verifyDigests, publicKeys, incremental,
        settings.getInt("integrity.delivery_tolerance_minutes", 0, 7 * 24 * 60));
  }
}
