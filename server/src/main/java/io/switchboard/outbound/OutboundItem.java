package io.switchboard.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.Json;
import io.vertx.sqlclient.Row;
import java.io.UncheckedIOException;

/**
 * One item handed to an adapter. The queue fields come from the row; the delivery fields (to,
 * subject, text, ...) from the payload the enqueuer wrote, passed through as they were stored
 * ("public" and "template" only for social replies that ask for them).
 */
public record OutboundItem(String id, String leaseId, String messageId, String conversationId, JsonNode to,
    JsonNode subject, JsonNode text, JsonNode html, JsonNode attachments, JsonNode inReplyTo, JsonNode references,
    int attempt, String kind, @com.fasterxml.jackson.annotation.JsonProperty("public") JsonNode publicReply,
    JsonNode template) {

  static OutboundItem map(Row r) {
    JsonNode payload = parse(r.getString("payload"));
    return new OutboundItem(r.getString("id"), r.getString("lease_id"), r.getString("message_id"),
        r.getString("conversation_id"), payload.get("to"), payload.get("subject"), payload.get("text"),
        payload.get("html"), payload.get("attachments"), payload.get("inReplyTo"), payload.get("references"),
        r.getInteger("attempt"), r.getString("kind"), payload.get("public"), payload.get("template"));
  }

  private static JsonNode parse(String payload) {
    try {
      return Json.MAPPER.readTree(payload);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
