package io.switchboard.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.switchboard.support.Await.await;

/**
 * A loopback TCP proxy the test owns: the browser talks to the server through it, and the test can
 * cut every connection (and refuse new ones) to simulate a network drop, then let it heal.
 * Chromium's offline mode does not cut WebSockets; this does.
 */
public final class CuttableProxy implements AutoCloseable {

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile int targetPort;
  private volatile boolean cut;

  public CuttableProxy(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(this::accept);
    await(server.listen(0, "127.0.0.1"));
  }

  public int port() {
    return server.actualPort();
  }

  public void target(int port) {
    this.targetPort = port;
  }

  /** Closes every connection now and refuses new ones until {@link #heal()}. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
    open.clear();
  }

  public void heal() {
    cut = false;
  }

  private void accept(NetSocket front) {
    if (cut) {
      front.close();
      return;
    }
    front.pause();
    open.add(front);
    client.connect(targetPort, "127.0.0.1").onSuccess(back -> {
      open.add(back);
      front.handler(back::write);
      back.handler(front::write);
      front.closeHandler(v -> back.close());
      back.closeHandler(v -> front.close());
      front.resume();
    }).onFailure(err -> front.close());
  }

  @Override
  public void close() {
    cut();
    await(server.close());
    await(client.close());
  }
}
