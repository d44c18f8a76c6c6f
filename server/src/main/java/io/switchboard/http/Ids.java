package io.switchboard.http;

import java.security.SecureRandom;

/** Opaque ids: a short type prefix and 20 random base32 characters (100 bits). */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private Ids() {
  }

  public static String next(String prefix) {
    return prefix + "_" + random(20);
  }

  /** A random token of the given length in base32 (5 bits a character). */
  public static String random(int chars) {
    byte[] bytes = new byte[chars];
    RANDOM.nextBytes(bytes);
    char[] out = new char[chars];
    for (int i = 0; i < chars; i++) {
      out[i] = ALPHABET[bytes[i] & 31];
    }
    return new String(out);
  }
}
