package io.switchboard.realtime;

import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes one socket's frames on the socket's own event loop, in order, and notices a client that
 * stopped reading. Writing from the socket's thread matters: Vert.x queues writes from other
 * threads as messages, and writeQueueFull would then say "full" after a handful of frames.
 *
 * <p>A socket is slow when its queue has stayed full for slowAfterMs, or when more than
 * maxCongestedBytes were written while it was full; then {@code onSlow} runs (once).
 */
final class Outbox {

  private final Context socketContext;
  /** The socket's event-loop thread: sockets sharing it are written by one task (see FanOut). */
  private final Thread loop = Thread.currentThread();
  private final ServerWebSocket ws;
  private final Supplier<StreamSettings> settings;
  private final Runnable onSlow;
  /** When the queue last became full, or -1; written on the socket thread, read by the hub's clock. */
  private volatile long congestedSince = -1;
  private long congestedBytes;
  private boolean slow;
  private final List<Runnable> drainWaiters = new ArrayList<>();

  /** Must be created on the socket's context. */
  Outbox(Context socketContext, ServerWebSocket ws, Supplier<StreamSettings> settings, Runnable onSlow) {
    this.socketContext = socketContext;
    this.ws = ws;
    this.settings = settings;
    this.onSlow = onSlow;
    ws.drainHandler(v -> {
      congestedSince = -1;
      List<Runnable> waiting = new ArrayList<>(drainWaiters);
      drainWaiters.clear();
      waiting.forEach(Runnable::run);
    });
  }

  void send(String frame) {
    socketContext.runOnContext(v -> write(frame));
  }

  Context context() {
    return socketContext;
  }

  Thread loop() {
    return loop;
  }

  void close(short code, String reason) {
    socketContext.runOnContext(v -> ws.close(code, reason));
  }

  /** True when the queue has been full for too long (checked by the hub's clock too). */
  boolean stuck(long now) {
    long since = congestedSince;
    return since >= 0 && now - since > settings.get().slowAfterMs();
  }

  /**
   * Runs {@code then} once the queue has room (at once when it has), on the socket thread; for
   * replays, which write many frames and must not outrun a client that reads.
   */
  void whenWritable(Runnable then) {
    socketContext.runOnContext(v -> {
      if (ws.writeQueueFull()) {
        drainWaiters.add(then);
      } else {
        then.run();
      }
    });
  }

  /** Writes now; on the socket's event-loop thread only. */
  void write(String frame) {
    if (slow) {
      return;
    }
    if (ws.writeQueueFull()) {
      long now = System.currentTimeMillis();
      if (congestedSince < 0) {
        congestedSince = now;
        congestedBytes = 0;
      }
      congestedBytes += frame.length();
      StreamSettings s = settings.get();
      if (congestedBytes > s.maxCongestedBytes() || now - congestedSince > s.slowAfterMs()) {
        slow = true;
        onSlow.run();
        return;
      }
    }
    ws.writeTextMessage(frame);
  }
}
