package io.switchboard.channels.chat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A logged-in shop customer's identity: HMAC-SHA256(channel secret, email), hex, computed by the
 * shop's server and put in the page. The adapter checks it before anything is posted so a wrong
 * one is refused (401) at the widget, never quietly sent on as an unverified visitor; the core
 * checks it again on inbound with this same class (the contract's "from.signature").
 */
public final class VisitorSignature {

  private VisitorSignature() {
  }

  public static String sign(String secret, String email) {
    return HexFormat.of().formatHex(mac(secret, email));
  }

  /** The address as typed or lower-cased (the core accepts both), compared in constant time. */
  public static boolean valid(String secret, String email, String signature) {
    if (secret == null || secret.isEmpty() || email == null || signature == null) {
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
