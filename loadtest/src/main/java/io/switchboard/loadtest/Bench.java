package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures one window of open-loop load against a target: sends, waits for delivery to drain,
 * then tallies per-recipient losses, duplicates and order violations and (for Switchboard) checks
 * the database. Called from the main thread, which may block; the work runs on event loops.
 */
final class Bench {

  /** Everything measured in one window. */
  record Measured(String label, OpenLoopSender.Outcome sent, LatencyTrack.Summary ack, LatencyTrack.Summary delivery,
      Recipient.Tally tally, long notAcknowledgedButSeen, DbCheck.Result db, List<LatencyTrack.Point> timeline,
      CpuMeter.Usage cpu) {

    boolean clean() {
      return tally.lost() == 0 && tally.duplicates() == 0 && tally.orderViolations() == 0
          && (db == null || db.exact());
    }
  }

  private static final long DRAIN_QUIET_MS = 3_000;
  /** Long enough for an overloaded server to work off its backlog: "lost" must mean never delivered. */
  private static final long DRAIN_MAX_MS = 180_000;

  final Vertx vertx;
  private final String runId;
  private volatile List<Long> serverPids;
  private int windows;

  Bench(Vertx vertx, String runId, long serverPid) {
    this.vertx = vertx;
    this.runId = runId;
    this.serverPids = List.of(serverPid);
  }

  /** The processes whose cores count as the server's from the next window on (scenario 6: both nodes). */
  void servers(List<Long> pids) {
    this.serverPids = List.copyOf(pids);
  }

  static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out after " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A fresh window whose message numbers and external ids belong to it alone. */
  Window window(String label, List<Recipient> watchers) {
    Window w = new Window(runId + "w" + (++windows), label);
    for (Recipient r : watchers) {
      r.watch(w);
      r.resetCounters();
    }
    return w;
  }

  /** Sends at {@code rate} for {@code seconds} into a fresh window and measures it. */
  Measured measure(String label, OpenLoopSender sender, double rate, int seconds, List<Recipient> watchers,
      DbCheck db, String accountId) {
    Window w = window(label, watchers);
    return measure(w, sender.run(w, rate, seconds * 1000L, w.run.hashCode()), watchers, db, accountId);
  }

  /** Measures a window whose load is already running. */
  Measured measure(Window w, Future<OpenLoopSender.Outcome> load, List<Recipient> watchers, DbCheck db,
      String accountId) {
    long ticker = vertx.setPeriodic(1000, t -> {
      w.ack.tick();
      w.delivery.tick();
    });
    CpuMeter cpu = new CpuMeter(serverPids);
    cpu.start();
    OpenLoopSender.Outcome outcome;
    CpuMeter.Usage usage;
    try {
      outcome = await(load, 3600);
      usage = cpu.stop();
      drain(w, watchers);
    } finally {
      vertx.cancelTimer(ticker);
    }
    Recipient.Tally tally = new Recipient.Tally(0, 0, 0, 0);
    long unacked = 0;
    for (Recipient r : watchers) {
      tally = tally.plus(r.tally());
      unacked += r.notAcknowledgedButSeen();
    }
    DbCheck.Result dbResult = db == null ? null : await(db.check(accountId, w), 300);
    return new Measured(w.ack.name.replace(" ack", ""), outcome, w.ack.summary(), w.delivery.summary(), tally,
        unacked, dbResult, w.delivery.timeline(), usage);
  }

  /** Waits until every expected receipt arrived, or nothing new arrived for a while. */
  private void drain(Window w, List<Recipient> watchers) {
    Map<Integer, Long> perGroup = new HashMap<>();
    long expected = 0;
    for (Recipient r : watchers) {
      int g = r.supervisor ? Window.EVERYONE : r.group;
      expected += perGroup.computeIfAbsent(g, k -> (long) w.expectedBy(k).cardinality());
    }
    long start = System.currentTimeMillis();
    long lastCount = -1;
    long lastChange = start;
    while (true) {
      long count = w.deliveries.get();
      long now = System.currentTimeMillis();
      if (count >= expected || now - lastChange > DRAIN_QUIET_MS || now - start > DRAIN_MAX_MS) {
        return;
      }
      if (count != lastCount) {
        lastCount = count;
        lastChange = now;
      }
      sleep(100);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
