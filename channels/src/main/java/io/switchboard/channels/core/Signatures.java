package io.switchboard.channels.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMACs of provider webhooks, compared in constant time (a timing leak would let a forger guess byte by byte). */
public final class Signatures {

  private Signatures() {
  }

  public static byte[] hmac(String algorithm, String key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "sha256=" + lowercase hex HMAC-SHA256(key, body): Meta's X-Hub-Signature-256 and our CTI signature. */
  public static String sha256Header(String key, byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", key, body));
  }

  /** Whether a "sha256=hex" header is the body's HMAC with the key; false for a missing header or key. */
  public static boolean validSha256Header(String key, byte[] body, String header) {
    if (key == null || key.isEmpty() || header == null) {
      return false;
    }
    return equal(sha256Header(key, body), header.trim().toLowerCase(java.util.Locale.ROOT));
  }

  /** Constant-time comparison of two strings' bytes. */
  public static boolean equal(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
