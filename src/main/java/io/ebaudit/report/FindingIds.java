package io.ebaudit.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.spark.sql.Column;

/**
 * Stable finding ids: the first 32 hex characters of SHA-256 over the rule id and the key parts, joined
 * with U+001F (the unit separator, which names and ARNs do not hold, so {@code ("a|b","c")} and
 * {@code ("a","b|c")} differ). A null part counts as the empty string in both the Java and the column
 * form, which agree byte for byte (UTF-8).
 */
public final class FindingIds {
  private FindingIds() {}

  static final String SEPARATOR = "\u001f";
  public static final int LENGTH = 32;

  public static String findingId(String ruleId, String... keyParts) {
    StringBuilder sb = new StringBuilder(ruleId == null ? "" : ruleId);
    for (String p : keyParts) {
      sb.append(SEPARATOR).append(p == null ? "" : p);
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** {@link #findingId} as a column; parts of any type are cast to strings. */
  public static Column findingIdColumn(Column ruleId, Column... parts) {
    Column[] all = new Column[parts.length + 1];
    all[0] = coalesce(ruleId.cast("string"), lit(""));
    for (int i = 0; i < parts.length; i++) {
      all[i + 1] = coalesce(parts[i].cast("string"), lit(""));
    }
    return substring(sha2(concat_ws(SEPARATOR, all), 256), 1, LENGTH);
  }
}
