package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Which nodes form the cluster, by the names operators gave them ({@code SWITCHBOARD_NODE_ID}),
 * for /health/ready. Each node writes its name under its cluster id into a cluster-wide map; the
 * member list itself comes from the cluster manager, so a dead node's stale entry is never shown.
 */
public final class ClusterView {

  private static final String NAMES = "sb.nodes";

  /** What /health/ready says: whether this node is in a cluster, and who is. */
  public record Members(boolean clustered, boolean active, List<String> names) {
  }

  private final Vertx vertx;
  private final String nodeName;

  public ClusterView(Vertx vertx, String nodeName) {
    this.vertx = vertx;
    this.nodeName = nodeName;
  }

  private ClusterManager manager() {
    return vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
  }

  /** Publishes this node's name; a single node has nothing to publish. */
  public Future<Void> start() {
    ClusterManager manager = manager();
    if (manager == null) {
      return Future.succeededFuture();
    }
    return names().compose(map -> map.put(manager.getNodeId(), nodeName));
  }

  public Future<Members> members() {
    ClusterManager manager = manager();
    if (manager == null) {
      return Future.succeededFuture(new Members(false, true, List.of(nodeName)));
    }
    if (!manager.isActive()) {
      return Future.succeededFuture(new Members(true, false, List.of(nodeName)));
    }
    List<String> ids = manager.getNodes();
    return names().compose(map -> {
      List<Future<String>> lookups = new ArrayList<>();
      for (String id : ids) {
        lookups.add(map.get(id).map(name -> name == null ? id : name));
      }
      return Future.all(lookups).map(all -> new Members(true, true, all.<String>list().stream().sorted().toList()));
    });
  }

  private Future<AsyncMap<String, String>> names() {
    return vertx.sharedData().getClusterWideMap(NAMES);
  }
}
