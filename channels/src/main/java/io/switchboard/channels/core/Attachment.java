package io.switchboard.channels.core;

import io.vertx.core.json.JsonObject;

/** A file stored by the core (POST /api/v1/attachments), or one an outbound item carries. */
public record Attachment(String id, String name, String contentType, long size) {

  static Attachment from(JsonObject o) {
    return new Attachment(o.getString("id"), o.getString("name"), o.getString("contentType"),
        o.getLong("size", 0L));
  }
}
