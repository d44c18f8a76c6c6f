package io.switchboard.openapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Serves GET /api/v1/openapi.json. It also keeps the root router it was mounted beside, so a test
 * can walk every route the server really serves and check that the document names it.
 */
public final class OpenApiRoutes {

  private final Supplier<String> publicUrl;
  private volatile Buffer document;
  private volatile Router root;

  /** publicUrl is asked on the first request: with port 0 (tests) the port is known only then. */
  public OpenApiRoutes(Supplier<String> publicUrl) {
    this.publicUrl = publicUrl;
  }

  /** Remembers the root router (call from mountRoot); nothing is mounted on it. */
  public void observe(Router root) {
    this.root = root;
  }

  public void mount(Router api) {
    api.get("/openapi.json").handler(this::serve);
  }

  /** The application's root router, whose "/api/v1/*" route holds the API as a sub-router. */
  public Router rootRouter() {
    return root;
  }

  private void serve(RoutingContext ctx) {
    Buffer body = document;
    if (body == null) {
      body = OpenApiDocument.build(publicUrl.get()).toBuffer();
      document = body;
    }
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache").end(body);
  }
}
