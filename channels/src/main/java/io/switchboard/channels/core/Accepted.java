package io.switchboard.channels.core;

import io.vertx.core.json.JsonObject;

/** The core's answer to an inbound message: where it landed, and whether it was a provider's retry. */
public record Accepted(String messageId, String conversationId, String contactId, boolean duplicate) {

  static Accepted from(JsonObject o) {
    return new Accepted(o.getString("messageId"), o.getString("conversationId"), o.getString("contactId"),
        o.getBoolean("duplicate", false));
  }
}
