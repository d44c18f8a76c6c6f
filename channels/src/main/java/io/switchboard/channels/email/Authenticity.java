package io.switchboard.channels.email;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a mail's From address is vouched for (shared/api.md, "Email"): the topmost
 * Authentication-Results header (RFC 8601), the one the nearest receiving server added, must come
 * from one of the channel's trustedAuthServIds and say dmarc=pass, or dkim=pass for a signing
 * domain aligned with the From domain. Lower headers are ignored: a sender can write any of them,
 * and a trusted server only vouches for what it prepends itself.
 */
public final class Authenticity {

  private static final Pattern RESULT = Pattern.compile(
      "(?i)\\b(dmarc|dkim)\\s*=\\s*([a-z]+)([^;]*)");
  private static final Pattern PROPERTY = Pattern.compile("(?i)\\b(header\\.from|header\\.d|header\\.i)\\s*=\\s*([^\\s;]+)");

  private Authenticity() {
  }

  /**
   * @param headers    the Authentication-Results headers, topmost first
   * @param fromEmail  the From address
   */
  public static boolean verified(List<String> headers, String fromEmail, List<String> trusted, boolean trustAll) {
    if (trustAll) {
      return true;
    }
    if (headers.isEmpty() || fromEmail == null || !fromEmail.contains("@")) {
      return false;
    }
    String top = unfold(headers.get(0));
    int semi = top.indexOf(';');
    String servId = (semi < 0 ? top : top.substring(0, semi)).trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
    if (!trusted.contains(servId) || semi < 0) {
      return false;
    }
    String fromDomain = fromEmail.substring(fromEmail.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    Matcher m = RESULT.matcher(top.substring(semi + 1));
    while (m.find()) {
      String method = m.group(1).toLowerCase(Locale.ROOT);
      boolean pass = m.group(2).equalsIgnoreCase("pass");
      if (!pass) {
        continue;
      }
      String domain = property(m.group(3), method.equals("dmarc") ? "header.from" : "header.d");
      if (method.equals("dmarc") && (domain == null || domain.equals(fromDomain))) {
        return true;
      }
      if (method.equals("dkim") && domain != null && aligned(domain, fromDomain)) {
        return true;
      }
    }
    return false;
  }

  /** Relaxed alignment: the same domain, or one a subdomain of the other (organizational domain). */
  static boolean aligned(String signing, String from) {
    if (!signing.contains(".")) {
      return false; // a bare top-level domain aligns with nothing
    }
    return signing.equals(from) || from.endsWith("." + signing) || signing.endsWith("." + from);
  }

  private static String property(String tail, String name) {
    Matcher p = PROPERTY.matcher(tail);
    while (p.find()) {
      if (p.group(1).equalsIgnoreCase(name)) {
        String v = p.group(2).toLowerCase(Locale.ROOT);
        return v.contains("@") ? v.substring(v.lastIndexOf('@') + 1) : v;
      }
    }
    return null;
  }

  private static String unfold(String h) {
    return h.replaceAll("\\r?\\n[ \\t]+", " ").replaceAll("\\([^)]*\\)", " ");
  }
}
