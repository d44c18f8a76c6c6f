package io.switchboard.demo;

import io.switchboard.demo.Customers.Customer;
import io.switchboard.demo.DemoClient.Answer;
import io.switchboard.demo.DemoSetup.ChannelKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the demo shop's customers: every few seconds (randomized) it sends the next step of one of
 * several open customer cases through the channel's real adapter, as the provider would (SMTP mail,
 * the widget's socket, Twilio callbacks, Meta webhooks; see {@link AdapterDoors}), and orders
 * through the store channel. A channel whose adapter is out of reach gets its steps through
 * POST /api/v1/inbound with its key. Cases interleave, so the inbox fills the way a real one does;
 * when every customer has had a case, a new round starts with new orders.
 */
final class TrafficSimulator {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficSimulator.class);
  private static final int OPEN_CASES = 5;

  private final Vertx vertx;
  private final DemoClient api;
  private final Map<String, ChannelKey> channels;
  private final long minDelayMs;
  private final long maxDelayMs;
  private final Random random;
  private final List<Customer> customers = Customers.all();
  private final Deque<Customer> waiting = new ArrayDeque<>();
  private final List<Story> open = new ArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean running;
  private long timer = -1;
  private volatile Future<Void> inFlight = Future.succeededFuture();
  private int round;
  private final WidgetVisitors widget;
  private final AdapterDoors doors;
  /** Steps each kind's adapter took (the rest went to /api/v1/inbound). */
  private final Map<String, AtomicLong> throughAdapter = new java.util.concurrent.ConcurrentHashMap<>();

  TrafficSimulator(Vertx vertx, DemoClient api, AdapterDoors doors, Map<String, ChannelKey> channels, long minDelayMs,
      long maxDelayMs, Random random) {
    this.doors = doors;
    this.vertx = vertx;
    this.api = api;
    this.channels = channels;
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = Math.max(minDelayMs, maxDelayMs);
    this.random = random;
    this.widget = new WidgetVisitors(vertx, api.port);
  }

  void start() {
    running = true;
    schedule();
  }

  /** Stops sending; completes once the step being sent (if any) has its answer. */
  Future<Void> stop() {
    running = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return inFlight;
  }

  /** Messages and orders the server accepted (2xx) so far. */
  long accepted() {
    return accepted.get();
  }

  long refused() {
    return refused.get();
  }

  /** Customer messages of this kind that came in through the channel's adapter. */
  long throughAdapter(String kind) {
    AtomicLong n = throughAdapter.get(kind);
    return n == null ? 0 : n.get();
  }

  private void schedule() {
    if (running) {
      long delay = minDelayMs + (long) (random.nextDouble() * (maxDelayMs - minDelayMs));
      timer = vertx.setTimer(delay, id -> {
        inFlight = tick();
        inFlight.onComplete(ar -> schedule());
      });
    }
  }

  /** Sends the next step of a case; the next tick is scheduled only after it answers, so steps never pile up. */
  private Future<Void> tick() {
    try {
      return sendNext(pickStory());
    } catch (RuntimeException e) {
      // a broken case must not stop the traffic: skip it
      LOG.warn("demo traffic: could not play a case", e);
      return Future.succeededFuture();
    }
  }

  private Future<Void> sendNext(Story story) {
    Story.Step step = story.next();
    if (story.done()) {
      open.remove(story);
    }
    ChannelKey channel = channels.get(step.kind());
    Future<Void> sent = channel == null ? Future.succeededFuture() : send(step, channel)
        .onSuccess(answer -> count(step, answer))
        .onFailure(err -> {
          if (running) {
            LOG.warn("demo traffic: {} step failed: {}", step.kind(), err.getMessage());
          }
        })
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
    // An order is context for the message that follows it, not news of its own: both go in one tick.
    return step instanceof Story.Order && !story.done() ? sent.compose(v -> sendNext(story)) : sent;
  }

  private Future<Answer> send(Story.Step step, ChannelKey channel) {
    if (step instanceof Story.Order order) {
      // Orders only to a server that serves them (its OpenAPI document lists exactly what it serves).
      return ordersServed().compose(served -> !served ? Future.succeededFuture(NOT_SENT)
          : api.put("/api/v1/commerce/orders/" + URLEncoder.encode(order.externalId(), StandardCharsets.UTF_8),
              channel.apiKey(), order.body()));
    }
    JsonObject body = ((Story.Inbound) step).body();
    if ("chat".equals(step.kind())) {
      // Through the widget's socket, as a shop page would; a channel made before the demo shop's
      // origin was allowed (or a refused socket) falls back to posting the message directly.
      return widget.send(channel, body).map(a -> viaAdapter(step, a))
          .recover(err -> api.post("/api/v1/inbound", channel.apiKey(), body));
    }
    return doors.send(channel, body).map(door -> door.map(a -> viaAdapter(step, a)))
        .orElseGet(() -> api.post("/api/v1/inbound", channel.apiKey(), body));
  }

  private Answer viaAdapter(Story.Step step, Answer answer) {
    if (answer.status() / 100 == 2) {
      throughAdapter.computeIfAbsent(step.kind(), k -> new AtomicLong()).incrementAndGet();
    }
    return answer;
  }

  /** An order step skipped because the server has no commerce routes. */
  private static final Answer NOT_SENT = new Answer(0, new JsonObject());

  private Future<Boolean> ordersServed;

  /** Asked once: whether the server's OpenAPI document lists the order route. */
  private Future<Boolean> ordersServed() {
    if (ordersServed == null || ordersServed.failed()) {
      ordersServed = api.get("/api/v1/openapi.json", null).map(doc -> doc.status() == 200
          && doc.body().getJsonObject("paths", new JsonObject()).containsKey("/api/v1/commerce/orders/{externalId}"));
    }
    return ordersServed;
  }

  private void count(Story.Step step, Answer answer) {
    if (answer == NOT_SENT) {
      return;
    }
    if (answer.status() / 100 == 2) {
      accepted.incrementAndGet();
      return;
    }
    // Every refusal is logged: the demo's traffic should all be accepted, so each one is a bug to see.
    refused.incrementAndGet();
    LOG.warn("demo traffic: the server answered {} to a {} step: {}", answer.status(), step.kind(),
        answer.body().encode());
  }

  /** Opens a new case while fewer than OPEN_CASES are running, else continues a random open one. */
  private Story pickStory() {
    if (open.isEmpty() || open.size() < OPEN_CASES && random.nextInt(3) == 0) {
      open.add(newStory());
    }
    return open.get(random.nextInt(open.size()));
  }

  private Story newStory() {
    if (waiting.isEmpty()) {
      List<Customer> shuffled = new ArrayList<>(customers);
      Collections.shuffle(shuffled, random);
      waiting.addAll(shuffled);
      round++;
    }
    Customer customer = waiting.poll();
    int index = customers.indexOf(customer);
    // Shapes follow the customer (shifted each round), so every path is played early in each round.
    Story.Shape[] shapes = Story.Shape.values();
    Story.Shape shape = shapes[(index + round) % shapes.length];
    if (shape == Story.Shape.CALL_THEN_WHATSAPP && !channels.containsKey("social")) {
      shape = Story.Shape.EMAIL_THREAD;
    }
    Topic topic = Topic.values()[random.nextInt(Topic.values().length)];
    ChannelKey chat = channels.get("chat");
    return Story.plan(customer, shape, topic, chat == null ? null : chat.secret(), random);
  }
}
