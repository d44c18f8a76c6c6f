package io.switchboard.ingest;

import io.switchboard.db.Sql;
import io.switchboard.http.Problem;
import io.switchboard.ingest.BatchPlan.Duplicate;
import io.switchboard.ingest.BatchPlan.DuplicateOf;
import io.switchboard.ingest.BatchPlan.Outcome;
import io.switchboard.ingest.BatchPlan.Placed;
import io.switchboard.ingest.BatchPlan.Rejected;
import io.switchboard.ingest.IngestService.Accepted;
import io.switchboard.events.EventLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit per account. Messages of one account that arrive while its batches are being
 * written wait, and are written together, in arrival order, as the next batch: no timer, so a lone
 * message pays no extra wait, and under load a batch grows by itself to whatever queued meanwhile
 * (at most {@link #maxBatch}). Each message is answered only after the commit that holds it. If a
 * batch fails as a whole, its messages are written again one by one, so only a bad one fails.
 *
 * <p>Up to {@link #maxInFlight} batches of an account are written at once: the next one is read
 * and planned while the previous one writes and commits, instead of queueing behind its whole
 * transaction. They are ordinary concurrent transactions, as batches of two nodes are: one that
 * shares a message, identity or contact key with an earlier one waits for that one's commit at
 * its locks and then reads what it wrote, and events are numbered in commit order at the
 * account's counter row (see {@code docs/architecture.md}), so no rule and no order changes.
 *
 * <p>All state lives on this verticle's context: callers on any event loop hop here to queue, and
 * their futures complete back on their own context.
 */
public final class IngestBatcher extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IngestBatcher.class);

  private final BatchWriter writer;
  private final EventLog events;
  private final IngestMetrics metrics;
  private final int maxBatch;
  private final int maxInFlight;
  private final int maxQueued;
  private final Map<String, AccountQueue> queues = new HashMap<>();
  private Instant lastReceipt = Instant.EPOCH;

  private record Waiting(ValidInbound in, Instant receivedAt, long queuedNanos, Promise<Accepted> answer) {
  }

  /** One account's queue, and how many of its batches are being written. */
  private static final class AccountQueue {
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    int inFlight;
  }

  /** Receipt times come from the SLA clock, the one clock SLA due times are computed with. */
  private final java.time.Clock clock;

  IngestBatcher(BatchWriter writer, EventLog events, IngestMetrics metrics, int maxBatch, int maxInFlight,
      int maxQueued, java.time.Clock clock) {
    this.clock = clock;
    this.writer = writer;
    this.events = events;
    this.metrics = metrics;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
  }

  /** Completed once the last queue is empty, when stopping. */
  private Promise<Void> drained;

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }

  /** Messages already queued are written (and answered) before the batcher goes. */
  @Override
  public Future<?> stop() {
    if (queues.isEmpty()) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    return drained.future();
  }

  /** Queues the message for its account's next batch; completes on the caller's context. */
  Future<Accepted> submit(ValidInbound in) {
    ContextInternal caller = ContextInternal.current();
    Promise<Accepted> answer = caller != null ? caller.promise() : Promise.promise();
    Context own = context;
    if (own == null) {
      return Future.failedFuture(Problem.unavailable("ingest is not running", 1));
    }
    own.runOnContext(v -> enqueue(in, answer));
    return answer.future();
  }

  private void enqueue(ValidInbound in, Promise<Accepted> answer) {
    AccountQueue queue = queues.computeIfAbsent(in.accountId(), a -> new AccountQueue());
    if (queue.waiting.size() >= maxQueued) {
      answer.fail(Problem.unavailable("too many messages of this account are waiting to be stored", 1));
      return;
    }
    queue.waiting.add(new Waiting(in, receipt(), System.nanoTime(), answer));
    if (queue.inFlight < maxInFlight) {
      drain(in.accountId(), queue);
    }
  }

  /** Receipt times rise strictly (to the microsecond PostgreSQL keeps), so arrival order is stored. */
  private Instant receipt() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    lastReceipt = now.isAfter(lastReceipt) ? now : lastReceipt.plus(1, ChronoUnit.MICROS);
    return lastReceipt;
  }

  /** Starts the account's next batch with whatever waits; forgets the account once nothing is left. */
  private void drain(String accountId, AccountQueue queue) {
    if (queue.waiting.isEmpty()) {
      if (queue.inFlight == 0) {
        queues.remove(accountId);
        if (queues.isEmpty() && drained != null) {
          drained.tryComplete();
        }
      }
      return;
    }
    queue.inFlight++;
    List<Waiting> batch = new ArrayList<>(Math.min(maxBatch, queue.waiting.size()));
    long now = System.nanoTime();
    while (!queue.waiting.isEmpty() && batch.size() < maxBatch) {
      Waiting next = queue.waiting.poll();
      metrics.queued(now - next.queuedNanos());
      batch.add(next);
    }
    write(batch).onComplete(done -> {
      queue.inFlight--;
      drain(accountId, queue);
    });
  }

  private Future<Void> write(List<Waiting> batch) {
    return writer.write(batch.stream().map(Waiting::in).toList(), batch.stream().map(Waiting::receivedAt).toList())
        .map(written -> {
          answer(batch, written);
          return (Void) null;
        })
        .recover(err -> {
          if (batch.size() == 1) {
            answerFailure(batch.get(0), err);
            return Future.succeededFuture();
          }
          LOG.debug("a batch of {} failed ({}); writing its messages one by one", batch.size(), err.toString());
          Future<Void> chain = Future.succeededFuture();
          for (Waiting one : batch) {
            chain = chain.compose(v -> write(List.of(one)));
          }
          return chain;
        });
  }

  private void answer(List<Waiting> batch, BatchWriter.Written written) {
    events.announce(written.appended());
    for (int i = 0; i < batch.size(); i++) {
      Outcome outcome = written.outcomes().get(i);
      Promise<Accepted> answer = batch.get(i).answer();
      if (outcome instanceof Placed p) {
        metrics.stored();
        answer.complete(p.answer());
      } else if (outcome instanceof Duplicate d) {
        metrics.duplicate();
        answer.complete(d.answer());
      } else if (outcome instanceof DuplicateOf d) {
        metrics.duplicate();
        answer.complete(d.first().answer().asDuplicate());
      } else if (outcome instanceof BatchPlan.SameCall c) {
        metrics.stored();
        answer.complete(c.first().answer());
      } else if (outcome instanceof BatchPlan.CallUpdate u) {
        metrics.stored();
        answer.complete(u.answer());
      } else if (outcome instanceof Rejected r) {
        metrics.rejected();
        answer.fail(r.problem());
      }
    }
  }

  /** A lone message that failed: a repeat that raced past the lock is a duplicate, anything else its error. */
  private void answerFailure(Waiting one, Throwable err) {
    if (Sql.isUniqueViolation(err, "message_channel_external")) {
      // The first answer is stored by now: a second write finds it as a duplicate.
      writer.write(List.of(one.in()), List.of(receipt())).onComplete(ar -> {
        if (ar.succeeded()) {
          answer(List.of(one), ar.result());
        } else {
          one.answer().fail(ar.cause());
        }
      });
      return;
    }
    one.answer().fail(err);
  }
}
