package io.switchboard.ingest;

import io.switchboard.http.Caller;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

import static io.switchboard.support.Await.await;

/** Inbound messages for the batcher's tests, validated as the route would before they are queued. */
final class TestMessages {

  private TestMessages() {
  }

  static ValidInbound valid(TestServer server, Caller.Channel caller, JsonObject body) {
    InboundMessage msg = io.switchboard.http.Json.read(body.toBuffer(), InboundMessage.class);
    return await(server.app.services().ingest.validator().validate(caller, null, msg));
  }

  static JsonObject mail(String from, String text) {
    return new JsonObject().put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("email", from)).put("text", text);
  }

  /** The number a test wrote at the end of a message's text ("message 17"). */
  static int number(String text) {
    return Integer.parseInt(text.substring(text.lastIndexOf(' ') + 1));
  }
}
