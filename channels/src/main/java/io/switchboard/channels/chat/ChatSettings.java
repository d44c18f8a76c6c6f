package io.switchboard.channels.chat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A chat channel's settings (shared/api.md, "Chat"): the shop origins whose pages may open the
 * widget's socket, what the widget shows, and the signing secret of logged-in customers.
 */
record ChatSettings(Set<String> allowedOrigins, String title, String color, String greeting, String secret) {

  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}");
  static final String DEFAULT_COLOR = "#2f6fde";

  static ChatSettings from(JsonObject s) {
    Set<String> origins = new LinkedHashSet<>();
    Object list = s.getValue("allowedOrigins");
    if (list instanceof JsonArray a) {
      for (Object o : a) {
        String n = o instanceof String str ? origin(str) : null;
        if (n != null) {
          origins.add(n);
        }
      }
    }
    String color = s.getValue("color") instanceof String c && COLOR.matcher(c.trim()).matches() ? c.trim() : DEFAULT_COLOR;
    return new ChatSettings(Set.copyOf(origins), text(s, "title", "Chat with us", 80), color,
        text(s, "greeting", "Hi! How can we help?", 500), s.getValue("secret") instanceof String sec ? sec : null);
  }

  /**
   * Whether a browser's Origin header names one of the allowed shop origins. No Origin, "null"
   * (a sandboxed frame, a file) or anything unparsable is refused; an empty list refuses all.
   */
  boolean allows(String originHeader) {
    String o = originHeader == null ? null : origin(originHeader);
    return o != null && allowedOrigins.contains(o);
  }

  /** scheme://host[:port] lower-cased with default ports dropped, or null when it is not an http(s) origin. */
  static String origin(String raw) {
    String t = raw.trim();
    if (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      URI u = new URI(t);
      String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
      if (!("http".equals(scheme) || "https".equals(scheme)) || u.getHost() == null
          || (u.getRawPath() != null && !u.getRawPath().isEmpty()) || u.getRawQuery() != null || u.getUserInfo() != null) {
        return null;
      }
      int port = u.getPort();
      boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
      return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static String text(JsonObject s, String field, String fallback, int max) {
    Object v = s.getValue(field);
    if (!(v instanceof String str) || str.isBlank()) {
      return fallback;
    }
    String t = str.trim();
    return t.length() <= max ? t : t.substring(0, max);
  }
}
