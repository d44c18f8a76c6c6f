package io.switchboard.channels.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent's reply (or a typing signal) leased to this adapter by {@code GET /api/v1/outbound}.
 * {@code to} is the contact's identity on this channel ({"email","phone","handle","platform","name"});
 * {@code raw} keeps the whole item for fields a kind of channel adds (e.g. a social template).
 */
public record OutboundItem(String id, String leaseId, String messageId, String conversationId, JsonObject to,
    String subject, String text, String html, List<Attachment> attachments, String inReplyTo,
    List<String> references, int attempt, String kind, JsonObject raw) {

  public boolean typing() {
    return "typing".equals(kind);
  }

  static OutboundItem from(JsonObject o) {
    List<Attachment> files = new ArrayList<>();
    JsonArray a = o.getJsonArray("attachments");
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        files.add(Attachment.from(a.getJsonObject(i)));
      }
    }
    List<String> refs = new ArrayList<>();
    JsonArray r = o.getJsonArray("references");
    if (r != null) {
      for (int i = 0; i < r.size(); i++) {
        refs.add(r.getString(i));
      }
    }
    JsonObject to = o.getJsonObject("to");
    return new OutboundItem(o.getString("id"), o.getString("leaseId"), o.getString("messageId"),
        o.getString("conversationId"), to == null ? new JsonObject() : to, o.getString("subject"),
        o.getString("text"), o.getString("html"), List.copyOf(files), o.getString("inReplyTo"), List.copyOf(refs),
        o.getInteger("attempt", 1), o.getString("kind", "message"), o);
  }
}
