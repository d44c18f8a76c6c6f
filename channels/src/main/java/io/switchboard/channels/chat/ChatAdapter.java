package io.switchboard.channels.chat;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.AdapterHost;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.Delivery;
import io.switchboard.channels.core.OutboundItem;
import io.switchboard.channels.core.WindowLimiter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat channel: serves GET /channels/{id}/widget.js and the visitors' sockets at
 * /channels/{id}/widget/socket. Visitor messages go to the core as inbound messages (thread key =
 * the visitor's session); agents' replies and typing come back through the outbound loop and are
 * pushed to that visitor's open sockets (every tab). History is read from the core on each
 * connect, so it survives a reload, a new tab and a restart of this process.
 *
 * <p>With several nodes, the node that takes a reply from the outbound queue is often not the one
 * holding the visitor's socket: it pushes the reply to its own tabs of that visitor and publishes a
 * wake-up (the visitor's handle, no text) to this channel's adapter on every node, and each node
 * holding a tab of that visitor reads the thread and pushes what the tab has not been given. The
 * bus only hurries things along: a tab whose visitor said hello or wrote in the last 30 minutes has
 * its thread read again every SWITCHBOARD_CHAT_CATCHUP_SECONDS, so a lost wake-up delays a reply,
 * never loses it. Each tab is sent each message once, whichever path brings it first.
 */
final class ChatAdapter implements ChannelAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ChatAdapter.class);
  static final long AVAILABILITY_TTL_MS = 15_000;

  final AdapterContext context;
  final ChatSettings settings;
  final Visitors visitors = new Visitors(5_000, 20);
  /** Every open socket, said hello or not: swept for idle ones by one timer. */
  final java.util.Set<VisitorSocket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Messages per visitor (session) and per client address, per minute. */
  final WindowLimiter perVisitor = new WindowLimiter(20, 100_000);
  final WindowLimiter perAddress = new WindowLimiter(60, 100_000);
  /** Typing signals per visitor per minute (the widget sends at most one every 3 s). */
  final WindowLimiter typing = new WindowLimiter(25, 100_000);
  private final String script;
  private volatile JsonObject availability;
  private volatile long availabilityAt;
  private Future<JsonObject> availabilityCall;
  private long timer = -1;
  private long sweeper = -1;
  private long catchUp = -1;
  private io.vertx.core.eventbus.MessageConsumer<JsonObject> bus;
  /** A tab is caught up from the thread while its visitor said hello or wrote within this long. */
  static final long CATCH_UP_AFTER_ACTIVE_MS = 30 * 60_000;
  /** Names this adapter instance in its wake-ups, so it does not answer its own. */
  private final String origin = Visitors.newSession();

  ChatAdapter(AdapterContext context) {
    this.context = context;
    this.settings = ChatSettings.from(context.channel().settings());
    this.script = Widget.script(context.host().publicUrl() + "/channels/" + context.channel().id(), settings);
  }

  @Override
  public Future<Void> start() {
    context.routes().get("/widget.js", this::serveScript);
    context.routes().get("/widget/socket", this::openSocket);
    // Visitors' "we reply within ..." follows the agents coming and going.
    timer = context.vertx().setPeriodic(30_000, t -> {
      if (!visitors.all().isEmpty()) {
        availability(true).onSuccess(a -> visitors.all().forEach(s -> s.send(a.copy().put("type", "availability"))));
      }
    });
    sweeper = context.vertx().setPeriodic(5_000, t -> {
      long now = System.currentTimeMillis();
      java.util.List.copyOf(open).forEach(s -> s.sweep(now));
    });
    long catchUpMs = Math.max(1, context.host().intSetting("SWITCHBOARD_CHAT_CATCHUP_SECONDS", 20)) * 1000L;
    catchUp = context.vertx().setPeriodic(catchUpMs, t -> catchUp());
    bus = context.vertx().eventBus().consumer(busAddress(), msg -> woken(msg.body()));
    return bus.completion();
  }

  /** Where this channel's nodes wake each other up about a visitor (a reply, an agent typing). */
  private String busAddress() {
    return "sb.chat." + context.channel().id();
  }

  /**
   * Tells the adapters of every node that the visitor has something: this node's tabs get the frame
   * now, the other nodes' tabs read it from the thread. The wake-up carries no customer text: the
   * cluster's bus is plain TCP between nodes, and the thread in PostgreSQL is what counts.
   */
  private void toVisitor(String handle, JsonObject frame) {
    if (handle == null) {
      return;
    }
    visitors.of(handle).forEach(s -> s.push(frame));
    JsonObject wake = new JsonObject().put("handle", handle).put("origin", origin);
    if ("typing".equals(frame.getString("type"))) {
      wake.put("typing", true);
    }
    context.vertx().eventBus().publish(busAddress(), wake);
  }

  private void woken(JsonObject wake) {
    if (origin.equals(wake.getString("origin"))) {
      return; // this node's tabs have it already
    }
    java.util.Set<VisitorSocket> tabs = visitors.of(wake.getString("handle"));
    if (tabs.isEmpty()) {
      return;
    }
    if (wake.getBoolean("typing", false)) {
      tabs.forEach(s -> s.send(new JsonObject().put("type", "typing")));
      return;
    }
    refresh(tabs);
  }

  /** Visitors who were active lately get what their tabs missed, from the thread itself. */
  private void catchUp() {
    long since = System.currentTimeMillis() - CATCH_UP_AFTER_ACTIVE_MS;
    refresh(visitors.all().stream().filter(s -> s.activeAt() > since).toList());
  }

  /** Reads each session's thread once and pushes every reply its tabs have not been given. */
  private void refresh(java.util.Collection<VisitorSocket> tabs) {
    java.util.Map<String, java.util.List<VisitorSocket>> bySession = new java.util.HashMap<>();
    for (VisitorSocket s : tabs) {
      if (s.session() != null) {
        bySession.computeIfAbsent(s.session(), k -> new java.util.ArrayList<>()).add(s);
      }
    }
    bySession.forEach((session, sockets) -> history(session).onSuccess(items -> {
      for (int i = 0; i < items.size(); i++) {
        JsonObject m = items.getJsonObject(i);
        if ("outbound".equals(m.getString("direction"))) {
          JsonObject frame = new JsonObject().put("type", "message").put("message", m);
          sockets.forEach(s -> s.push(frame));
        }
      }
    }).onFailure(err -> LOG.debug("chat thread of {} not read: {}", context.channel().id(), err.getMessage())));
  }

  private void serveScript(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=300")
        .putHeader("Cross-Origin-Resource-Policy", "cross-origin")
        .end(script);
  }

  private void openSocket(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("Upgrade");
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      AdapterHost.problem(ctx, 400, "Bad Request", "this is the chat widget's WebSocket");
      return;
    }
    if (!settings.allows(ctx.request().getHeader("Origin"))) {
      AdapterHost.problem(ctx, 403, "Forbidden", "this page's origin is not in the channel's allowedOrigins");
      return;
    }
    String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    if (!visitors.admit(address)) {
      AdapterHost.problem(ctx, 429, "Too Many Requests", "too many open chats from this address");
      return;
    }
    ctx.request().toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        visitors.release(address);
        LOG.debug("chat socket upgrade failed: {}", ar.cause().getMessage());
        return;
      }
      new VisitorSocket(this, ar.result(), address).start();
    });
  }

  /** Whether anyone answers now, for the widget: {"online","agentsOnline","inBusinessHours","nextOpenAt"}. */
  synchronized Future<JsonObject> availability(boolean fresh) {
    long now = System.currentTimeMillis();
    if (!fresh && availability != null && now - availabilityAt < AVAILABILITY_TTL_MS) {
      return Future.succeededFuture(availability);
    }
    if (availabilityCall != null) {
      return availabilityCall;
    }
    Future<JsonObject> call = context.api().availability().map(a -> {
      int online = a.getInteger("agentsOnline", 0);
      boolean open = a.getBoolean("inBusinessHours", true);
      JsonObject out = new JsonObject().put("online", online > 0 && open).put("agentsOnline", online)
          .put("inBusinessHours", open).put("nextOpenAt", a.getString("nextOpenAt"));
      availability = out;
      availabilityAt = System.currentTimeMillis();
      return out;
    }).recover(err -> {
      // The core cannot say: the contact form still opens a conversation, so offer it.
      LOG.debug("availability of {} failed: {}", context.channel().id(), err.getMessage());
      return Future.succeededFuture(availability != null ? availability
          : new JsonObject().put("online", false).put("agentsOnline", 0).put("inBusinessHours", true));
    });
    availabilityCall = call;
    call.onComplete(ar -> {
      synchronized (this) {
        availabilityCall = null;
      }
    });
    return call;
  }

  /** A thread's public history in the widget's shape; empty for a thread that has no message yet. */
  Future<JsonArray> history(String session) {
    return context.api().thread(session).map(items -> {
      JsonArray out = new JsonArray();
      for (int i = 0; i < items.size(); i++) {
        JsonObject m = items.getJsonObject(i);
        JsonObject author = m.getJsonObject("author");
        out.add(message(m.getString("id"), m.getString("direction"), text(m.getString("text"), m.getString("html")),
            author == null ? null : author.getString("name"), m.getString("createdAt")));
      }
      return out;
    }).recover(err -> err instanceof io.switchboard.channels.core.ApiException api && api.status() == 404
        ? Future.succeededFuture(new JsonArray()) : Future.failedFuture(err));
  }

  static JsonObject message(String id, String direction, String text, String author, String at) {
    return new JsonObject().put("id", id).put("direction", direction).put("text", text == null ? "" : text)
        .put("author", author).put("at", at);
  }

  /** The widget shows text only (as textContent): an HTML-only reply is reduced to its words. */
  static String text(String text, String html) {
    if (text != null && !text.isBlank()) {
      return text;
    }
    if (html == null) {
      return "";
    }
    return html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]*>", " ")
        .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&amp;", "&").replaceAll("[ \\t]+", " ").trim();
  }

  /**
   * An agent's reply: pushed to the visitor's open tabs. A visitor who is away reads it from the
   * thread's history when the widget opens again, so it counts as sent either way.
   */
  @Override
  public Future<Delivery> deliver(OutboundItem item) {
    String handle = item.to().getString("handle");
    String body = text(item.text(), item.html());
    if (item.attachments() != null && !item.attachments().isEmpty()) {
      StringBuilder names = new StringBuilder(body);
      item.attachments().forEach(a -> names.append(names.isEmpty() ? "" : "\n").append("[file: ").append(a.name()).append(']'));
      body = names.toString();
    }
    JsonObject frame = new JsonObject().put("type", "message")
        .put("message", message(item.messageId(), "outbound", body, null, Instant.now().toString()));
    toVisitor(handle, frame);
    return Future.succeededFuture(Delivery.sent("chat-" + item.messageId()));
  }

  @Override
  public Future<Void> typing(OutboundItem item) {
    toVisitor(item.to().getString("handle"), new JsonObject().put("type", "typing"));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      context.vertx().cancelTimer(timer);
      context.vertx().cancelTimer(sweeper);
      context.vertx().cancelTimer(catchUp);
    }
    java.util.List.copyOf(open).forEach(VisitorSocket::close);
    return bus == null ? Future.succeededFuture() : bus.unregister().recover(err -> Future.succeededFuture());
  }
}
