package io.switchboard.channels.core;

import io.vertx.core.json.JsonObject;

/**
 * The channel an adapter serves, from {@code GET /api/v1/adapter/channel}: the one place its
 * provider secrets (relay password, app secret, ...) are read back, decrypted.
 */
public record ChannelInfo(String id, String accountId, String kind, String name, String teamId, JsonObject settings) {

  static ChannelInfo from(JsonObject o) {
    JsonObject settings = o.getJsonObject("settings");
    return new ChannelInfo(o.getString("id"), o.getString("accountId"), o.getString("kind"), o.getString("name"),
        o.getString("teamId"), settings == null ? new JsonObject() : settings);
  }
}
