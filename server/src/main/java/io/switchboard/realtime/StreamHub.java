package io.switchboard.realtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.events.Appended;
import io.switchboard.events.EventLog;
import io.switchboard.http.Caller;
import io.switchboard.realtime.StreamConnection.Scope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live stream of this node: its connections, one {@link AccountFeed} per account with
 * connections here, presence, the dashboard ticker and event retention.
 *
 * <p>All of its state lives on this verticle's context. Sockets are served by every HTTP event
 * loop; their callbacks hop here first, so no state is shared between threads, and frames go back
 * to each socket's own loop (batched per loop, see {@link FanOut}).
 */
final class StreamHub extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

  /** Ephemeral signals (presence, typing, viewing) for every node's connections of an account. */
  static final String EPHEMERAL = "sb.ephemeral";

  private static final String SCOPE = """
      SELECT team_id, assignee_id FROM conversation WHERE id = $1 AND account_id = $2""";

  private volatile StreamSettings settings;
  final StreamTickets tickets;
  final EventReader reader;
  final Presence presence;
  private final Pool db;
  private final Dashboard dashboard;
  private final EventRetention retention;
  private final Map<String, AccountFeed> feeds = new HashMap<>();
  private final Set<StreamConnection> connections = new LinkedHashSet<>();
  private final StreamMetrics metrics;
  private final List<Long> timers = new ArrayList<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private boolean draining;

  /** What a browser sends: pings, presence, typing and viewing; a person types far fewer. */
  static final double FRAMES_PER_SECOND = 20;
  static final int FRAME_BURST = 60;
  /** About ten seconds' worth of frames over the budget, without a pause, closes the connection. */
  static final int CLOSE_AFTER_DROPPED = 200;
  static final short POLICY_VIOLATION = 1008;
  static final short MESSAGE_TOO_BIG = 1009;
  /** A browser's frames are small (auth, ping, presence, typing): 64 Ki characters is generous. */
  static final int MAX_FRAME_CHARS = 64 * 1024;

  StreamHub(Pool db, RedisAPI redis, String redisPrefix, StreamSettings settings, MeterRegistry registry) {
    this.metrics = new StreamMetrics(registry, this::connectionCount);
    this.db = db;
    this.settings = settings;
    this.tickets = new StreamTickets(db);
    this.reader = new EventReader(db);
    this.presence = new Presence(redis, redisPrefix, settings.presenceTtlMs(), this::announcePresence);
    this.dashboard = new Dashboard(db, presence);
    this.retention = new EventRetention(db, settings.retention());
  }

  /** The SLA and CSAT part of the dashboard snapshot (see sla/SlaDashboard). */
  void dashboardSla(java.util.function.Function<String, Future<JsonObject>> part) {
    dashboard.slaPart = part;
  }

  @Override
  public Future<?> start() {
    consumers.add(vertx.eventBus().<JsonObject>consumer(EventLog.APPENDED, msg ->
        announced(msg.body().getString("accountId"), msg.body().getLong("seq", 0L))));
    consumers.add(vertx.eventBus().<JsonObject>consumer(EPHEMERAL, msg -> deliverEphemeral(msg.body())));
    consumers.add(vertx.eventBus().<JsonObject>consumer(io.switchboard.http.Authenticator.USERS_CHANGED, msg ->
        recheckUser(msg.body().getString("accountId"), msg.body().getString("userId"))));
    every(settings.safetyPollMs(), () -> feeds.values().forEach(AccountFeed::wake));
    every(Math.min(1000, settings.authTimeoutMs()), this::checkTimers);
    every(settings.presenceSweepMs(), presence::sweep);
    every(settings.dashboardEveryMs(), this::tickDashboards);
    every(settings.credentialCheckMs(), this::recheckCredentials);
    every(settings.retention().everyMs(), this::prune);
    timers.add(vertx.setTimer(30_000, id -> prune()));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /** Draining: every tab is told to reconnect, possibly to another node (4012). */
  @Override
  public Future<?> stop() {
    draining = true;
    timers.forEach(vertx::cancelTimer);
    for (StreamConnection c : new ArrayList<>(connections)) {
      c.close(StreamConnection.DRAINING, "server draining; reconnect");
    }
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  StreamSettings settings() {
    return settings;
  }

  /** Tests tighten limits of the running hub; periods of timers already started stay. */
  void tune(StreamSettings changed) {
    this.settings = changed;
  }

  /** Takes a freshly upgraded socket (on the HTTP context) and serves it from the stream context. */
  void accept(ServerWebSocket ws) {
    StreamConnection connection = new StreamConnection(this, ws);
    ws.setWriteQueueMaxSize(settings.writeQueueBytes());
    // Handlers are set at once so no frame is lost; they run here only after the hop. The budget is
    // checked before the hop, on the socket's loop: a flood never reaches the stream context.
    FrameBudget budget = new FrameBudget(FRAMES_PER_SECOND, FRAME_BURST, CLOSE_AFTER_DROPPED, System.nanoTime());
    ws.textMessageHandler(text -> {
      if (text.length() > MAX_FRAME_CHARS) {
        ws.close(MESSAGE_TOO_BIG, "frames are at most " + MAX_FRAME_CHARS + " characters");
        return;
      }
      switch (budget.take(System.nanoTime())) {
        case ACCEPT -> onStreamContext(() -> connection.onText(text));
        case DROP -> { }
        case CLOSE -> ws.close(POLICY_VIOLATION, "too many frames; at most " + (int) FRAMES_PER_SECOND + " a second");
      }
    });
    ws.closeHandler(v -> onStreamContext(connection::onClosed));
    ws.exceptionHandler(err -> LOG.debug("stream socket failed: {}", err.getMessage()));
    // The HTTP server is shutting down (it may stop before this verticle): say so with 4012.
    ws.shutdownHandler(v -> ws.close(StreamConnection.DRAINING, "server draining; reconnect"));
    onStreamContext(() -> {
      if (draining) {
        connection.close(StreamConnection.DRAINING, "server draining; reconnect");
      } else {
        connections.add(connection);
      }
    });
  }

  void onStreamContext(Runnable task) {
    Context here = context;
    if (Vertx.currentContext() == here) {
      task.run();
    } else {
      here.runOnContext(v -> task.run());
    }
  }

  AccountFeed attach(StreamConnection connection) {
    AccountFeed feed = feeds.computeIfAbsent(connection.user().accountId(), id -> new AccountFeed(id, reader, metrics));
    feed.add(connection);
    return feed;
  }

  void detach(StreamConnection connection) {
    connections.remove(connection);
    Caller.User user = connection.user();
    if (user == null) {
      return;
    }
    AccountFeed feed = feeds.get(user.accountId());
    if (feed != null) {
      feed.remove(connection);
      if (feed.isEmpty()) {
        feeds.remove(user.accountId());
      }
    }
  }

  /** The team and assignee of a conversation of the account, or null when it has none such. */
  Future<Scope> scope(String accountId, String conversationId) {
    return db.preparedQuery(SCOPE).execute(Tuple.of(conversationId, accountId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      var r = rows.iterator().next();
      return new Scope(conversationId, r.getString("team_id"), r.getString("assignee_id"));
    });
  }

  private java.util.function.BiConsumer<String, String> onAgentTyping = (account, conversation) -> { };

  /** Called (account, conversation) when an agent types, e.g. to show it in the customer's chat widget. */
  void onAgentTyping(java.util.function.BiConsumer<String, String> handler) {
    this.onAgentTyping = handler;
  }

  /** Typing or viewing: to the account's other users who may see the conversation, on every node. */
  void signal(Caller.User from, Scope scope, String type, boolean stopped) {
    if ("typing".equals(type) && !stopped) {
      onAgentTyping.accept(from.accountId(), scope.conversationId());
    }
    JsonObject frame = new JsonObject().put("type", type).put("conversationId", scope.conversationId())
        .put("userId", from.userId()).put("userName", from.name());
    if (stopped) {
      frame.put("stopped", true);
    }
    vertx.eventBus().publish(EPHEMERAL, new JsonObject().put("accountId", from.accountId())
        .put("teamId", scope.teamId()).put("assigneeId", scope.assigneeId()).put("scoped", true)
        .put("exceptUserId", from.userId()).put("frame", frame.encode()));
  }

  /**
   * A chat visitor types in a conversation: a "typing" frame with customer: true to the users who
   * may see it, on every node (like an agent's, it expires 6 s after the last one).
   */
  Future<Boolean> customerTyping(String accountId, String conversationId, String name) {
    return scope(accountId, conversationId).map(scope -> {
      if (scope == null) {
        return false;
      }
      JsonObject frame = new JsonObject().put("type", "typing").put("conversationId", conversationId)
          .put("userId", "customer:" + conversationId).put("userName", name == null ? "The customer" : name)
          .put("customer", true);
      vertx.eventBus().publish(EPHEMERAL, new JsonObject().put("accountId", accountId).put("teamId", scope.teamId())
          .put("assigneeId", scope.assigneeId()).put("scoped", true).put("frame", frame.encode()));
      return true;
    });
  }

  /** How many event loops serve this node's sockets, for tests (read on the stream context). */
  Future<Integer> socketLoops() {
    io.vertx.core.Promise<Integer> count = io.vertx.core.Promise.promise();
    onStreamContext(() -> count.complete((int) connections.stream().map(StreamConnection::loop).distinct().count()));
    return count.future();
  }

  /** How many connections this node serves (all states), for tests and metrics. */
  int connectionCount() {
    return connections.size();
  }

  /** Called on any thread by the writer after its commit (see EventLog#announce(Appended)). */
  void committed(Appended appended) {
    onStreamContext(() -> {
      AccountFeed feed = feeds.get(appended.accountId());
      if (feed != null) {
        feed.committed(appended.events().stream().map(EventReader::toEvent).toList());
      }
    });
  }

  void announced(String accountId, long seq) {
    AccountFeed feed = accountId == null ? null : feeds.get(accountId);
    if (feed != null) {
      feed.announced(seq);
    }
  }

  /** Re-reads one person's connections now: their credentials or rights just changed. */
  void recheckUser(String accountId, String userId) {
    for (StreamConnection c : new ArrayList<>(connections)) {
      Caller.User user = c.user();
      if (user != null && user.userId().equals(userId) && user.accountId().equals(accountId)) {
        tickets.reload(accountId, userId, c.tokenVersion())
            .onSuccess(c::recheck)
            .onFailure(err -> LOG.debug("re-reading {} failed: {}", userId, err.getMessage()));
      }
    }
  }

  /** Re-reads every connected user now (also done periodically). */
  void recheckCredentials() {
    for (StreamConnection c : new ArrayList<>(connections)) {
      Caller.User user = c.user();
      if (user != null) {
        tickets.reload(user.accountId(), user.userId(), c.tokenVersion())
            .onSuccess(c::recheck)
            .onFailure(err -> LOG.debug("re-reading {} failed: {}", user.userId(), err.getMessage()));
      }
    }
  }

  Future<Long> prune() {
    return retention.prune()
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("retention deleted {} events", n);
          }
        })
        .onFailure(err -> LOG.warn("event retention failed: {}", err.getMessage()));
  }

  private void announcePresence(Presence.Change change) {
    JsonObject frame = new JsonObject().put("type", "presence.updated").put("userId", change.userId())
        .put("name", change.name()).put("status", change.status());
    vertx.eventBus().publish(EPHEMERAL, new JsonObject().put("accountId", change.accountId()).put("scoped", false)
        .put("frame", frame.encode()));
  }

  private void deliverEphemeral(JsonObject msg) {
    AccountFeed feed = feeds.get(msg.getString("accountId"));
    if (feed == null) {
      return;
    }
    boolean scoped = msg.getBoolean("scoped", false);
    String except = msg.getString("exceptUserId");
    String team = msg.getString("teamId");
    String assignee = msg.getString("assigneeId");
    String frame = msg.getString("frame");
    FanOut out = new FanOut();
    for (StreamConnection c : feed.connections()) {
      Caller.User user = c.user();
      if (user != null && !user.userId().equals(except) && (!scoped || user.sees(team, assignee))) {
        c.offerEphemeral(frame, out);
      }
    }
    out.flush();
  }

  private void checkTimers() {
    long now = System.currentTimeMillis();
    for (StreamConnection c : new ArrayList<>(connections)) {
      c.checkTimers(now);
    }
  }

  /** One snapshot per watched account per tick, sent to all its subscribers here. */
  private void tickDashboards() {
    for (AccountFeed feed : new ArrayList<>(feeds.values())) {
      if (feed.connections().stream().noneMatch(StreamConnection::watchesDashboard) || !feed.tryStartDashboard()) {
        continue;
      }
      dashboard.snapshot(feed.accountId).onComplete(ar -> {
        feed.dashboardDone();
        if (ar.failed()) {
          LOG.debug("dashboard of {} failed: {}", feed.accountId, ar.cause().getMessage());
          return;
        }
        FanOut out = new FanOut();
        for (StreamConnection c : feed.connections()) {
          if (c.watchesDashboard()) {
            c.offerEphemeral(ar.result(), out);
          }
        }
        out.flush();
      });
    }
  }

  private void every(long ms, Runnable task) {
    timers.add(vertx.setPeriodic(ms, id -> task.run()));
  }
}
