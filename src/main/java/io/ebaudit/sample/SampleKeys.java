package io.ebaudit.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.integrity.DigestSignature;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sample's stand-in for CloudTrail's regional signing key: an RSA-2048 key pair derived from the
 * seed (so the sample stays a pure function of its spec), its {@code list-public-keys} export and its
 * fingerprint (the hex MD5 of the DER public key: CloudTrail's fingerprints are 32 hex digits too, but AWS
 * does not document what it hashes). A sample key, public by construction: never a secret.
 */
public final class SampleKeys {
  private static final Map<Long, SampleKeys> CACHE = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrivateKey privateKey;
  private final RSAPublicKey publicKey;
  private final String fingerprint;

  private SampleKeys(PrivateKey privateKey, RSAPublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    try {
      this.fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(DigestSignature.pkcs1(publicKey)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key pair of {@code seed} (the same on every JVM: primes drawn from a seeded {@link Random}). */
  public static SampleKeys forSeed(long seed) {
    return CACHE.computeIfAbsent(seed, SampleKeys::derive);
  }

  private static SampleKeys derive(long seed) {
    Random r = new Random(Mix.of(seed, 6));
    BigInteger e = BigInteger.valueOf(65537);
    while (true) {
      BigInteger p = BigInteger.probablePrime(1024, r);
      BigInteger q = BigInteger.probablePrime(1024, r);
      BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
      if (p.equals(q) || !phi.gcd(e).equals(BigInteger.ONE)) {
        continue;
      }
      BigInteger n = p.multiply(q);
      BigInteger d = e.modInverse(phi);
      try {
        KeyFactory f = KeyFactory.getInstance("RSA");
        PrivateKey priv = f.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q,
            d.mod(p.subtract(BigInteger.ONE)), d.mod(q.subtract(BigInteger.ONE)), q.modInverse(p)));
        RSAPublicKey pub = (RSAPublicKey) f.generatePublic(new RSAPublicKeySpec(n, e));
        return new SampleKeys(priv, pub);
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException("Cannot derive the sample key: " + ex.getMessage(), ex);
      }
    }
  }

  public String fingerprint() {
    return fingerprint;
  }

  public RSAPublicKey publicKey() {
    return publicKey;
  }

  /** Hex SHA256withRSA signature of {@code data}. */
  public String sign(String data) {
    return DigestSignature.sign(privateKey, data);
  }

  /** The {@code aws cloudtrail list-public-keys} output for a key valid over [from, to]. */
  public String export(LocalDate from, LocalDate to) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("PublicKeyList");
    ObjectNode k = list.addObject();
    k.put("Value", Base64.getEncoder().encodeToString(DigestSignature.pkcs1(publicKey)));
    k.put("ValidityStartTime", from + "T00:00:00+00:00");
    k.put("ValidityEndTime", to + "T00:00:00+00:00");
    k.put("Fingerprint", fingerprint);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
