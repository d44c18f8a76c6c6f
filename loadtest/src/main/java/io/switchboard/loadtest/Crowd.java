package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everyone connected to the stream in a scenario: opens their connections a few at a time, pings
 * them as the console does, reconnects the ones the server closes, and drops them on demand.
 * Client sockets spread over several loopback addresses so 20,000 of them do not run out of
 * ephemeral ports.
 */
final class Crowd implements StreamClient.Listener {

  private static final int CONNECTING_AT_ONCE = 64;
  private static final long PING_EVERY_MS = 20_000;

  private final Vertx vertx;
  private final Target target;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final AtomicInteger nextClient = new AtomicInteger();
  private final List<Recipient> recipients = new ArrayList<>();
  private final List<Recipient> dashboardWatchers = new ArrayList<>();
  private final long pinger;
  private volatile boolean reconnectOnServerClose = true;
  final AtomicLong serverCloses = new AtomicLong();
  final AtomicLong reconnectFailures = new AtomicLong();
  final AtomicLong connectFailures = new AtomicLong();
  /** Sockets opened, and those of them on which the server agreed to permessage-deflate. */
  final AtomicLong opened = new AtomicLong();
  final AtomicLong deflated = new AtomicLong();
  volatile String lastFailure;
  final ConcurrentLinkedQueue<String> closeCodes = new ConcurrentLinkedQueue<>();
  volatile LatencyTrack dashboardAge = new LatencyTrack("dashboard age");

  /** {@code deflate}: whether (and how) every socket of this crowd asks for permessage-deflate. */
  Crowd(Vertx vertx, Target target, int loopbackAddresses, WsDeflate deflate) {
    this.vertx = vertx;
    this.target = target;
    for (int i = 0; i < Math.max(1, loopbackAddresses); i++) {
      clients.add(vertx.createWebSocketClient(deflate.applyTo(new WebSocketClientOptions()
          .setMaxConnections(100_000).setConnectTimeout(30_000).setLocalAddress("127.0.0." + (1 + i))
          .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20))));
    }
    pinger = vertx.setPeriodic(PING_EVERY_MS, t -> {
      for (Recipient r : everyone()) {
        StreamClient c = r.connection;
        if (c != null) {
          c.ping();
        }
      }
    });
  }

  private List<Recipient> everyone() {
    synchronized (recipients) {
      return List.copyOf(recipients);
    }
  }

  /** Connects everyone given (a few at a time) and completes when all are ready. */
  Future<Void> connect(List<Recipient> who, boolean watchDashboard) {
    synchronized (recipients) {
      recipients.addAll(who);
      if (watchDashboard) {
        dashboardWatchers.addAll(who);
      }
    }
    ConcurrentLinkedQueue<Recipient> queue = new ConcurrentLinkedQueue<>(who);
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < CONNECTING_AT_ONCE; i++) {
      lanes.add(drain(queue, watchDashboard));
    }
    return Future.all(lanes).mapEmpty();
  }

  private Future<Void> drain(ConcurrentLinkedQueue<Recipient> queue, boolean watchDashboard) {
    Recipient next = queue.poll();
    if (next == null) {
      return Future.succeededFuture();
    }
    return open(next, watchDashboard).<Void>mapEmpty()
        .otherwise(err -> {
          connectFailures.incrementAndGet();
          lastFailure = err.getMessage();
          return null;
        })
        .compose(v -> drain(queue, watchDashboard));
  }

  /** Opens the recipient's connection, or joins the attempt already under way (one tab, one socket). */
  Future<StreamClient> open(Recipient r, boolean watchDashboard) {
    synchronized (r) {
      if (r.opening != null && !r.opening.isComplete()) {
        return r.opening;
      }
      WebSocketClient client = clients.get(Math.floorMod(nextClient.getAndIncrement(), clients.size()));
      r.opening = StreamClient.open(vertx, client, target, r, watchDashboard, this);
      return r.opening;
    }
  }

  boolean watchesDashboard(Recipient r) {
    synchronized (recipients) {
      return dashboardWatchers.contains(r);
    }
  }

  @Override
  public void dashboard(long ageNanos) {
    if (ageNanos >= 0) {
      dashboardAge.recordNanos(ageNanos);
    }
  }

  @Override
  public void opened(boolean deflate) {
    opened.incrementAndGet();
    if (deflate) {
      deflated.incrementAndGet();
    }
  }

  /** "permessage-deflate on 12 of 12 sockets". */
  String deflateSummary() {
    return "permessage-deflate agreed on " + deflated.get() + " of " + opened.get() + " sockets";
  }

  /** A tab the server closed (4408 slow consumer, 4012 draining) comes back from its last seq. */
  @Override
  public void closedByServer(Recipient who, short code) {
    serverCloses.incrementAndGet();
    closeCodes.add(who.name + ":" + code);
    if (reconnectOnServerClose) {
      vertx.setTimer(100 + ThreadLocalRandom.current().nextInt(400), t -> reopen(who, 5));
    }
  }

  private void reopen(Recipient who, int attemptsLeft) {
    open(who, watchesDashboard(who)).onFailure(err -> {
      if (attemptsLeft > 0) {
        vertx.setTimer(1000, t -> reopen(who, attemptsLeft - 1));
      } else {
        reconnectFailures.incrementAndGet();
      }
    });
  }

  /**
   * The reconnect storm: drops these connections at once, then each reconnects (new ticket, resume
   * from its last seq) after a uniform random delay up to {@code jitterMs}. Completes with the
   * nanoseconds from the drop until the last one was ready again.
   */
  Future<Long> dropAndResume(List<Recipient> who, long jitterMs) {
    long dropped = System.nanoTime();
    List<Future<Void>> closes = new ArrayList<>();
    for (Recipient r : who) {
      StreamClient c = r.connection;
      r.connection = null;
      if (c != null) {
        closes.add(c.close());
      }
    }
    return Future.join(closes).recover(err -> Future.succeededFuture()).compose(v -> {
      List<Future<StreamClient>> resumed = new ArrayList<>();
      for (Recipient r : who) {
        Promise<StreamClient> done = Promise.promise();
        long delay = jitterMs <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterMs);
        Runnable go = () -> retry(r, 10).onComplete(done);
        if (delay == 0) {
          go.run();
        } else {
          vertx.setTimer(delay, t -> go.run());
        }
        resumed.add(done.future());
      }
      return Future.join(resumed).map(x -> System.nanoTime() - dropped);
    });
  }

  private Future<StreamClient> retry(Recipient r, int attemptsLeft) {
    return open(r, watchesDashboard(r)).recover(err -> {
      if (attemptsLeft <= 0) {
        reconnectFailures.incrementAndGet();
        return Future.failedFuture(err);
      }
      Promise<StreamClient> later = Promise.promise();
      vertx.setTimer(250, t -> retry(r, attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  /** Closes every connection from our side. */
  Future<Void> close() {
    reconnectOnServerClose = false;
    vertx.cancelTimer(pinger);
    List<Future<Void>> closes = new ArrayList<>();
    for (Recipient r : everyone()) {
      StreamClient c = r.connection;
      if (c != null) {
        closes.add(c.close());
      }
    }
    return Future.join(closes).recover(err -> Future.succeededFuture()).mapEmpty()
        .compose(v -> Future.join(clients.stream().map(WebSocketClient::close).toList()).mapEmpty());
  }
}
