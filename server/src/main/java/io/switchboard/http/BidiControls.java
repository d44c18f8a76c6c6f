package io.switchboard.http;

import java.util.regex.Pattern;

/**
 * Strips the Unicode controls that reorder text (embeddings, overrides, isolates: U+202A-202E and
 * U+2066-2069) from text a customer chose and an agent reads as a label: a file name
 * "invoice\u202Efdp.exe" would otherwise show as "invoiceexe.pdf". Ordinary right-to-left text
 * needs none of them.
 */
public final class BidiControls {

  private static final Pattern CONTROLS = Pattern.compile("[\\u202A-\\u202E\\u2066-\\u2069]");

  private BidiControls() {
  }

  /** The text without them; null stays null. */
  public static String strip(String text) {
    return text == null ? null : CONTROLS.matcher(text).replaceAll("");
  }
}
