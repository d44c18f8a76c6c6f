package io.switchboard.channels.phone;

import io.switchboard.channels.core.Signatures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Twilio's request validation: base64(HMAC-SHA1(authToken, url + every POST parameter sorted by
 * name, as name followed by value)). The URL is the one Twilio called, i.e. the public one.
 */
public final class TwilioSignature {

  private TwilioSignature() {
  }

  /** @param params the form parameters, in any order; a repeated name appears as repeated entries */
  public static String compute(String authToken, String url, List<Map.Entry<String, String>> params) {
    List<Map.Entry<String, String>> sorted = new ArrayList<>(params);
    // Sorted by name, then value (what Twilio's libraries do for repeated names).
    sorted.sort(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
    StringBuilder data = new StringBuilder(url);
    sorted.forEach(e -> data.append(e.getKey()).append(e.getValue()));
    byte[] mac = Signatures.hmac("HmacSHA1", authToken, data.toString().getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(mac);
  }

  /**
   * Whether the header is a valid signature of the request. Twilio has signed https URLs both with
   * and without an explicit default port, so both forms are accepted (as its own libraries do).
   */
  public static boolean valid(String authToken, String url, List<Map.Entry<String, String>> params, String header) {
    if (authToken == null || header == null || header.isBlank()) {
      return false;
    }
    for (String candidate : urlForms(url)) {
      if (Signatures.equal(compute(authToken, candidate, params), header.trim())) {
        return true;
      }
    }
    return false;
  }

  static List<String> urlForms(String url) {
    List<String> forms = new ArrayList<>(List.of(url));
    try {
      URI u = URI.create(url);
      int standard = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      String path = (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      String origin = u.getScheme() + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@") + u.getHost();
      if (u.getPort() == standard) {
        forms.add(origin + path);
      } else if (u.getPort() < 0) {
        forms.add(origin + ":" + standard + path);
      }
    } catch (IllegalArgumentException e) {
      // the URL is ours (public URL + path): keep the one form
    }
    return forms;
  }
}
