package io.ebaudit.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The public keys of an {@code aws cloudtrail list-public-keys} export (one file; run it per region and
 * time range you verify, and concatenate the {@code PublicKeyList}s), by fingerprint:
 * <pre>{"PublicKeyList": [{"Value": "&lt;base64 DER&gt;", "ValidityStartTime": "…", "ValidityEndTime": "…",
 *   "Fingerprint": "&lt;hex&gt;"}]}</pre>
 * A digest names the key that signed it ({@code digestPublicKeyFingerprint}). Keys are kept as DER bytes,
 * which travel to Spark tasks.
 */
public final class PublicKeys implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, byte[]> byFingerprint;

  private PublicKeys(Map<String, byte[]> byFingerprint) {
    this.byFingerprint = byFingerprint;
  }

  /** Parses an export; mistakes are config errors: {@code Cannot read public keys …}. */
  public static PublicKeys parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read public keys " + source + ": not JSON, got "
          + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    JsonNode list = root == null ? null : root.get("PublicKeyList");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("Cannot read public keys " + source
          + ": expected the output of aws cloudtrail list-public-keys with a PublicKeyList, got "
          + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode k : list) {
      String fp = k.path("Fingerprint").asText("").trim().toLowerCase(Locale.ROOT);
      String value = k.path("Value").asText("");
      if (fp.isEmpty() || value.isEmpty()) {
        throw new IllegalArgumentException("Cannot read public keys " + source + ": key " + i
            + " has no Fingerprint or Value, got " + k);
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(value);
        DigestSignature.publicKey(der);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Cannot read public keys " + source + ": key " + fp
            + " is not a base64 DER RSA public key, got " + e.getMessage());
      }
      keys.put(fp, der);
      i++;
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("Cannot read public keys " + source + ": the PublicKeyList is empty, got 0 keys");
    }
    return new PublicKeys(keys);
  }

  /** The key with this fingerprint, or null. */
  public java.security.PublicKey get(String fingerprint) {
    byte[] der = fingerprint == null ? null : byFingerprint.get(fingerprint.trim().toLowerCase(Locale.ROOT));
    return der == null ? null : DigestSignature.publicKey(der);
  }

  public int size() {
    return byFingerprint.size();
  }
}
