package io.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Builds this node's Vert.x: clustered through Hazelcast when members are configured, otherwise
 * plain. The cluster only carries wake-ups and short-lived coordination (locks for work done once);
 * everything durable is in PostgreSQL, so a lost cluster message delays, never loses.
 */
public final class Clustering {

  private Clustering() {
  }

  /** Starts Vert.x: {@code builder} already holds the options and metrics the node wants. */
  public static Future<Vertx> start(VertxBuilder builder, VertxOptions options, ClusterSettings settings) {
    if (!settings.clustered()) {
      return Future.succeededFuture(builder.with(options).build());
    }
    if (settings.host() != null) {
      options.getEventBusOptions().setHost(settings.host()).setClusterPublicHost(settings.host());
    }
    return builder.with(options).withClusterManager(new HazelcastClusterManager(hazelcast(settings))).buildClustered();
  }

  /** Vert.x's own Hazelcast configuration (the maps its event bus needs), joined by the member list only. */
  static Config hazelcast(ClusterSettings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("switchboard");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(settings.heartbeatSeconds()));
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // A member that leaves cleanly is gone at once; one that dies is found by the heartbeat above.
    config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    if (settings.host() != null) {
      network.setPublicAddress(settings.host());
      network.getInterfaces().setEnabled(true).addInterface(settings.host());
      config.setProperty("hazelcast.local.localAddress", settings.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    return config;
  }
}
