package io.switchboard.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The chat widget's identity signature (contract "from.signature"): HMAC-SHA256 of the visitor's
 * email under the chat channel's secret, hex. A valid one makes the chat email verified.
 */
public final class ChatSignature {

  private ChatSignature() {
  }

  /** What a shop's backend puts in the widget for a signed-in customer. */
  public static String sign(String secret, String email) {
    return HexFormat.of().formatHex(mac(secret, email));
  }

  /** Widgets sign the address as the visitor typed it or lower-cased; either is accepted. */
  static boolean valid(String secret, String email, String signature) {
    if (secret == null || signature == null || email == null) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    String typed = email.trim();
    return MessageDigest.isEqual(mac(secret, typed), given)
        | MessageDigest.isEqual(mac(secret, typed.toLowerCase(Locale.ROOT)), given);
  }

  private static byte[] mac(String secret, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
