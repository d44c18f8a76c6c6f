package io.switchboard.channels.social;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a Meta webhook body (already verified) into {@link MetaEvent}s: Messenger and Instagram
 * messaging (messages, postbacks, delivery receipts), page feed and Instagram comments, and
 * WhatsApp Cloud API messages and statuses. Reactions, reads, echoes of our own sends and
 * anything else are left out.
 */
final class MetaWebhook {

  /** More items than Meta ever batches: a body past it is not a real delivery. */
  static final int MAX_EVENTS = 1000;

  private MetaWebhook() {
  }

  static List<MetaEvent> parse(JsonObject body) {
    String object = body.getString("object", "");
    List<MetaEvent> out = new ArrayList<>();
    JsonArray entries = body.getJsonArray("entry", new JsonArray());
    for (int i = 0; i < entries.size() && out.size() < MAX_EVENTS; i++) {
      if (!(entries.getValue(i) instanceof JsonObject entry)) {
        continue;
      }
      switch (object) {
        case "page" -> page(entry, "messenger", out);
        case "instagram" -> page(entry, "instagram", out);
        case "whatsapp_business_account" -> whatsapp(entry, out);
        default -> {
          // another product's webhook (e.g. "user"): nothing for a social channel
        }
      }
    }
    return out;
  }

  private static void page(JsonObject entry, String platform, List<MetaEvent> out) {
    String own = id(entry.getValue("id"));
    for (JsonObject m : objects(entry.getJsonArray("messaging"))) {
      String sender = id(m.getJsonObject("sender", new JsonObject()).getValue("id"));
      Instant at = millis(m.getValue("timestamp"));
      if (sender == null || sender.equals(own)) {
        continue;
      }
      JsonObject message = m.getJsonObject("message");
      JsonObject postback = m.getJsonObject("postback");
      JsonObject delivery = m.getJsonObject("delivery");
      if (message != null) {
        if (message.getBoolean("is_echo", false) || message.getBoolean("is_deleted", false)
            || message.getString("mid") == null) {
          continue;
        }
        List<MetaEvent.Media> media = new ArrayList<>();
        for (JsonObject a : objects(message.getJsonArray("attachments"))) {
          JsonObject payload = a.getJsonObject("payload", new JsonObject());
          media.add(new MetaEvent.Media(payload.getString("url"), null, a.getString("type", "file"), null, null));
        }
        String text = message.getString("text");
        if (text == null && media.isEmpty()) {
          continue; // a sticker-less like or an empty shell: nothing to read
        }
        out.add(new MetaEvent.Message(message.getString("mid"), platform, sender, null, null, text, media, null, false,
            at));
      } else if (postback != null) {
        // A button the customer pressed: its title (what they saw) as text, else its payload.
        String text = postback.getString("title") != null ? postback.getString("title") : postback.getString("payload");
        if (text == null) {
          continue;
        }
        String mid = postback.getString("mid");
        String externalId = mid != null ? mid : "postback:" + sender + ":" + m.getValue("timestamp");
        out.add(new MetaEvent.Message(externalId, platform, sender, null, null, text, List.of(), null, false, at));
      } else if (delivery != null) {
        for (Object mid : delivery.getJsonArray("mids", new JsonArray())) {
          if (mid instanceof String s) {
            out.add(new MetaEvent.Status(s, "delivered", null));
          }
        }
      }
      // reaction, read, optin, referral...: not messages
    }
    for (JsonObject change : objects(entry.getJsonArray("changes"))) {
      JsonObject v = change.getJsonObject("value", new JsonObject());
      String field = change.getString("field", "");
      if (field.equals("feed") && "comment".equals(v.getString("item")) && "add".equals(v.getString("verb"))) {
        JsonObject from = v.getJsonObject("from", new JsonObject());
        String who = id(from.getValue("id"));
        String comment = id(v.getValue("comment_id"));
        if (who == null || comment == null || who.equals(own) || v.getString("message") == null) {
          continue;
        }
        out.add(new MetaEvent.Message("comment:" + comment, platform, who, from.getString("name"), null,
            v.getString("message"), List.of(), "post:" + id(v.getValue("post_id")), true, seconds(v.getValue("created_time"))));
      } else if (field.equals("comments") && v.getString("text") != null) {
        JsonObject from = v.getJsonObject("from", new JsonObject());
        String who = id(from.getValue("id"));
        String comment = id(v.getValue("id"));
        if (who == null || comment == null || who.equals(own)) {
          continue;
        }
        String media = id(v.getJsonObject("media", new JsonObject()).getValue("id"));
        out.add(new MetaEvent.Message("comment:" + comment, platform, who, from.getString("username"), null,
            v.getString("text"), List.of(), media == null ? null : "media:" + media, true, seconds(entry.getValue("time"))));
      }
    }
  }

