package io.switchboard.outbound;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adapters' long polls waiting on this node. A poll leases at once; with nothing ready it waits
 * until an item of its channel is enqueued anywhere (the {@link OutboundQueue#READY} broadcast),
 * re-checking every second for items that become due by themselves (expired leases, backoffs).
 */
public final class LongPolls {

  /** At most this many items per answer, so one poll cannot take a whole backlog's leases. */
  static final int MAX_ITEMS = 50;
  private static final long RECHECK_MS = 1000;

  private final Vertx vertx;
  private final Pool db;
  private final OutboundQueue queue;
  private final Map<String, Set<Poll>> waitingByChannel = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> ready;

  public LongPolls(Vertx vertx, Pool db, OutboundQueue queue) {
    this.vertx = vertx;
    this.db = db;
    this.queue = queue;
  }

  public Future<Void> start() {
    ready = vertx.eventBus().consumer(OutboundQueue.READY, msg -> wake(msg.body().getString("channelId")));
    return ready.completion();
  }

  /** Answers every waiting poll (empty) so adapters come back to a node that is up. */
  public Future<Void> stop() {
    waitingByChannel.values().forEach(polls -> polls.forEach(Poll::expire));
    return ready == null ? Future.succeededFuture() : ready.unregister();
  }

  /**
   * Leases the channel's ready items, waiting up to {@code waitSeconds} for some to appear.
   * Must be called on the request's context. {@code gone} completes if the adapter hangs up: items
   * leased after that are given back at once rather than after the lease runs out.
   */
  Future<List<OutboundItem>> poll(String accountId, String channelId, int waitSeconds, Future<Void> gone) {
    Poll poll = new Poll(accountId, channelId);
    waitingByChannel.compute(channelId, (k, polls) -> {
      Set<Poll> set = polls == null ? ConcurrentHashMap.newKeySet() : polls;
      set.add(poll);
      return set;
    });
    gone.onComplete(ar -> poll.abandon());
    poll.begin(waitSeconds);
    return poll.answer.future();
  }

  private void wake(String channelId) {
    Set<Poll> polls = channelId == null ? null : waitingByChannel.get(channelId);
    if (polls != null) {
      polls.forEach(Poll::wake);
    }
  }

  /** One waiting request. Its state is touched only on its own context, so it needs no locks. */
  private final class Poll {

    final String accountId;
    final String channelId;
    final Context context = vertx.getOrCreateContext();
    final Promise<List<OutboundItem>> answer = Promise.promise();
    long recheckTimer = -1;
    long deadlineTimer = -1;
    boolean leasing;
    boolean wokenWhileLeasing;
    boolean expired;
    boolean finished;

    Poll(String accountId, String channelId) {
      this.accountId = accountId;
      this.channelId = channelId;
    }

    void begin(int waitSeconds) {
      if (waitSeconds <= 0) {
        expired = true;
      } else {
        recheckTimer = vertx.setPeriodic(RECHECK_MS, id -> tryLease());
        deadlineTimer = vertx.setTimer(waitSeconds * 1000L, id -> expire());
      }
      tryLease();
    }

    void wake() {
      context.runOnContext(v -> tryLease());
    }

    void expire() {
      context.runOnContext(v -> {
        expired = true;
        if (!leasing) {
          finish(List.of());
        }
      });
    }

    void abandon() {
      context.runOnContext(v -> finish(null));
    }

    private void tryLease() {
      if (finished) {
        return;
      }
      if (leasing) {
        wokenWhileLeasing = true;
        return;
      }
      leasing = true;
      queue.lease(db, accountId, channelId, MAX_ITEMS).onComplete(ar -> {
        leasing = false;
        if (ar.failed()) {
          fail(ar.cause());
        } else if (finished) {
          queue.release(db, accountId, ar.result());   // nobody is listening any more
        } else if (!ar.result().isEmpty() || expired) {
          finish(ar.result());
        } else if (wokenWhileLeasing) {
          wokenWhileLeasing = false;
          tryLease();
        }
      });
    }

    /** Ends the poll; null means the adapter went away and gets nothing. */
    private void finish(List<OutboundItem> items) {
      if (cleanUp()) {
        if (items == null) {
          answer.tryFail("the adapter closed the connection");
        } else {
          answer.tryComplete(items);
        }
      }
    }

    private void fail(Throwable err) {
      if (cleanUp()) {
        answer.tryFail(err);
      }
    }

    /** True the first time: stops the timers and forgets the poll. */
    private boolean cleanUp() {
      if (finished) {
        return false;
      }
      finished = true;
      vertx.cancelTimer(recheckTimer);
      vertx.cancelTimer(deadlineTimer);
      waitingByChannel.computeIfPresent(channelId, (k, polls) -> {
        polls.remove(this);
        return polls.isEmpty() ? null : polls;
      });
      return true;
    }
  }
}
