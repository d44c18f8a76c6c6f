package io.switchboard.channels.social;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A social channel's settings (shared/api.md, "Social").
 *
 * @param platform      messenger, instagram or whatsapp
 * @param appSecret     the Meta app's secret: the key of X-Hub-Signature-256
 * @param verifyToken   what the admin typed into the webhook form, echoed by Meta's handshake
 * @param accessToken   the page's (or WhatsApp system user's) token for the Graph API
 * @param pageId        the Facebook page or Instagram account id (sends go to /{pageId}/messages; "me" without it)
 * @param phoneNumberId the WhatsApp business number's id (sends go to /{phoneNumberId}/messages)
 * @param graphBaseUrl  the Graph API's base, Meta's by default; a local fake in tests
 * @param templates     the WhatsApp templates an agent may send outside the 24-hour window
 */
public record SocialSettings(String platform, String appSecret, String verifyToken, String accessToken, String pageId,
    String phoneNumberId, String graphBaseUrl, List<Template> templates) {

  public static final String DEFAULT_GRAPH = "https://graph.facebook.com/v19.0";
  static final List<String> PLATFORMS = List.of("messenger", "instagram", "whatsapp");

  public record Template(String name, String language, String body) {
  }

  public static SocialSettings from(JsonObject s) {
    String platform = s.getString("platform", "messenger");
    if (!PLATFORMS.contains(platform)) {
      throw new IllegalArgumentException("settings.platform must be one of " + PLATFORMS);
    }
    String graph = blank(s.getString("graphBaseUrl")) ? DEFAULT_GRAPH : s.getString("graphBaseUrl").trim();
    if (graph.endsWith("/")) {
      graph = graph.substring(0, graph.length() - 1);
    }
    List<Template> templates = new ArrayList<>();
    JsonArray t = s.getJsonArray("templates");
    if (t != null) {
      for (int i = 0; i < t.size(); i++) {
        if (t.getValue(i) instanceof JsonObject o && !blank(o.getString("name"))) {
          templates.add(new Template(o.getString("name"), o.getString("language", "en_US"), o.getString("body")));
        }
      }
    }
    return new SocialSettings(platform, nullIfBlank(s.getString("appSecret")), nullIfBlank(s.getString("verifyToken")),
        nullIfBlank(s.getString("accessToken")), idOf(s.getValue("pageId")), idOf(s.getValue("phoneNumberId")), graph,
        List.copyOf(templates));
  }

  private static String idOf(Object v) {
    return v instanceof Number n ? String.valueOf(n.longValue()) : v instanceof String str && !str.isBlank() ? str.trim()
        : null;
  }

  private static String nullIfBlank(String s) {
    return blank(s) ? null : s;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
