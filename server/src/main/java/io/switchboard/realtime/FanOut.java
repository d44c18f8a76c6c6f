package io.switchboard.realtime;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One delivery (a page of events, a signal) to many sockets, written with one task per event loop
 * instead of one task per frame: with thousands of tabs an account's page would otherwise queue
 * thousands of tasks on every loop.
 *
 * <p>Sockets are grouped by the thread of their event loop, not by their context: each upgrade has
 * its own (duplicated) context, while sockets of one loop can all be written from its thread. Each
 * socket's frames keep the order they were added in, and a loop runs its tasks in the order they
 * were submitted, so pages (and single frames sent meanwhile) reach a socket in order.
 *
 * <p>Filled and flushed on the stream context; used once.
 */
final class FanOut {

  private record Write(Outbox outbox, String frame) {
  }

  /** The writes for one event loop, run on the context of the first socket added. */
  private record Batch(Context context, List<Write> writes) {
  }

  private final Map<Thread, Batch> byLoop = new LinkedHashMap<>();
  /** Null where nobody measures this delivery (signals); durable pages are measured. */
  private final StreamMetrics metrics;
  private int writes;

  FanOut() {
    this(null);
  }

  FanOut(StreamMetrics metrics) {
    this.metrics = metrics;
  }

  /** Frames added so far. */
  int size() {
    return writes;
  }

  void add(Outbox outbox, String frame) {
    byLoop.computeIfAbsent(outbox.loop(), t -> new Batch(outbox.context(), new ArrayList<>()))
        .writes().add(new Write(outbox, frame));
    writes++;
  }

  /** Hands each loop its writes (one task per loop). */
  void flush() {
    long flushed = System.nanoTime();
    for (Batch batch : byLoop.values()) {
      batch.context().runOnContext(v -> {
        if (metrics != null) {
          metrics.lag(System.nanoTime() - flushed);
        }
        for (Write w : batch.writes()) {
          w.outbox().write(w.frame());
        }
      });
    }
    byLoop.clear();
  }
}
