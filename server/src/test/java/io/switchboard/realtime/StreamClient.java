package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.switchboard.support.Await.await;

/** A blocking WebSocket client for tests: collects every frame the server sends, in order. */
public final class StreamClient implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket ws;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private StreamClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
  }

  /** Connects without an Origin header, as a non-browser client does. */
  static StreamClient connect(Vertx vertx, int port) {
    return connect(vertx, port, null, 0);
  }

  /** receiveBuffer > 0 pins the socket's receive buffer, so a paused client fills up quickly. */
  static StreamClient connect(Vertx vertx, int port, String origin, int receiveBuffer) {
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(1 << 20);
    if (receiveBuffer > 0) {
      options.setReceiveBufferSize(receiveBuffer);
    }
    WebSocketClient client = vertx.createWebSocketClient(options);
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("localhost").setPort(port)
        .setURI("/api/v1/stream");
    if (origin != null) {
      connect.putHeader("Origin", origin);
    }
    return new StreamClient(client, await(client.connect(connect)));
  }

  /** Trades the token for a ticket and opens the stream with it. */
  public static StreamClient open(Vertx vertx, Api api, String token, Long since) {
    StreamClient c = connect(vertx, api.port());
    c.auth(ticket(api, token), since);
    return c;
  }

  static String ticket(Api api, String token) {
    Api.Resp r = Api.expect(api.post("/api/v1/stream/tickets", token, new JsonObject()), 200);
    return r.json().getString("ticket");
  }

  void auth(String ticket, Long since) {
    send(new JsonObject().put("type", "auth").put("ticket", ticket).put("since", since));
  }

  void send(JsonObject frame) {
    await(ws.writeTextMessage(frame.encode()));
  }

  /** Writes the frame many times as fast as the socket takes them (no waiting for each); returns when all are written. */
  void blast(JsonObject frame, int times) {
    String text = frame.encode();
    java.util.List<io.vertx.core.Future<Void>> writes = new java.util.ArrayList<>();
    for (int i = 0; i < times; i++) {
      writes.add(ws.writeTextMessage(text));
    }
    await(io.vertx.core.Future.join(writes).otherwiseEmpty(), 60);
  }

  /** The next frame, or an AssertionError when none comes in time. */
  JsonObject next(int seconds) {
    try {
      JsonObject f = frames.poll(seconds, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame within " + seconds + " s");
      }
      return f;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Skips frames until one matches. */
  public JsonObject until(Predicate<JsonObject> match, int seconds) {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("no matching frame within " + seconds + " s");
      }
      JsonObject f = next((int) Math.max(1, left / 1000));
      if (match.test(f)) {
        return f;
      }
    }
  }

  JsonObject untilType(String type, int seconds) {
    return until(f -> type.equals(f.getString("type")), seconds);
  }

  /** Waits for ready and returns its seq. */
  long ready() {
    return untilType("ready", 10).getLong("seq");
  }

  /** Durable events (frames with a seq) received within the window, in order. */
  List<JsonObject> events(int expected, int seconds) {
    List<JsonObject> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (out.size() < expected && System.currentTimeMillis() < deadline) {
      JsonObject f;
      try {
        f = frames.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (f != null && f.containsKey("seq") && !"ready".equals(f.getString("type"))) {
        out.add(f);
      }
    }
    return out;
  }

  /** Every frame already received, without waiting. */
  List<JsonObject> drain() {
    List<JsonObject> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  /** The close code the server sent, waiting for it. */
  short closeCode(int seconds) {
    try {
      return closed.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("not closed within " + seconds + " s");
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  void pause() {
    ws.pause();
  }

  void resume() {
    ws.resume();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      try {
        await(ws.close(), 5);
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    client.close();
  }
}
