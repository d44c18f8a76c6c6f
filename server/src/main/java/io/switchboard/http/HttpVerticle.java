package io.switchboard.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * Serves the application's router on the configured port. The application deploys one instance per
 * event loop; Vert.x binds the port once and spreads the connections over the instances, so every
 * loop serves requests. The router (and every service behind it) is shared by all instances, so
 * its handlers must be safe to call from any loop.
 */
public final class HttpVerticle extends VerticleBase {

  private final int port;
  private final Router router;
  private final boolean wsCompression;
  private final int idleSeconds;
  private final ConnectionGuard guard;
  private HttpServer server;
  /** How long requests in flight may take to finish when the node stops. */
  static final long DRAIN_SECONDS = 10;

  public HttpVerticle(int port, Router router, boolean wsCompression, int idleSeconds, ConnectionGuard guard) {
    this.port = port;
    this.guard = guard;
    this.router = router;
    this.wsCompression = wsCompression;
    this.idleSeconds = idleSeconds;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(options(wsCompression, idleSeconds));
    // Port 0 would give each instance its own random port; a negative port shares one random port
    // among the servers of this Vertx that use it (one application per Vertx, as in tests).
    return server.connectionHandler(guard::accept).invalidRequestHandler(RequestShape::invalid).requestHandler(router).listen(port == 0 ? -1 : port);
  }

  /**
   * WebSocket compression is off unless asked for: Vert.x 5.0 cannot cap how large a
   * permessage-deflate message inflates to, so a small compressed frame could expand to many
   * megabytes and stall the event loop that inflates it.
   */
  static HttpServerOptions options(boolean wsCompression, int idleSeconds) {
    return new HttpServerOptions()
        // A socket that says nothing is closed, so silent connections cannot use up the file limit.
        .setIdleTimeout(idleSeconds)
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
        .setCompressionSupported(true)
        // HTTP/1.1 only (browsers use HTTP/2 only over TLS, which a proxy in front terminates): with
        // cleartext HTTP/2 on, Vert.x builds a connection only once its first bytes arrived, too late
        // to count silent connections per address or to time a request head (ConnectionGuard).
        .setHttp2ClearTextEnabled(false)
        .setAcceptBacklog(8192)
        // Netty's own limits are set above the stream's 64 KiB so that a too-large message reaches
        // the stream, which closes it with 1009; past these, Netty drops the connection (1006).
        .setMaxWebSocketFrameSize(256 * 1024)
        .setMaxWebSocketMessageSize(256 * 1024)
        .setPerMessageWebSocketCompressionSupported(wsCompression)
        .setPerFrameWebSocketCompressionSupported(wsCompression)
        .setRegisterWebSocketWriteHandlers(false);
  }

  /**
   * Graceful: stops accepting connections at once, lets requests in flight finish (at most
   * {@link #DRAIN_SECONDS}), then closes what is left.
   */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(DRAIN_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
