package io.ebaudit.integrity;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * CloudTrail's digest signatures, as AWS documents them ("Custom implementations of CloudTrail log file
 * integrity validation") and as {@code aws cloudtrail validate-logs} checks them.
 *
 * <p>The signed data is the UTF-8 string {@code digestEndTime + "\n" + digestS3Bucket + "/" +
 * digestS3Object + "\n" + hex(SHA-256(uncompressed digest file)) + "\n" + previousDigestSignature}, where a
 * missing previous signature (the first digest of a chain) is the text {@code null}. The signature is
 * SHA256withRSA (PKCS #1 v1.5), hex-encoded, kept by S3 as the digest object's {@code x-amz-meta-signature}
 * metadata and repeated as {@code previousDigestSignature} in the next digest of the chain. The public
 * keys ({@code aws cloudtrail list-public-keys}) are DER-encoded PKCS #1 {@code RSAPublicKey}s (base64 in
 * the CLI's JSON); X.509 {@code SubjectPublicKeyInfo} is accepted too.
 */
public final class DigestSignature {
  private DigestSignature() {}

  public static final String ALGORITHM = "SHA256withRSA";

  /** The string CloudTrail signs for one digest file. */
  public static String signingString(String digestEndTime, String bucket, String key, String digestSha256Hex,
      String previousSignature) {
    return digestEndTime + "\n" + bucket + "/" + key + "\n" + digestSha256Hex + "\n"
        + (previousSignature == null ? "null" : previousSignature);
  }

  /** Hex SHA256withRSA signature of {@code data} (the sample's stand-in for AWS's signing). */
  public static String sign(PrivateKey key, String data) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(data.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign a digest: " + e.getMessage(), e);
    }
  }

  /** Whether {@code signatureHex} is a valid signature of {@code data}; false for malformed hex. */
  public static boolean verify(PublicKey key, String data, String signatureHex) {
    byte[] sig;
    try {
      sig = HexFormat.of().parseHex(signatureHex.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(data.getBytes(StandardCharsets.UTF_8));
      return s.verify(sig);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot verify a digest signature: " + e.getMessage(), e);
    }
  }

  /** A public key from DER: PKCS #1 RSAPublicKey (what CloudTrail publishes) or X.509 SubjectPublicKeyInfo. */
  public static PublicKey publicKey(byte[] der) {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      // not SubjectPublicKeyInfo: try PKCS #1
    }
    try {
      Der d = new Der(der);
      d.expect(0x30);
      int end = d.length() + d.pos;
      BigInteger n = d.integer();
      BigInteger e = d.integer();
      if (d.pos != end || end != der.length) {
        throw new IllegalArgumentException("trailing bytes");
      }
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    } catch (GeneralSecurityException | RuntimeException ex) {
      throw new IllegalArgumentException("not a DER RSA public key (PKCS #1 or X.509): " + ex.getMessage(), ex);
    }
  }

  /** DER PKCS #1 RSAPublicKey of {@code key}: what {@code list-public-keys} returns. */
  public static byte[] pkcs1(RSAPublicKey key) {
    byte[] n = integer(key.getModulus());
    byte[] e = integer(key.getPublicExponent());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(n);
    body.writeBytes(e);
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = value.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      byte[] l = BigInteger.valueOf(len).toByteArray();
      int skip = l[0] == 0 ? 1 : 0;
      out.write(0x80 | (l.length - skip));
      out.write(l, skip, l.length - skip);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** Just enough DER to read a SEQUENCE of two INTEGERs. */
  private static final class Der {
    final byte[] b;
    int pos;

    Der(byte[] b) {
      this.b = b;
    }

    void expect(int tag) {
      if ((b[pos++] & 0xff) != tag) {
        throw new IllegalArgumentException("unexpected DER tag at " + (pos - 1));
      }
    }

    int length() {
      int first = b[pos++] & 0xff;
      if (first < 0x80) {
        return first;
      }
      int n = first & 0x7f;
      if (n == 0 || n > 4) {
        throw new IllegalArgumentException("bad DER length");
      }
      int len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (b[pos++] & 0xff);
      }
      return len;
    }

    BigInteger integer() {
      expect(0x02);
      int len = length();
      BigInteger v = new BigInteger(java.util.Arrays.copyOfRange(b, pos, pos + len));
      pos += len;
      return v;
    }
  }
}
