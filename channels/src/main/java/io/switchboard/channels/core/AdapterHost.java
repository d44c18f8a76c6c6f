package io.switchboard.channels.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the adapters of one process, one per channel key it is given: reads the channel through the
 * adapter API, has the channel's kind make its adapter, starts it with its provider routes and
 * runs its outbound loop. Used the same way inside the server (keys it issues itself) and by the
 * standalone process (keys from its environment).
 *
 * <p>{@link #router()} serves every channel's provider routes; mount it at /channels/*. Every
 * provider request passes the limits first: a body cap, requests per client address and per
 * channel per minute, and a timeout.
 */
public final class AdapterHost {

  private static final Logger LOG = LoggerFactory.getLogger(AdapterHost.class);

  /** Provider bodies (webhooks, call events) are small; media is fetched, never posted to us. */
  public static final long BODY_LIMIT = 1024 * 1024;
  static final long TIMEOUT_MS = 30_000;

  private record Running(ChannelInfo channel, ChannelAdapter adapter, OutboundLoop loop, ProviderRoutes routes,
      String key) {
  }

  private final Vertx vertx;
  private final String serverUrl;
  private final HostSettings host;
  private final Exclusive exclusive;
  private final SharedMemory memory;
  private final Map<String, ChannelKind> kinds = new ConcurrentHashMap<>();
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final WebClient client;
  private final Router router;
  private final WindowLimiter perAddress;
  private final WindowLimiter perChannel;

  /** A process on its own: it holds every exclusive job, and remembers in its own memory. */
  public AdapterHost(Vertx vertx, String serverUrl, HostSettings host, List<ChannelKind> kinds) {
    this(vertx, serverUrl, host, kinds, Exclusive.alone(), SharedMemory.local(LOCAL_MEMORY));
  }

  /** Facts a process alone remembers (calls in progress, of every channel it runs). */
  static final int LOCAL_MEMORY = 50_000;

  /**
   * @param exclusive how jobs done by one process at a time are shared out (the server's nodes: a
   *                  PostgreSQL session lock per job)
   * @param memory    what the adapters of every process share (the server's nodes: Redis)
   */
  public AdapterHost(Vertx vertx, String serverUrl, HostSettings host, List<ChannelKind> kinds, Exclusive exclusive,
      SharedMemory memory) {
    this.vertx = vertx;
    this.exclusive = exclusive;
    this.memory = memory;
    this.serverUrl = serverUrl;
    this.host = host;
    kinds.forEach(k -> this.kinds.put(k.kind(), k));
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("switchboard-adapter")
        .setConnectTimeout(10_000).setKeepAliveTimeout(30), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    this.perAddress = new WindowLimiter(host.intSetting("SWITCHBOARD_ADAPTER_RATE_PER_ADDRESS", 300), 100_000);
    this.perChannel = new WindowLimiter(host.intSetting("SWITCHBOARD_ADAPTER_RATE_PER_CHANNEL", 6000), 100_000);
    this.router = Router.router(vertx);
    router.route("/:channelId/*").handler(this::admit);
    // A WebSocket upgrade (the chat widget's socket) has no body to read and outlives any request timeout.
    var timeout = TimeoutHandler.create(TIMEOUT_MS, 503);
    var body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router.route("/:channelId/*").handler(ctx -> {
      if (upgrade(ctx)) {
        ctx.next();
      } else {
        timeout.handle(ctx);
      }
    });
    router.route("/:channelId/*").handler(ctx -> {
      if (upgrade(ctx)) {
        ctx.next();
      } else {
        body.handle(ctx);
      }
    });
    // The adapters' own routes are added (and removed) between these and the last one.
    router.route().last().handler(ctx -> problem(ctx, 404, "Not Found", "no such channel endpoint"));
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
      if (status == 500) {
        LOG.warn("provider request {} failed", ctx.request().path(), ctx.failure());
      }
      problem(ctx, status, status == 413 ? "Content Too Large" : status == 503 ? "Timed Out" : "Request failed",
          status == 413 ? "the body is larger than " + BODY_LIMIT + " bytes" : "the request could not be handled");
    });
  }

  /** The kind's shared part (e.g. the email kind and its SMTP listener), if this host has it. */
  public java.util.Optional<ChannelKind> kind(String kind) {
    return java.util.Optional.ofNullable(kinds.get(kind));
  }

  /** Whether this host has an adapter for the kind. */
  public boolean supports(String kind) {
    return kinds.containsKey(kind);
  }

  public boolean runs(String channelId) {
    return running.containsKey(channelId);
  }

  /** Serves /{channelId}/... for every running adapter; mount at /channels/*. */
  public Router router() {
    return router;
  }

  /**
   * Starts the adapter of the channel the key belongs to. Fails when the core cannot be reached or
   * refuses the key, or the channel's kind has no adapter here.
   */
  public Future<ChannelInfo> add(String key) {
    AdapterApi api = new AdapterApi(client, serverUrl, key);
    return api.channel().compose(channel -> {
      ChannelKind kind = kinds.get(channel.kind());
      if (kind == null) {
        return Future.failedFuture(new IllegalArgumentException("no adapter for channels of kind " + channel.kind()));
      }
      if (running.containsKey(channel.id())) {
        return Future.succeededFuture(channel);
      }
      ProviderRoutes routes = new ProviderRoutes(router, channel.id());
      ChannelAdapter adapter = kind.create(new AdapterContext(vertx, channel, api, routes, host, exclusive, memory));
      OutboundLoop loop = adapter.delivers() ? new OutboundLoop(vertx, api, adapter, channel.id()) : null;
      Running r = new Running(channel, adapter, loop, routes, key);
      if (running.putIfAbsent(channel.id(), r) != null) {
        return Future.succeededFuture(channel);
      }
      return adapter.start()
          .onSuccess(v -> {
            if (loop != null) {
              loop.start();
            }
            LOG.info("adapter of {} channel {} ({}) started", channel.kind(), channel.id(), channel.name());
          })
          .onFailure(err -> {
            running.remove(channel.id(), r);
            routes.removeAll();
            LOG.warn("adapter of channel {} failed to start: {}", channel.id(), err.getMessage());
          })
          .map(channel);
    });
  }

  /** Like {@link #add}, tried again with backoff while the core is unreachable (standalone start). */
  public Future<ChannelInfo> addWhenReachable(String key) {
    io.vertx.core.Promise<ChannelInfo> done = io.vertx.core.Promise.promise();
    Backoff backoff = new Backoff(500, 30_000);
    attempt(key, backoff, done, 0);
    return done.future();
  }

  private void attempt(String key, Backoff backoff, io.vertx.core.Promise<ChannelInfo> done, int tries) {
    add(key).onSuccess(done::complete).onFailure(err -> {
      boolean unreachable = !(err instanceof ApiException) || ((ApiException) err).transientFailure();
      if (!unreachable || tries >= 1000) {
        done.fail(err);
        return;
      }
      vertx.setTimer(backoff.nextDelay(), t -> attempt(key, backoff, done, tries + 1));
    });
  }

  /**
   * Stops the channel's adapter and starts it again with the same key, so it reads the channel's
   * settings afresh (an admin edited them). Nothing happens when it does not run here. Restarts of
   * one channel run one after another, so a second edit during the first restart is not missed.
   */
  public Future<ChannelInfo> restart(String channelId) {
    Future<ChannelInfo> next = restarts.compute(channelId, (id, before) ->
        (before == null ? Future.<ChannelInfo>succeededFuture() : before).eventually(() -> restartNow(id)));
    next.onComplete(x -> restarts.remove(channelId, next));
    return next;
  }

  private final Map<String, Future<ChannelInfo>> restarts = new ConcurrentHashMap<>();

  private Future<ChannelInfo> restartNow(String channelId) {
    Running r = running.get(channelId);
    if (r == null) {
      return Future.succeededFuture();
    }
    return remove(channelId).compose(v -> add(r.key()));
  }

  public Future<Void> remove(String channelId) {
    Running r = running.remove(channelId);
    if (r == null) {
      return Future.succeededFuture();
    }
    if (r.loop() != null) {
      r.loop().stop();
    }
    r.routes().removeAll();
    return r.adapter().stop().recover(err -> Future.succeededFuture());
  }

  public Future<Void> close() {
    Future<Void> all = Future.join(running.keySet().stream().map(this::remove).toList()).mapEmpty();
    return all.eventually(() -> Future.join(kinds.values().stream().map(ChannelKind::close).toList()))
        .eventually(() -> {
          client.close();
          return Future.succeededFuture();
        }).recover(err -> Future.succeededFuture());
  }

  /** Rates per client address and per channel, before any body is read. */
  private void admit(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    String channelId = ctx.pathParam("channelId");
    if (!running.containsKey(channelId)) {
      problem(ctx, 404, "Not Found", "no such channel");
      return;
    }
    String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    if (!perAddress.allow(address, now) || !perChannel.allow(channelId, now)) {
      ctx.response().putHeader("Retry-After", String.valueOf(WindowLimiter.retryAfterSeconds(now)));
      problem(ctx, 429, "Too Many Requests", "too many requests; try again later");
      return;
    }
    ctx.next();
  }

  private static boolean upgrade(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("Upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /** An answer in the core's error format (RFC 9457). */
  public static void problem(RoutingContext ctx, int status, String title, String detail) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
            .put("detail", detail).encode());
  }
}