  private static void whatsapp(JsonObject entry, List<MetaEvent> out) {
    for (JsonObject change : objects(entry.getJsonArray("changes"))) {
      if (!"messages".equals(change.getString("field"))) {
        continue;
      }
      JsonObject v = change.getJsonObject("value", new JsonObject());
      java.util.Map<String, String> names = new java.util.HashMap<>();
      for (JsonObject c : objects(v.getJsonArray("contacts"))) {
        JsonObject profile = c.getJsonObject("profile", new JsonObject());
        if (id(c.getValue("wa_id")) != null && profile.getString("name") != null) {
          names.put(id(c.getValue("wa_id")), profile.getString("name"));
        }
      }
      for (JsonObject m : objects(v.getJsonArray("messages"))) {
        String from = id(m.getValue("from"));
        String id = m.getString("id");
        String type = m.getString("type", "");
        if (from == null || id == null || type.equals("reaction")) {
          continue;
        }
        String text = null;
        List<MetaEvent.Media> media = new ArrayList<>();
        switch (type) {
          case "text" -> text = m.getJsonObject("text", new JsonObject()).getString("body");
          case "image", "video", "audio", "document", "sticker" -> {
            JsonObject f = m.getJsonObject(type, new JsonObject());
            text = f.getString("caption");
            if (f.getString("id") != null) {
              media.add(new MetaEvent.Media(null, f.getString("id"), type, f.getString("mime_type"),
                  f.getString("filename")));
            }
          }
          case "button" -> text = m.getJsonObject("button", new JsonObject()).getString("text");
          case "interactive" -> {
            JsonObject i = m.getJsonObject("interactive", new JsonObject());
            JsonObject reply = i.getJsonObject("button_reply", i.getJsonObject("list_reply", new JsonObject()));
            text = reply.getString("title");
          }
          case "location" -> {
            JsonObject l = m.getJsonObject("location", new JsonObject());
            text = "Location: " + (l.getString("name") == null ? "" : l.getString("name") + " ")
                + l.getValue("latitude") + ", " + l.getValue("longitude");
          }
          default -> text = "[" + type.toLowerCase(Locale.ROOT) + " message Switchboard cannot show]";
        }
        if (text == null && media.isEmpty()) {
          continue;
        }
        out.add(new MetaEvent.Message(id, "whatsapp", from, names.get(from), "+" + from, text, media, null, false,
            seconds(m.getValue("timestamp"))));
      }
      for (JsonObject s : objects(v.getJsonArray("statuses"))) {
        String status = s.getString("status", "");
        if (s.getString("id") == null || !List.of("delivered", "read", "failed").contains(status)) {
          continue; // "sent" is what our ack already said
        }
        String error = null;
        JsonArray errors = s.getJsonArray("errors");
        if (errors != null && !errors.isEmpty() && errors.getValue(0) instanceof JsonObject e) {
          error = e.getValue("code") + " " + (e.getString("title") != null ? e.getString("title") : e.getString("message"));
        }
        out.add(new MetaEvent.Status(s.getString("id"), status, error));
      }
    }
  }

  private static List<JsonObject> objects(JsonArray a) {
    List<JsonObject> out = new ArrayList<>();
    if (a != null) {
      for (Object o : a) {
        if (o instanceof JsonObject j) {
          out.add(j);
        }
      }
    }
    return out;
  }

  /** Ids come as strings, or as JSON numbers in older payloads (Messenger's page and user ids). */
  static String id(Object v) {
    if (v instanceof String s && !s.isBlank() && s.length() <= 200) {
      return s;
    }
    if (v instanceof Number n) {
      return String.valueOf(n.longValue());
    }
    return null;
  }

  private static Instant millis(Object v) {
    return v instanceof Number n && n.longValue() > 0 ? Instant.ofEpochMilli(n.longValue()) : null;
  }

  private static Instant seconds(Object v) {
    try {
      long s = v instanceof Number n ? n.longValue() : v instanceof String str ? Long.parseLong(str) : 0;
      return s > 0 ? Instant.ofEpochSecond(s) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
