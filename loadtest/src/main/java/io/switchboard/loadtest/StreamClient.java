package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One live-stream connection of a {@link Recipient}, as the console opens it: a ticket, the auth
 * frame with {@code since}, then events until {@code ready} and beyond. A connection the server
 * closes (slow consumer, draining) reconnects from the last seq, as a browser tab does.
 */
final class StreamClient {

  private static final long READY_TIMEOUT_MS = 30_000;

  /** What the crowd learns about every connection. */
  interface Listener {
    void dashboard(long ageNanos);

    void closedByServer(Recipient who, short code);

    /** A socket opened; {@code deflate}: the server agreed to permessage-deflate on it. */
    default void opened(boolean deflate) {
    }
  }

  private final Vertx vertx;
  private final WebSocketClient client;
  private final Target target;
  final Recipient recipient;
  private final boolean dashboard;
  private final Listener listener;
  private final Promise<Long> ready = Promise.promise();
  private WebSocket ws;
  private volatile boolean closing;

  private StreamClient(Vertx vertx, WebSocketClient client, Target target, Recipient recipient, boolean dashboard,
      Listener listener) {
    this.vertx = vertx;
    this.client = client;
    this.target = target;
    this.recipient = recipient;
    this.dashboard = dashboard;
    this.listener = listener;
  }

  /** Connects and completes once the server said ready (after replaying what the recipient missed). */
  static Future<StreamClient> open(Vertx vertx, WebSocketClient client, Target target, Recipient recipient,
      boolean dashboard, Listener listener) {
    StreamClient c = new StreamClient(vertx, client, target, recipient, dashboard, listener);
    return c.connect().map(c);
  }

  private Future<Long> connect() {
    long timer = vertx.setTimer(READY_TIMEOUT_MS, t -> {
      // A tab that gives up on an attempt hangs it up: a late "ready" must not open a second
      // socket for the same recipient beside the retry.
      if (ready.tryFail("no ready within " + READY_TIMEOUT_MS + " ms")) {
        close();
      }
    });
    recipient.ticket().compose(ticket -> client.connect(new WebSocketConnectOptions()
            .setHost(target.host()).setPort(target.port()).setURI("/api/v1/stream")
            // Not a browser: no Origin header (the server refuses foreign origins).
            .setAllowOriginHeader(false))
        .map(socket -> {
          ws = socket;
          listener.opened(deflateAgreed(socket));
          if (closing) {
            socket.close(); // the attempt was given up while it connected
            return socket;
          }
          socket.textMessageHandler(this::onText);
          socket.closeHandler(v -> onClose(socket.closeStatusCode()));
          socket.exceptionHandler(err -> { });
          Long since = recipient.since();
          socket.writeTextMessage(new JsonObject().put("type", "auth").put("ticket", ticket).put("since", since).encode());
          return socket;
        }))
        .onFailure(ready::tryFail);
    return ready.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Whether the handshake's answer accepted permessage-deflate (RFC 7692). */
  private static boolean deflateAgreed(WebSocket socket) {
    io.vertx.core.MultiMap headers = socket.headers();
    String extensions = headers == null ? null : headers.get("Sec-WebSocket-Extensions");
    return extensions != null && extensions.contains("permessage-deflate");
  }

  private static final java.util.concurrent.atomic.AtomicInteger TRACE =
      new java.util.concurrent.atomic.AtomicInteger(Integer.getInteger("loadtest.trace", 0));

  private void onText(String text) {
    if (closing) {
      // A dropped network delivers nothing more. The close handshake can take seconds on a loaded
      // server, and frames read meanwhile would reach the ledger after the new connection's since.
      return;
    }
    long now = System.nanoTime();
    if (text.startsWith("{\"seq\"") && TRACE.getAndDecrement() > 0) {
      System.err.println("frame to " + recipient.name + ": " + (text.length() > 600 ? text.substring(0, 600) : text));
    }
    Frame frame = Frame.scan(text);
    if ("ready".equals(frame.type())) {
      recipient.ready(frame.seq());
      // One tab, one connection: a storm's reconnect and a reconnect after a server close (4408)
      // can race for the same recipient; the newer one wins and the older one is dropped.
      StreamClient previous = recipient.connection;
      recipient.connection = this;
      if (previous != null && previous != this) {
        previous.close();
      }
      if (dashboard) {
        ws.writeTextMessage("{\"type\":\"subscribe\",\"topic\":\"dashboard\"}");
      }
      ready.tryComplete(frame.seq());
    } else if ("dashboard.snapshot".equals(frame.type())) {
      listener.dashboard(ageOfSnapshot(text));
    } else if (frame.seq() >= 0) {
      recipient.onEvent(frame, now);
    }
  }

  /** How old the snapshot is on arrival: its "at" (wall clock, ms) against ours. */
  private static long ageOfSnapshot(String text) {
    int at = text.indexOf("\"at\":\"");
    if (at < 0) {
      return -1;
    }
    int end = text.indexOf('"', at + 6);
    try {
      long millis = System.currentTimeMillis() - Instant.parse(text.substring(at + 6, end)).toEpochMilli();
      return millis * 1_000_000;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private void onClose(Short code) {
    ready.tryFail("closed before ready (" + code + ")");
    if (!closing) {
      listener.closedByServer(recipient, code == null ? 0 : code);
    }
  }

  boolean isOpen() {
    return ws != null && !ws.isClosed() && !closing;
  }

  void ping() {
    if (isOpen()) {
      ws.writeTextMessage("{\"type\":\"ping\"}");
    }
  }

  /** Stops reading: the server's write queue for us fills up, as with a frozen tab. */
  void pauseReading() {
    if (ws != null) {
      ws.pause();
    }
  }

  void resumeReading() {
    if (ws != null) {
      ws.resume();
    }
  }

  /** Drops the connection from our side, as a lost network would. */
  Future<Void> close() {
    closing = true;
    return ws == null ? Future.succeededFuture() : ws.close().recover(err -> Future.succeededFuture());
  }
}
