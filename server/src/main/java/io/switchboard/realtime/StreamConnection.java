package io.switchboard.realtime;

import io.switchboard.http.Caller;
import io.switchboard.http.Ids;
import io.switchboard.realtime.StreamTickets.Check;
import io.switchboard.realtime.StreamTickets.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One browser tab's stream: authenticates with a ticket, replays what the tab missed, then goes
 * live. A tab that is still replaying holds live events back and drops those its replay already
 * covered, so it gets every event once and in seq order.
 *
 * <p>Runs on the stream context only (see {@link StreamHub}); the socket may belong to another.
 */
final class StreamConnection {

  /** Close codes of the contract. */
  static final short BAD_AUTH = 4401;
  static final short REVOKED = 4403;
  static final short SLOW = 4408;
  static final short DRAINING = 4012;
  static final short IDLE = 4000;
  static final short SERVER_ERROR = 1011;

  private static final Set<String> TOPICS = Set.of("dashboard");
  private static final long PRESENCE_WAIT_MS = 2000;
  /** A typing or viewing signal per conversation shows for seconds: one a second is plenty. */
  static final long SIGNAL_EVERY_MS = 1000;

  private enum State { AWAITING_AUTH, AUTHENTICATING, REPLAYING, LIVE, CLOSED }

  final String id = Ids.random(16);
  private final StreamHub hub;
  private final Outbox outbox;
  private final long openedAt = System.currentTimeMillis();
  private long lastFrameAt = openedAt;
  private long lastHeartbeatAt;
  private State state = State.AWAITING_AUTH;
  private Viewer viewer;
  /** Live events that arrived while replaying; sent after the replay, those it did not cover. */
  private final ArrayDeque<StreamEvent> heldBack = new ArrayDeque<>();
  /** The highest seq covered: replayed (or skipped by the replay as not visible), or sent live. */
  private long cursor;
  private boolean watchesDashboard;
  private Scope viewing;
  private boolean cleanedUp;
  private final SignalThrottle signals = new SignalThrottle(SIGNAL_EVERY_MS);

  /** A conversation's visibility, for typing and viewing signals. */
  record Scope(String conversationId, String teamId, String assigneeId) {
  }

  /** Created on the socket's context. */
  StreamConnection(StreamHub hub, ServerWebSocket ws) {
    this.hub = hub;
    this.outbox = new Outbox(Vertx.currentContext(), ws, hub::settings,
        () -> hub.onStreamContext(() -> close(SLOW, "slow consumer: resume from your last seq")));
  }

  /** The event-loop thread serving the socket. */
  Thread loop() {
    return outbox.loop();
  }

  Caller.User user() {
    return viewer == null ? null : viewer.user();
  }

  int tokenVersion() {
    return viewer.tokenVersion();
  }

  boolean watchesDashboard() {
    return watchesDashboard && state == State.LIVE;
  }

  /** The user was re-read: new teams take effect, revoked credentials end the stream. */
  void recheck(Check check) {
    if (state == State.CLOSED) {
      return;
    }
    if (check instanceof Check.Valid valid) {
      viewer = valid.viewer();
      watchesDashboard = watchesDashboard && viewer.user().seesAll();
    } else {
      close(REVOKED, "credentials revoked; sign in again");
    }
  }

  /** Auth deadline and idle timeout, checked by the hub's clock. */
  void checkTimers(long now) {
    if ((state == State.AWAITING_AUTH || state == State.AUTHENTICATING) && now - openedAt > hub.settings().authTimeoutMs()) {
      close(BAD_AUTH, "no auth frame in time");
    } else if (outbox.stuck(now)) {
      close(SLOW, "slow consumer: resume from your last seq");
    } else if (now - lastFrameAt > hub.settings().idleTimeoutMs()) {
      close(IDLE, "idle: no frame for too long");
    }
  }

