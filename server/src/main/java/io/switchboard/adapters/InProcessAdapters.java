package io.switchboard.adapters;

import io.switchboard.channel.ChannelRepository;
import io.switchboard.channels.core.AdapterHost;
import io.switchboard.channels.core.SharedMemory;
import io.switchboard.cluster.ClusterJobs;
import io.switchboard.db.PgUrl;
import io.switchboard.channels.core.ChannelKind;
import io.switchboard.channels.core.HostSettings;
import io.switchboard.config.Config;
import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SWITCHBOARD_ADAPTERS=in-process: this node runs the adapter of every channel that has one. Each
 * adapter gets an internal channel key issued here at start: random, shown to nobody, stored only
 * as its hash (like every key) with the node's name, so the adapter speaks to the core over the
 * same HTTP adapter API, with the same checks, as a standalone one would. The keys are revoked
 * when the node stops; a node that crashed leaves hashes whose keys existed only in its memory.
 *
 * <p>A channel created later is heard on the event bus (sb.channels.changed, published on create)
 * and its adapter started then, on every node; a channel whose settings were edited has its running
 * adapter restarted (with the same internal key), so it reads the new settings.
 */
public final class InProcessAdapters {

  private static final Logger LOG = LoggerFactory.getLogger(InProcessAdapters.class);
  /** Published by the Authenticator whenever a channel or its keys change (see ChannelKeyCache). */
  static final String CHANNELS_CHANGED = "sb.channels.changed";

  private final Vertx vertx;
  private final Pool db;
  private final ChannelRepository channels;
  private final String node;
  private final HostSettings host;
  private final ClusterJobs exclusive;
  private final SharedMemory memory;
  private final Function<HostSettings, List<ChannelKind>> kinds;
  private final Map<String, String> keyHashes = new ConcurrentHashMap<>();
  private volatile AdapterHost adapters;
  private final Router router;
  private MessageConsumer<JsonObject> consumer;

  /**
   * @param redis where the adapters of every node share short-lived facts (a call's caller)
   */
  public InProcessAdapters(Vertx vertx, Pool db, RedisAPI redis, ChannelRepository channels, Config config,
      Function<HostSettings, List<ChannelKind>> kinds) {
    this.vertx = vertx;
    this.exclusive = new ClusterJobs(vertx, PgUrl.parse(config.pgUrl()).options(), config.nodeId(),
        HostSettings.intVar(config.env(), "SWITCHBOARD_JOB_RETRY_MS", 5_000));
    this.memory = new RedisMemory(redis, config.redisPrefix());
    this.db = db;
    this.channels = channels;
    this.node = config.nodeId() + "/" + Ids.random(8); // unique per boot: two nodes may share a name in tests
    this.host = HostSettings.fromEnv(config.env(), config.publicUrl());
    this.kinds = kinds;
    this.router = Router.router(vertx);
  }

  /** The running host (null before start): which adapters run, and each kind's shared part. */
  public AdapterHost host() {
    return adapters;
  }

  /** Serves /channels/{channelId}/... (mount at /channels/*); answers 404 until adapters run. */
  public Router router() {
    return router;
  }

  /**
   * Starts the adapters once the node serves HTTP on port (they call the core there).
   *
   * @param publicUrl the origin providers reach (with port 0 in tests, the bound one)
   */
  public Future<Void> start(int port, String publicUrl) {
    HostSettings settings = new HostSettings(publicUrl, host.smtpPort(), host.smtpRelay(), host.env());
    adapters = new AdapterHost(vertx, "http://127.0.0.1:" + port, settings, kinds.apply(settings), exclusive, memory);
    router.route("/*").subRouter(adapters.router());
    consumer = vertx.eventBus().<JsonObject>consumer(CHANNELS_CHANGED, msg -> {
      String channelId = msg.body().getString("channelId");
      if (channelId == null || adapters == null) {
        return;
      }
      if (!adapters.runs(channelId)) {
        startAll(channelId);
      } else if (msg.body().getBoolean("settings", false)) {
        adapters.restart(channelId).onFailure(err ->
            LOG.warn("adapter of channel {} did not restart with its new settings: {}", channelId, err.toString()));
      }
    });
    return consumer.completion().compose(v -> startAll(null));
  }

  /** Starts the adapter of every channel (or of the one given) that has an adapter and none running yet. */
  private Future<Void> startAll(String onlyId) {
    AdapterHost running = adapters;
    List<String> kindNames = List.of("email", "chat", "phone", "social", "store").stream()
        .filter(running::supports).toList();
    return channels.ofKinds(db, kindNames, onlyId).compose(list -> {
      List<Future<Void>> started = list.stream().filter(c -> !running.runs(c.id())).map(c -> startOne(c.id())).toList();
      return Future.join(started).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    }).onFailure(err -> LOG.warn("in-process adapters: channels could not be read: {}", err.getMessage()));
  }

  private Future<Void> startOne(String channelId) {
    String key = "sbk_" + Ids.random(43);
    String hash = Hashes.sha256(key);
    return channels.insertInternalKey(db, channelId, Ids.next("ikey"), hash, node).compose(inserted -> {
      if (!inserted) {
        return Future.succeededFuture();
      }
      keyHashes.put(channelId, hash);
      return adapters.add(key).<Void>mapEmpty().onFailure(err -> {
        LOG.warn("in-process adapter of channel {} did not start: {}", channelId, err.toString());
        keyHashes.remove(channelId);
        channels.revokeInternalKeys(db, node, List.of(hash));
      });
    });
  }

  /** Stops the adapters and revokes the keys this node issued. */
  public Future<Void> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    AdapterHost running = adapters;
    return unregistered
        .eventually(() -> running == null ? Future.succeededFuture() : running.close())
        .eventually(exclusive::close)
        .eventually(() -> keyHashes.isEmpty() ? Future.succeededFuture()
            : channels.revokeInternalKeys(db, node, List.copyOf(keyHashes.values())))
        .recover(err -> Future.succeededFuture());
  }
}
