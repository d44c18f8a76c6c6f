package io.switchboard.demo;

import io.switchboard.demo.DemoClient.Answer;
import io.switchboard.demo.DemoSetup.ChannelKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The demo's chat visitors speak to the chat widget's socket (/channels/{id}/widget/socket) as a
 * shop page on {@link #ORIGIN} would, so the demo runs the real chat adapter: each message is a
 * hello (session, name, email, the shop's signature for a signed-in customer) and a message on a
 * short-lived socket. The story's thread names map to the sessions the adapter minted.
 */
final class WidgetVisitors {

  /** The demo shop's origin: the demo chat channel lists it in allowedOrigins. */
  static final String ORIGIN = "https://demo-shop.example";
  static final long TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final int port;
  /** Story thread -> widget session, the oldest forgotten past 2,000. */
  private final Map<String, String> sessions = lru(2_000);

  /** A map that forgets its least recently used entry past max (the demo's customers come back, in time). */
  static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  WidgetVisitors(Vertx vertx, int port) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.port = port;
  }

  /** Sends one chat inbound body through the widget; 202 with the message id once the core took it. */
  Future<Answer> send(ChannelKey channel, JsonObject inbound) {
    String thread = inbound.getString("threadKey");
    JsonObject from = inbound.getJsonObject("from", new JsonObject());
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(port)
        .setURI("/channels/" + channel.id() + "/widget/socket").addHeader("Origin", ORIGIN);
    return client.connect(options).compose(ws -> talk(ws, thread, from, inbound.getString("text")));
  }

  private Future<Answer> talk(WebSocket ws, String thread, JsonObject from, String text) {
    Promise<Answer> done = Promise.promise();
    long timer = vertx.setTimer(TIMEOUT_MS, t -> done.tryFail("the chat widget did not answer"));
    String clientId = UUID.randomUUID().toString().replace("-", "");
    ws.textMessageHandler(raw -> {
      JsonObject f = new JsonObject(raw);
      switch (f.getString("type", "")) {
        case "welcome" -> {
          synchronized (sessions) {
            sessions.put(thread, f.getString("session"));
          }
          ws.writeTextMessage(new JsonObject().put("type", "message").put("clientId", clientId).put("text", text)
              .put("name", from.getString("name")).put("email", from.getString("email")).encode());
        }
        case "sent" -> done.tryComplete(new Answer(202, new JsonObject().put("messageId", f.getString("messageId"))));
        case "failed", "error" -> done.tryComplete(new Answer(f.getInteger("status", 400), f));
        default -> { }
      }
    });
    ws.closeHandler(v -> done.tryFail("the chat widget closed the socket"));
    String session;
    synchronized (sessions) {
      session = thread == null ? null : sessions.get(thread);
    }
    ws.writeTextMessage(new JsonObject().put("type", "hello").put("session", session)
        .put("name", from.getString("name")).put("email", from.getString("email"))
        .put("signature", from.getString("signature")).encode());
    return done.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      ws.close();
    });
  }
}
