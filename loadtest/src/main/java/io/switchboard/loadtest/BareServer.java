package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: what Vert.x alone does on this machine, with no database. POST /api/v1/inbound
 * decodes the body and answers 202; every socket of the channel's group (and every "everyone"
 * socket) gets a message.created frame of the same shape Switchboard sends. Channel keys and
 * tickets are {@code bare:<group>}. One verticle, one event loop: the sockets need no locking.
 */
final class BareServer extends VerticleBase {

  private final Map<Integer, List<ServerWebSocket>> groups = new HashMap<>();
  private final List<ServerWebSocket> everyone = new ArrayList<>();
  private HttpServer server;
  private long seq;

  int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(this::request).webSocketHandler(this::socket);
    return server.listen(0, "127.0.0.1");
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  private void request(HttpServerRequest req) {
    int group = groupOf(req.getHeader("Authorization"));
    req.body().onSuccess(body -> {
      JsonObject msg = body.toJsonObject();
      long n = ++seq;
      JsonObject data = new JsonObject().put("id", "msg" + n).put("direction", "inbound").put("text", msg.getString("text"));
      String frame = new JsonObject().put("seq", n).put("type", "message.created").put("conversationId", "c")
          .put("data", data).encode();
      for (ServerWebSocket ws : groups.getOrDefault(group, List.of())) {
        ws.writeTextMessage(frame);
      }
      for (ServerWebSocket ws : everyone) {
        ws.writeTextMessage(frame);
      }
      req.response().setStatusCode(202).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("messageId", "msg" + n).put("duplicate", false).encode());
    });
  }

  private void socket(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if ("auth".equals(frame.getString("type"))) {
        int group = groupOf("Bearer " + frame.getString("ticket"));
        (group == Window.EVERYONE ? everyone : groups.computeIfAbsent(group, g -> new ArrayList<>())).add(ws);
        ws.closeHandler(v -> {
          everyone.remove(ws);
          groups.getOrDefault(group, new ArrayList<>()).remove(ws);
        });
        ws.writeTextMessage(new JsonObject().put("type", "ready").put("seq", seq).encode());
      }
    });
  }

  private static int groupOf(String authorization) {
    String key = authorization == null ? "" : authorization.replace("Bearer ", "");
    try {
      return key.startsWith("bare:") ? Integer.parseInt(key.substring(5)) : Window.EVERYONE;
    } catch (NumberFormatException e) {
      return Window.EVERYONE;
    }
  }
}
