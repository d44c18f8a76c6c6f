package io.switchboard.channels.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A customer message for {@code POST /api/v1/inbound} (shared/api.md, "Inbound"). {@code call} is
 * kept as JSON: only the phone adapter fills it. {@code html} is passed on as the provider gave it;
 * the server sanitizes it.
 */
public record Inbound(String externalId, From from, String threadKey, String subject, String text, String html,
    Instant sentAt, List<String> attachmentIds, JsonObject call, boolean autoSubmitted, boolean isPublic) {

  /** Who wrote it. verified/unverified list identity kinds the adapter vouches for or cannot. */
  public record From(String name, String email, String phone, String handle, String platform, List<String> verified,
      List<String> unverified, String signature) {

    public static From email(String name, String email, boolean vouched) {
      return new From(name, email, null, null, null, List.of(), vouched ? List.of() : List.of("email"), null);
    }

    JsonObject toJson() {
      JsonObject o = new JsonObject();
      putIf(o, "name", name);
      putIf(o, "email", email);
      putIf(o, "phone", phone);
      putIf(o, "handle", handle);
      putIf(o, "platform", platform);
      putIf(o, "signature", signature);
      if (verified != null && !verified.isEmpty()) {
        o.put("verified", new JsonArray(verified));
      }
      if (unverified != null && !unverified.isEmpty()) {
        o.put("unverified", new JsonArray(unverified));
      }
      return o;
    }
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("externalId", externalId).put("from", from.toJson());
    putIf(o, "threadKey", threadKey);
    putIf(o, "subject", subject);
    putIf(o, "text", text);
    putIf(o, "html", html);
    if (sentAt != null) {
      o.put("sentAt", sentAt.toString());
    }
    if (attachmentIds != null && !attachmentIds.isEmpty()) {
      JsonArray a = new JsonArray();
      attachmentIds.forEach(id -> a.add(new JsonObject().put("id", id)));
      o.put("attachments", a);
    }
    if (call != null) {
      o.put("call", call);
    }
    if (autoSubmitted) {
      o.put("autoSubmitted", true);
    }
    if (isPublic) {
      o.put("public", true);
    }
    return o;
  }

  static void putIf(JsonObject o, String field, Object value) {
    if (value != null) {
      o.put(field, value);
    }
  }
}
