package io.switchboard;

import io.switchboard.account.AccountRepository;
import io.switchboard.account.AccountRoutes;
import io.switchboard.account.AuthRoutes;
import io.switchboard.account.Passwords;
import io.switchboard.account.Tokens;
import io.switchboard.account.UserRepository;
import io.switchboard.channel.ChannelRepository;
import io.switchboard.channel.ChannelRoutes;
import io.switchboard.config.Config;
import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.MessageRepository;
import io.switchboard.outbound.OutboundQueue;
import io.switchboard.openapi.OpenApiRoutes;
import io.switchboard.db.Database;
import io.switchboard.events.EventLog;
import io.switchboard.http.Authenticator;
import io.switchboard.ingest.AttachmentStore;
import io.switchboard.ingest.IngestRoutes;
import io.switchboard.ingest.IngestService;
import io.switchboard.http.HttpVerticle;
import io.switchboard.http.ProblemHandler;
import io.switchboard.http.WebSecurity;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.ClusterView;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The application: prepares storage, wires the services and serves HTTP. Main starts it for real;
 * tests start it in-process, each against its own database and Redis prefix.
 */
public final class Switchboard {

  /** JSON bodies are small; attachments have their own, larger limit. */
  public static final long JSON_LIMIT = 1024 * 1024;

  private final Vertx vertx;
  private final Config config;
  private final Pool db;
  private final RedisAPI redis;
  private final Redis redisClient;
  private final List<String> deployments = new ArrayList<>();
  private final Services services;
  private final PrometheusMeterRegistry metrics;
  private int port;

  private Switchboard(Vertx vertx, Config config, Pool db, Redis redisClient, PrometheusMeterRegistry metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.config = config;
    this.db = db;
    this.redisClient = redisClient;
    this.redis = RedisAPI.api(redisClient);
    this.services = new Services(vertx, config, db, redis, metrics);
  }