  void onText(String text) {
    if (state == State.CLOSED) {
      return;
    }
    lastFrameAt = System.currentTimeMillis();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      frame = null;
    }
    if (state == State.AWAITING_AUTH) {
      authenticate(frame);
      return;
    }
    if (frame == null) {
      error("frames are JSON objects");
      return;
    }
    if (state == State.AUTHENTICATING) {
      return; // nothing but auth means anything yet
    }
    heartbeat();
    handle(frame);
  }

  /** Called when the socket closed, whoever closed it. */
  void onClosed() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    state = State.CLOSED;
    heldBack.clear();
    hub.detach(this);
    if (viewer != null) {
      Caller.User user = viewer.user();
      hub.presence.disconnected(user.accountId(), user.userId(), id);
      if (viewing != null) {
        hub.signal(user, viewing, "viewing", true);
      }
      viewer = null;
    }
  }

  void close(short code, String reason) {
    if (cleanedUp) {
      return;
    }
    outbox.close(code, reason);
    onClosed();
  }

  /** A durable event from the account's feed, in seq order; its frame joins the feed's batch. */
  void offer(StreamEvent event, FanOut out) {
    if (viewer == null || !event.visibleTo(viewer.user())) {
      return;
    }
    if (state == State.REPLAYING) {
      heldBack.add(event);
      if (heldBack.size() > hub.settings().maxPendingEvents()) {
        close(SLOW, "slow consumer: resume from your last seq");
      }
    } else if (state == State.LIVE && event.seq() > cursor) {
      cursor = event.seq();
      out.add(outbox, event.frame());
    }
  }

  /** An ephemeral frame (presence, typing, dashboard): live connections only, never replayed. */
  void offerEphemeral(String frame, FanOut out) {
    if (state == State.LIVE) {
      out.add(outbox, frame);
    }
  }

  private void authenticate(JsonObject frame) {
    if (frame == null || !"auth".equals(frame.getValue("type")) || !(frame.getValue("ticket") instanceof String ticket)) {
      close(BAD_AUTH, "the first frame must be {\"type\":\"auth\",\"ticket\":...}");
      return;
    }
    Object since = frame.getValue("since");
    if (since != null && !(since instanceof Number n && n.longValue() >= 0 && n.doubleValue() == n.longValue())) {
      close(BAD_AUTH, "since must be a seq or null");
      return;
    }
    state = State.AUTHENTICATING;
    hub.tickets.redeem(ticket).onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        close(SERVER_ERROR, "could not check the ticket; try again");
      } else if (ar.result() instanceof Check.Valid valid) {
        viewer = valid.viewer();
        start(since == null ? null : ((Number) since).longValue());
      } else if (ar.result() instanceof Check.Revoked) {
        close(REVOKED, "credentials revoked; sign in again");
      } else {
        close(BAD_AUTH, "the ticket is unknown, used or expired");
      }
    });
  }

  private void start(Long since) {
    state = State.REPLAYING;
    AccountFeed feed = hub.attach(this);
    // Replay starts only once the feed knows its position: everything after that reaches us live.
    feed.start()
        .compose(v -> since == null ? Future.succeededFuture(feed.position()) : resume(feed, since))
        .compose(this::goLive)
        .onFailure(err -> close(SERVER_ERROR, "the stream could not start; try again"));
  }

  private Future<Long> resume(AccountFeed feed, long since) {
    if (feed.remembers(since)) {
      cursor = since;
      return replay(feed);
    }
    return hub.reader.range(feed.accountId).compose(range -> {
      if (!range.canResumeFrom(since)) {
        send(new JsonObject().put("type", "resync").encode());
        return Future.succeededFuture(feed.position());
      }
      cursor = since;
      return replay(feed);
    });
  }

  /**
   * Sends every visible event after the cursor, page by page, pausing while the socket is full.
   * Pages come from the feed's memory while it still holds the events after the cursor (a resume
   * from a recent seq, as every tab of a reconnect storm does, costs no database read), else from
   * the database.
   */
  private Future<Long> replay(AccountFeed feed) {
    List<StreamEvent> remembered = feed.recentAfter(cursor, EventReader.PAGE);
    Future<List<StreamEvent>> next = remembered != null ? Future.succeededFuture(remembered)
        : hub.reader.after(feed.accountId, cursor);
    return next.compose(page -> {
      if (state == State.CLOSED) {
        return Future.failedFuture("closed");
      }
      Caller.User user = viewer.user();
      for (StreamEvent event : page) {
        if (event.visibleTo(user)) {
          outbox.send(event.frame());
        }
        cursor = event.seq();
      }
      if (page.size() < EventReader.PAGE) {
        return Future.succeededFuture(cursor);
      }
      return writable().compose(v -> replay(feed));
    });
  }

  /** Completes (here) once the socket has room again: a replay never outruns its reader. */
  private Future<Void> writable() {
    Promise<Void> room = Promise.promise();
    outbox.whenWritable(() -> hub.onStreamContext(room::tryComplete));
    return room.future();
  }

  private Future<Void> goLive(long seq) {
    if (state == State.CLOSED) {
      return Future.succeededFuture();
    }
    cursor = Math.max(cursor, seq);
    Caller.User user = viewer.user();
    lastHeartbeatAt = System.currentTimeMillis();
    // Presence is a nicety: Redis being slow or down must not keep the tab from going live.
    return hub.presence.connected(user.accountId(), user.userId(), user.name(), id)
        .compose(v -> hub.presence.snapshot(user.accountId()))
        .timeout(PRESENCE_WAIT_MS, TimeUnit.MILLISECONDS)
        .otherwise(err -> new JsonArray())
        .map(agents -> {
          if (state == State.CLOSED) {
            // closed while registering: take the tab out again rather than wait for its expiry
            hub.presence.disconnected(user.accountId(), user.userId(), id);
            return null;
          }
          send(new JsonObject().put("type", "ready").put("seq", cursor).encode());
          // "users" repeats "agents" for the console, which reads that name.
          send(new JsonObject().put("type", "presence.snapshot").put("agents", agents).put("users", agents.copy()).encode());
          state = State.LIVE;
          FanOut out = new FanOut();
          while (!heldBack.isEmpty()) {
            offer(heldBack.poll(), out);
          }
          out.flush();
          return null;
        });
  }

  private void handle(JsonObject frame) {
    Object type = frame.getValue("type");
    if (!(type instanceof String t)) {
      error("type is required");
      return;
    }
    switch (t) {
      case "ping" -> send("{\"type\":\"pong\"}");
      case "presence" -> choosePresence(frame.getValue("status"));
      case "typing", "viewing" -> signal(t, frame.getValue("conversationId"));
      case "subscribe", "unsubscribe" -> subscribe("subscribe".equals(t), frame.getValue("topic"));
      case "auth" -> error("already authenticated");
      default -> error("unknown frame type " + t);
    }
  }

  private void choosePresence(Object status) {
    if (!(status instanceof String s) || !Presence.STATUSES.contains(s)) {
      error("status must be one of online, away, offline");
      return;
    }
    Caller.User user = viewer.user();
    hub.presence.choose(user.accountId(), user.userId(), s);
  }

  private void signal(String type, Object conversationId) {
    if (!(conversationId instanceof String conversation) || conversation.isBlank()) {
      error("conversationId is required");
      return;
    }
    if (!signals.admit(type, conversation, System.currentTimeMillis())) {
      return; // the same signal a moment ago still shows: no query, nothing sent
    }
    hub.scope(viewer.user().accountId(), conversation).onComplete(ar -> {
      if (state == State.CLOSED || viewer == null) {
        return;
      }
      Scope scope = ar.succeeded() ? ar.result() : null;
      if (scope == null || !viewer.user().sees(scope.teamId(), scope.assigneeId())) {
        error("conversation " + conversation + " not found");
        return;
      }
      if ("viewing".equals(type)) {
        if (viewing != null && !viewing.conversationId().equals(conversation)) {
          hub.signal(viewer.user(), viewing, "viewing", true);
        }
        viewing = scope;
      }
      hub.signal(viewer.user(), scope, type, false);
    });
  }

  private void subscribe(boolean on, Object topic) {
    if (!(topic instanceof String t) || !TOPICS.contains(t)) {
      error("topic must be dashboard");
    } else if (!viewer.user().seesAll()) {
      error("only supervisors and admins may watch the dashboard");
    } else {
      watchesDashboard = on;
    }
  }

  private void heartbeat() {
    long now = System.currentTimeMillis();
    if (viewer != null && now - lastHeartbeatAt >= hub.settings().heartbeatEveryMs()) {
      lastHeartbeatAt = now;
      hub.presence.heartbeat(viewer.user().accountId(), viewer.user().userId(), id);
    }
  }

  private void error(String detail) {
    send(new JsonObject().put("type", "error").put("detail", detail).encode());
  }

  /** A tab that stops reading is dropped by its outbox (it resumes from its last seq); others are unaffected. */
  private void send(String frame) {
    if (state != State.CLOSED) {
      outbox.send(frame);
    }
  }
}
