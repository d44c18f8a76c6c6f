package io.switchboard.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/** Serves the router built by the application on the configured port. */
public final class HttpVerticle extends VerticleBase {

  private final int port;
  private final Supplier<Router> router;
  private HttpServer server;

  public HttpVerticle(int port, Supplier<Router> router) {
    this.port = port;
    this.router = router;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setCompressionSupported(true)
        .setAcceptBacklog(8192)
        .setMaxWebSocketFrameSize(65536)
        .setRegisterWebSocketWriteHandlers(false));
    return server.requestHandler(router.get()).listen(port);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
