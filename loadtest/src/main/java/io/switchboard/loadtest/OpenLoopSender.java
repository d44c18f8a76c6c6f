package io.switchboard.loadtest;

import io.switchboard.loadtest.Target.ChannelRef;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the channel adapters: posts inbound messages at Poisson arrival times whatever the server
 * does, and measures each acknowledgement from the message's intended send time. If the server
 * falls so far behind that {@code maxInFlight} requests are outstanding, further messages are not
 * sent and are counted as failed: the rate is then beyond the knee and the step says so.
 */
final class OpenLoopSender {

  /** How one step of load went. */
  record Outcome(double offeredPerSecond, double seconds, int sent, int acknowledged, int failed, int notSent,
      Map<Integer, Long> statuses) {

    double acknowledgedPerSecond() {
      return acknowledged / seconds;
    }
  }

  private static final long TICK_MS = 1;
  private static final int MAX_SENDS_PER_TICK = 200;
  private static final long REQUEST_TIMEOUT_MS = 30_000;

  /** How long after the last send the sender waits for outstanding answers. */
  private static final long OUTSTANDING_WAIT_MS = 180_000;

  private final Vertx vertx;
  private final Target target;
  private final HttpClient http;
  private final int maxInFlight;
  private final Zipf customers;
  private final InboundMessages bodies;
  private final SplittableRandom channels;

  OpenLoopSender(Vertx vertx, Target target, int connections, int maxInFlight, long seed) {
    this.vertx = vertx;
    this.target = target;
    this.maxInFlight = maxInFlight;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.customers = new Zipf(20_000, 1.1, seed);
    this.bodies = new InboundMessages(seed + 1);
    this.channels = new SplittableRandom(seed + 2);
  }

  /** Sends at {@code perSecond} for {@code millis}, then waits for the outstanding answers. */
  Future<Outcome> run(Window window, double perSecond, long millis, long seed) {
    Promise<Outcome> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> new Run(window, perSecond, millis, seed, done).start());
    return done.future();
  }

  Future<Void> close() {
    return http.close();
  }

  /** One step, confined to one event loop. */
  private final class Run {
    private final Window window;
    private final double perSecond;
    private final long durationNanos;
    private final PoissonSchedule schedule;
    private final Promise<Outcome> done;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
    private final AtomicLong lastAnswer = new AtomicLong();
    private int notSent;
    private int sent;
    private long startNanos;
    private long nextOffset;
    private long timer;

    Run(Window window, double perSecond, long millis, long seed, Promise<Outcome> done) {
      this.window = window;
      this.perSecond = perSecond;
      this.durationNanos = millis * 1_000_000;
      this.schedule = new PoissonSchedule(perSecond, seed);
      this.done = done;
    }

    void start() {
      startNanos = System.nanoTime();
      nextOffset = schedule.next();
      timer = vertx.setPeriodic(TICK_MS, t -> tick());
    }

    /** Sends every message whose intended time has come; late ticks send late, and it is measured. */
    private void tick() {
      long now = System.nanoTime() - startNanos;
      // A late tick catches up over the next ticks instead of blocking the event loop; the delay
      // still counts, since latency runs from the intended time.
      int budget = MAX_SENDS_PER_TICK;
      while (nextOffset <= now && nextOffset < durationNanos && budget-- > 0) {
        send(startNanos + nextOffset);
        nextOffset = schedule.next();
      }
      if (nextOffset >= durationNanos) {
        vertx.cancelTimer(timer);
        finish(System.nanoTime());
      }
    }

    private void send(long intendedNanos) {
      int channelIndex = channels.nextInt(target.channels().size());
      ChannelRef channel = target.channels().get(channelIndex);
      int n = window.register(channel.group());
      sent++;
      if (inFlight.get() >= maxInFlight) {
        notSent++;
        window.failed(n);
        return;
      }
      Marker marker = new Marker(window.run, n, intendedNanos);
      Buffer body = bodies.body(channel, channelIndex, customers.next(), marker).toBuffer();
      inFlight.incrementAndGet();
      http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host()).setPort(target.port())
              .setURI("/api/v1/inbound").putHeader("Authorization", "Bearer " + channel.key())
              .putHeader("Content-Type", "application/json").setIdleTimeout(REQUEST_TIMEOUT_MS))
          .compose(req -> req.send(body))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            long now = System.nanoTime();
            int status = ar.succeeded() ? ar.result() : 0;
            statuses.merge(status, 1L, Long::sum);
            if (status == 202 || status == 200) {
              window.acknowledged(n);
              acknowledged.incrementAndGet();
              window.ack.recordNanos(now - intendedNanos);
            } else {
              window.failed(n);
              failed.incrementAndGet();
            }
            lastAnswer.set(now);
            inFlight.decrementAndGet();
          });
    }

    /**
     * Waits for the answers still outstanding: an overloaded server may owe a minute's backlog, and
     * an answer counted after the window is tallied would distort its figures.
     */
    private void finish(long sendingEnded) {
      if (inFlight.get() > 0 && System.nanoTime() - sendingEnded < OUTSTANDING_WAIT_MS * 1_000_000) {
        vertx.setTimer(20, t -> finish(sendingEnded));
        return;
      }
      done.complete(new Outcome(perSecond, durationNanos / 1e9, sent, acknowledged.get(), failed.get(), notSent,
          Map.copyOf(statuses)));
    }
  }
}
