package io.switchboard.channels.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls one channel's outbound queue, hands each message to the adapter and acknowledges the
 * result. When the core is unreachable (restarting, overloaded) the poll is tried again with
 * backoff; an ack that could not be delivered is retried until the core answers, so a message
 * the provider took is never reported lost (the core would send it again after its 60 s lease).
 */
final class OutboundLoop {

  private static final Logger LOG = LoggerFactory.getLogger(OutboundLoop.class);
  static final int WAIT_SECONDS = 25;

  private final Vertx vertx;
  private final AdapterApi api;
  private final ChannelAdapter adapter;
  private final String channelId;
  private final Backoff pollBackoff = new Backoff(500, 30_000);
  private volatile boolean stopped;

  OutboundLoop(Vertx vertx, AdapterApi api, ChannelAdapter adapter, String channelId) {
    this.vertx = vertx;
    this.api = api;
    this.adapter = adapter;
    this.channelId = channelId;
  }

  void start() {
    poll();
  }

  void stop() {
    stopped = true;
  }

  private void poll() {
    if (stopped) {
      return;
    }
    api.poll(WAIT_SECONDS).onComplete(ar -> {
      if (stopped) {
        return; // leased items not handled here go out again after their lease
      }
      if (ar.failed()) {
        long delay = pollBackoff.nextDelay();
        LOG.debug("channel {}: outbound poll failed ({}), again in {} ms", channelId, ar.cause().getMessage(), delay);
        vertx.setTimer(delay, t -> poll());
        return;
      }
      pollBackoff.reset();
      List<Future<Void>> handled = new ArrayList<>();
      for (OutboundItem item : ar.result()) {
        handled.add(handle(item));
      }
      // The core leases one item per conversation at a time, so items of one poll go out together.
      Future.join(handled).onComplete(done -> poll());
    });
  }

  private Future<Void> handle(OutboundItem item) {
    if (item.typing()) {
      return safely(() -> adapter.typing(item)).otherwiseEmpty();
    }
    return withTimeout(safely(() -> adapter.deliver(item)), DELIVER_TIMEOUT_MS)
        .otherwise(err -> Delivery.failed(String.valueOf(err.getMessage()), true))
        .compose(delivery -> {
          // The ack is retried in the background: the next poll does not wait for a core that is down.
          ack(item, delivery, new Backoff(500, 30_000), 0);
          return Future.succeededFuture();
        });
  }

  /** About an hour of tries at the backoff's cap: past that the core's lease has long sent it again. */
  static final int MAX_ACK_TRIES = 150;

  private void ack(OutboundItem item, Delivery delivery, Backoff backoff, int tries) {
    api.ack(item, delivery).onFailure(err -> {
      if (err instanceof ApiException api && !api.transientFailure()) {
        // 409: another ack won (the item was leased again and delivered); 404: the lease is gone.
        LOG.warn("channel {}: ack of {} refused: {}", channelId, item.id(), err.getMessage());
        return;
      }
      if ((stopped && !delivery.sent()) || tries + 1 >= MAX_ACK_TRIES) {
        LOG.warn("channel {}: ack of {} given up: {}", channelId, item.id(), err.getMessage());
        return; // a failure needs no ack: the lease runs out and the core tries again
      }
      vertx.setTimer(backoff.nextDelay(), t -> ack(item, delivery, backoff, tries + 1));
    });
  }

  /** A provider that never answers must not hold up the channel's other conversations for long. */
  static final long DELIVER_TIMEOUT_MS = 120_000;

  private Future<Delivery> withTimeout(Future<Delivery> delivery, long ms) {
    io.vertx.core.Promise<Delivery> done = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(ms, t -> done.tryFail("the provider did not answer within " + ms / 1000 + " s"));
    delivery.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        done.tryComplete(ar.result());
      } else {
        done.tryFail(ar.cause());
      }
    });
    return done.future();
  }

  private static <T> Future<T> safely(java.util.function.Supplier<Future<T>> call) {
    try {
      Future<T> f = call.get();
      return f == null ? Future.failedFuture("the adapter returned no result") : f;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
