package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 6's load balancer: a TCP round-robin in front of the nodes, as a plain L4 balancer
 * would be. Each new connection (an adapter's keep-alive connection, an agent's stream) goes to
 * the next node in turn and stays there; bytes are piped both ways with back-pressure.
 */
final class RoundRobin {

  private final Vertx vertx;
  private final List<Integer> ports;
  private final AtomicInteger next = new AtomicInteger();
  private final NetClient client;
  private NetServer server;
  /** Connections handed to each node, in the order of {@code ports}. */
  final AtomicLong[] perNode;

  RoundRobin(Vertx vertx, List<Integer> ports) {
    this.vertx = vertx;
    this.ports = List.copyOf(ports);
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000).setTcpNoDelay(true));
    this.perNode = new AtomicLong[ports.size()];
    for (int i = 0; i < perNode.length; i++) {
      perNode[i] = new AtomicLong();
    }
  }

  /** Listens on a free loopback port; the future holds it. */
  Future<Integer> start() {
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true)
        .setAcceptBacklog(4096));
    server.connectHandler(this::accept);
    return server.listen().map(NetServer::actualPort);
  }

  private void accept(NetSocket downstream) {
    downstream.pause();
    int node = Math.floorMod(next.getAndIncrement(), ports.size());
    perNode[node].incrementAndGet();
    client.connect(ports.get(node), "127.0.0.1").onComplete(ar -> {
      if (ar.failed()) {
        downstream.close();
        return;
      }
      NetSocket upstream = ar.result();
      downstream.pipeTo(upstream);
      upstream.pipeTo(downstream);
    });
  }

  Future<Void> close() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(client::close);
  }
}