  public static Future<Switchboard> start(Vertx vertx, Config config) {
    return start(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Starts with the registry Vert.x reports its own metrics to (see Main), served at /metrics. */
  public static Future<Switchboard> start(Vertx vertx, Config config, PrometheusMeterRegistry metrics) {
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    var tuning = config.tuning();
    return Database.start(vertx, config.pgUrl(), tuning.pgPoolSize(), tuning.pgWaitQueue()).compose(pool -> {
      Redis redis = Redis.createClient(vertx, new RedisOptions()
          .setConnectionString(config.redisUrl())
          .setMaxPoolSize(16)
          .setMaxPoolWaiting(1024));
      Switchboard app = new Switchboard(vertx, config, pool, redis, metrics);
      return app.deploy().map(app);
    });
  }

  /** One HTTP verticle per event loop, all serving the one router built here. */
  private Future<Void> deploy() {
    List<HttpVerticle> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
    return services.start()
        .compose(v -> services.auth.start(vertx))
        .compose(v -> {
          Router router = router();
          var tuning = config.tuning();
          var guard = new io.switchboard.http.ConnectionGuard(tuning.connectionsPerAddress(), tuning.httpHeadSeconds());
          return vertx.deployVerticle(() -> {
            HttpVerticle http = new HttpVerticle(config.httpPort(), router, config.tuning().wsCompression(),
                config.tuning().httpIdleSeconds(), guard);
            instances.add(http);
            return http;
          }, new io.vertx.core.DeploymentOptions().setInstances(config.tuning().eventLoops()));
        })
        .onSuccess(id -> {
          deployments.add(id);
          port = instances.get(0).actualPort();
          services.actualPort = port;
        })
        // The in-process adapters call the core over HTTP, so they start once it serves.
        .compose(id -> services.adapters == null ? Future.<Void>succeededFuture()
            : services.adapters.start(port, services.publicUrl()))
        .mapEmpty();
  }

  public int port() {
    return port;
  }

  public Pool db() {
    return db;
  }

  public Services services() {
    return services;
  }

  public Config config() {
    return config;
  }

  /**
   * Drains the node. /health/ready turns 503 so a load balancer sends nothing new; live streams
   * close with 4012 (browsers reconnect at once, possibly to another node) and long polls answer
   * empty; the HTTP server stops accepting and lets requests in flight finish, inbound posts
   * included (ingest still runs); then ingest writes what it queued, and the clients close.
   */
  public Future<Void> close() {
    services.draining = true;
    // The node's own adapters go first: they stop taking provider requests and their long polls.
    Future<Void> adaptersStopped = services.adapters == null ? Future.succeededFuture() : services.adapters.stop();
    Future<Void> stopped = adaptersStopped.recover(err -> Future.succeededFuture())
        .compose(v -> services.stopLive()).recover(err -> Future.succeededFuture());
    for (String id : deployments) {
      stopped = stopped.compose(v -> vertx.undeploy(id)).recover(err -> Future.succeededFuture());
    }
    return stopped
        .eventually(services::stopWriters)
        .eventually(services.auth::stop)
        .eventually(db::close)
        .eventually(() -> {
          redisClient.close();
          return Future.succeededFuture();
        });
  }

  private Router router() {
    Router root = Router.router(vertx);
    root.route().handler(WebSecurity::headers);
    root.route().handler(io.switchboard.http.RequestShape::refuseNul);
    var floods = services.floods;
    // Every API request: an address that has guessed ids (404) or credentials (401) too often waits.
    root.route("/api/v1/*").handler(floods::screen);
    // The routes that need no credential: a bucket per address.
    root.route("/health/*").handler(floods::publicRoute);
    root.route("/metrics").handler(floods::publicRoute);
    root.post("/api/v1/accounts").handler(floods::publicRoute);
    root.get("/api/v1/openapi.json").handler(floods::publicRoute);
    // The customers' survey links: the page and its answer.
    root.get("/csat/*").handler(floods::publicRoute);
    root.post("/api/v1/csat/*").handler(floods::publicRoute);
    // An invitee's link: the page and its answer.
    root.get("/invite/*").handler(floods::publicRoute);
    root.get("/reset*").handler(floods::publicRoute);
    root.post("/api/v1/invitations/:token/accept").handler(floods::publicRoute);
    root.post("/api/v1/auth/password-reset").handler(floods::publicRoute);
    root.post("/api/v1/password-resets/:token").handler(floods::publicRoute);
    root.get("/health/live").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "up")));
    root.get("/health/ready").handler(services::ready);
    root.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));
    services.mountRoot(root);

    Router api = Router.router(vertx);
    // The credential of an upload is checked before its body is read: an anonymous 25 MiB costs nothing.
    // Paused first: the body handler that follows the (asynchronous) guard starts reading it.
    var uploadGuard = services.auth.userOrChannel();
    api.post("/attachments").handler(ctx -> {
      ctx.request().pause();
      // Refused before its body was read (401, 413): the rest is read and dropped, so the answer
      // reaches the client and the connection stays usable; past the upload limit it is closed.
      ctx.addEndHandler(ended -> io.switchboard.http.UnreadBody.discard(ctx.request(), 2 * services.attachmentLimit()));
      uploadGuard.handle(ctx);
    });
    // At most so many uploads in flight per account and per address, before the body is read.
    api.route("/attachments").method(io.vertx.core.http.HttpMethod.POST).handler(floods::uploadSlot);
    api.route("/attachments").method(io.vertx.core.http.HttpMethod.POST)
        .handler(BodyHandler.create(false).setBodyLimit(services.attachmentLimit()));
    api.route().handler(BodyHandler.create(false).setBodyLimit(JSON_LIMIT));
    api.route().handler(io.switchboard.http.JsonBodies::require);
    services.mountApi(api);
    api.route().last().handler(ctx -> ctx.fail(io.switchboard.http.Problem.noRoute()));
    api.route().failureHandler(ProblemHandler::handle);

    root.route("/api/v1/*").subRouter(api);
    if (services.adapters != null) {
      // Providers' webhooks, the chat widget, ...: /channels/{channelId}/... reaches that channel's adapter.
      root.route("/channels/*").subRouter(services.adapters.router());
    }
    // The dashboard's charting library, from its webjar (a dependency of the web module).
    root.route("/vendor/uplot/*").handler(StaticHandler.create("META-INF/resources/webjars/uplot/1.6.30/dist")
        .setCachingEnabled(false));
    root.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
    root.route().failureHandler(ProblemHandler::handle);
    return root;
  }

  /** The services of the running application, built once and shared by every route. */
  public static final class Services {

    private final ClusterView cluster;
    private final MeterRegistry meters;

    private final Vertx vertx;
    private final Config config;
    private final Pool db;
    private final RedisAPI redis;
    public final EventLog events;
    public final Tokens tokens;
    public final Passwords passwords;
    public final Authenticator auth;
    /** Encrypts provider secrets in channel settings (SWITCHBOARD_DATA_KEY). */
    public final io.switchboard.http.SecretBox secrets;
    /** Rate limits in Redis, shared by every node (see http/RateLimiter). */
    public final io.switchboard.http.RateLimiter limits;
    /** Per-node limits on floods: ingest per channel, public routes, id guessing, uploads in flight. */
    public final io.switchboard.http.Floods floods;
    public final AccountRepository accounts = new AccountRepository();
    public final UserRepository users = new UserRepository();
    public final ChannelRepository channels = new ChannelRepository();
    public final ConversationRepository conversations = new ConversationRepository();
    public final MessageRepository messages = new MessageRepository();
    public final OutboundQueue outbound;
    public final AttachmentStore attachments = new AttachmentStore();
    public final IngestService ingest;
    public final io.switchboard.outbound.LongPolls outboundPolls;
    public final io.switchboard.outbound.OutboundBacklog outboundBacklog;
    public final io.switchboard.outbound.ChatTyping chatTyping;
    public final OpenApiRoutes openApi = new OpenApiRoutes(this::publicUrl);
    /** Invitations and admins' changes to people and teams (issue 21). */
    public final io.switchboard.account.UserLinks userLinks = new io.switchboard.account.UserLinks();
    public final io.switchboard.account.StaffMail staffMail;
    private final AuthRoutes authRoutes;
    private final io.switchboard.account.InvitationRoutes invitations;
    private final io.switchboard.account.PasswordResetRoutes resets;
    // Helpers add their services here (one field each), start them in start(), mount them below.
    public final io.switchboard.contact.ContactRepository contacts = new io.switchboard.contact.ContactRepository();
    public final io.switchboard.realtime.Realtime realtime = new io.switchboard.realtime.Realtime(this);
    /** SLAs and CSAT (issue 20): one clock for all of it, policies cached, timers armed. */
    public final io.switchboard.sla.Sla sla;
    volatile int actualPort;
    /** The channel adapters this node runs itself (SWITCHBOARD_ADAPTERS=in-process), else null. */
    public final io.switchboard.adapters.InProcessAdapters adapters;

    Services(Vertx vertx, Config config, Pool db, RedisAPI redis, MeterRegistry metrics) {
      this.vertx = vertx;
      this.config = config;
      this.db = db;
      this.redis = redis;
      this.cluster = new ClusterView(vertx, config.nodeId());
      this.meters = metrics;
      this.events = new EventLog(vertx);
      this.tokens = new Tokens(vertx, config.jwtSecret());
      this.passwords = new Passwords(vertx, config.passwordIterations(), config.tuning().hashQueue());
      this.limits = new io.switchboard.http.RateLimiter(redis, config.redisPrefix(), System::currentTimeMillis);
      this.secrets = new io.switchboard.http.SecretBox(config.dataKey());
      this.floods = new io.switchboard.http.Floods(config.tuning(), limits, System::currentTimeMillis);
      this.auth = new Authenticator(db, tokens, events, secrets, floods);
      this.staffMail = io.switchboard.account.StaffMail.fromEnv(vertx, config.env(), config.publicUrl());
      this.authRoutes = new AuthRoutes(db, users, passwords, tokens, auth, limits);
      var linkServices = new io.switchboard.account.LinkServices(db, users, accounts, userLinks, passwords,
          authRoutes, auth, staffMail, limits, this::publicUrl);
      this.invitations = new io.switchboard.account.InvitationRoutes(linkServices);
      this.resets = new io.switchboard.account.PasswordResetRoutes(linkServices);
      this.outbound = new OutboundQueue(vertx);
      this.outboundPolls = new io.switchboard.outbound.LongPolls(vertx, db, outbound);
      this.outboundBacklog = new io.switchboard.outbound.OutboundBacklog(vertx, db, metrics);
      this.chatTyping = new io.switchboard.outbound.ChatTyping(db, outbound);
      this.adapters = config.adaptersInProcess()
          ? new io.switchboard.adapters.InProcessAdapters(vertx, db, redis, channels, config,
              host -> io.switchboard.channels.core.ChannelKinds.all(vertx, host))
          : null;
      this.sla = new io.switchboard.sla.Sla(vertx, db, events, conversations, messages, outbound, this::publicUrl,
          io.switchboard.sla.SlaClock.system());
      this.ingest = new IngestService(vertx, db, events, contacts, metrics, config.tuning().ingestBatch(),
          config.tuning().ingestInFlight(), config.tuning().ingestQueue(), sla);
      // The load test reads it: how many SLA timers this node holds.
      io.micrometer.core.instrument.Gauge.builder("switchboard_sla_timers_armed", sla, s -> s.armedTimers())
          .description("SLA warning, breach and escalation timers armed on this node").register(metrics);
      String[] kinds = {"warning", "breach", "escalation"};
      for (int kind = 0; kind < kinds.length; kind++) {
        int k = kind;
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.sla.fired", sla, s -> s.fired(k))
            .description("SLA warnings, breaches and escalation steps fired by this node").tag("kind", kinds[kind])
            .register(metrics);
      }
    }

    Future<Void> start() {
      return cluster.start()
          .compose(v -> sla.start())
          .compose(v -> ingest.start())
          .compose(v -> outboundPolls.start())
          .onSuccess(v -> outboundBacklog.start())
          .compose(v -> realtime.start());
    }

    /** Set when the node starts draining: /health/ready answers 503. */
    volatile boolean draining;

    /** Live streams closed with 4012 and long polls answered, so no request waits on them. */
    Future<Void> stopLive() {
      outboundBacklog.stop();
      return realtime.stop().eventually(() -> outboundPolls.stop());
    }

    /** Once no request is left: what ingest accepted is written (and announced) before it stops. */
    Future<Void> stopWriters() {
      return ingest.stop().eventually(() -> sla.stop()).eventually(staffMail::close);
    }

    long attachmentLimit() {
      return 25L * 1024 * 1024;
    }

    void mountRoot(Router root) {
      openApi.observe(root);
      realtime.mountRoot(root);
      new io.switchboard.sla.CsatRoutes(sla.csat, limits).mountRoot(root);
      invitations.mountRoot(root);
      resets.mountRoot(root);
    }

    void mountApi(Router api) {
      openApi.mount(api);
      authRoutes.mount(api);
      new AccountRoutes(db, accounts, users, passwords, auth, config.platformKey()).mount(api);
      new io.switchboard.account.TeamRoutes(db, accounts, auth).mount(api);
      invitations.mountApi(api);
      resets.mountApi(api);
      new ChannelRoutes(db, channels, auth, secrets).mount(api);
      realtime.mountApi(api);
      new io.switchboard.outbound.OutboundRoutes(db, outbound, outboundPolls, conversations, messages, events, auth)
          .mount(api);
      new io.switchboard.outbound.AdapterRoutes(db, new io.switchboard.outbound.AgentsOnline(redis, config.redisPrefix()), auth,
          realtime::customerTyping, sla)
          .mount(api);
      new IngestRoutes(db, auth, ingest, attachments, floods.channelIngest()).mount(api);
      new io.switchboard.conversation.ConversationRoutes(db, auth, events, conversations, messages, contacts,
          new io.switchboard.conversation.Replies(db, events, conversations, messages, outbound, sla), sla).mount(api);
      new io.switchboard.sla.SlaRoutes(db, auth, sla).mount(api);
      new io.switchboard.sla.CsatRoutes(sla.csat, limits).mountApi(api);
      new io.switchboard.sla.ReportRoutes(auth, new io.switchboard.sla.Reports(db, sla.clock)).mount(api);
      new io.switchboard.contact.ContactRoutes(db, auth, events, contacts, conversations).mount(api);
    }

    void ready(io.vertx.ext.web.RoutingContext ctx) {
      Future<Boolean> pg = db.query("SELECT 1").execute().map(true).otherwise(false);
      Future<Boolean> rd = redis.ping(List.of()).map(true).otherwise(false);
      Future<ClusterView.Members> members = cluster.members()
          .otherwise(new ClusterView.Members(true, false, List.of(config.nodeId())));
      Future.join(pg, rd, members).onComplete(ar -> {
        boolean pgUp = pg.result();
        boolean redisUp = rd.result();
        ClusterView.Members cl = members.result();
        var body = new io.vertx.core.json.JsonObject()
            .put("status", draining ? "draining" : !pgUp ? "down" : redisUp && cl.active() ? "up" : "degraded")
            .put("postgres", pgUp ? "up" : "down")
            .put("redis", redisUp ? "up" : "down")
            .put("node", config.nodeId())
            .put("cluster", new io.vertx.core.json.JsonObject()
                .put("state", !cl.clustered() ? "single" : cl.active() ? "up" : "down")
                .put("members", new io.vertx.core.json.JsonArray(cl.names())));
        ctx.response().setStatusCode(pgUp && !draining ? 200 : 503).putHeader("Content-Type", "application/json")
            .end(body.encode());
      });
    }

    /** The origin browsers use; with port 0 (tests) it names the port actually bound. */
    public String publicUrl() {
      String url = config.publicUrl();
      return url.endsWith(":0") ? url.substring(0, url.length() - 1) + actualPort : url;
    }

    public RedisAPI redis() {
      return redis;
    }

    public Pool db() {
      return db;
    }

    /** Where Switchboard's own meters go (served at /metrics). */
    public MeterRegistry meters() {
      return meters;
    }

    public Vertx vertx() {
      return vertx;
    }

    public Config config() {
      return config;
    }
  }
}
