package io.switchboard.adapters;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static io.switchboard.support.Await.await;

/**
 * A provider's API played by a Vert.x server of the test's own (Twilio's recordings, Meta's Graph
 * API): it records every request it gets, and answers as each route says.
 */
final class FakeProvider implements AutoCloseable {

  /** One request as the fake saw it. */
  record Seen(String method, String path, String query, String authorization, String contentType, Buffer body) {

    JsonObject json() {
      return body.toJsonObject();
    }
  }

  final Vertx vertx = Vertx.vertx();
  final Router router = Router.router(vertx);
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final HttpServer http;

  FakeProvider() {
    router.route().handler(BodyHandler.create(false));
    router.route().handler(ctx -> {
      seen.add(new Seen(ctx.request().method().name(), ctx.request().path(), ctx.request().query(),
          ctx.request().getHeader("Authorization"), ctx.request().getHeader("Content-Type"),
          ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer()));
      ctx.next();
    });
    http = await(vertx.createHttpServer().requestHandler(router).listen(0));
  }

  int port() {
    return http.actualPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /** Serves bytes at a path. */
  void file(String path, String contentType, byte[] bytes) {
    router.get(path).handler(ctx -> ctx.response().putHeader("Content-Type", contentType).end(Buffer.buffer(bytes)));
  }

  void json(io.vertx.core.http.HttpMethod method, String path, Function<RoutingContext, JsonObject> answer) {
    router.route(method, path).handler(ctx -> ctx.json(answer.apply(ctx)));
  }

  List<Seen> requests(String pathPrefix) {
    return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).toList();
  }

  /** A file of shared/fixtures/{provider} (see SOURCES.md there), beside the repository. */
  static byte[] fixture(String provider, String name) {
    String env = System.getenv("SWITCHBOARD_FIXTURES");
    java.nio.file.Path module = java.nio.file.Path.of(System.getProperty("user.dir"));
    for (java.nio.file.Path dir : new java.nio.file.Path[] {
        env == null ? null : java.nio.file.Path.of(env).resolve(provider),
        module.resolve("../../shared/fixtures/" + provider), module.resolve("../shared/fixtures/" + provider),
        java.nio.file.Path.of("/work/shared/fixtures/" + provider)}) {
      if (dir != null && java.nio.file.Files.isDirectory(dir)) {
        try {
          return java.nio.file.Files.readAllBytes(dir.resolve(name));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("shared/fixtures/" + provider + " not found beside the repository");
  }

  @Override
  public void close() {
    await(http.close());
    await(vertx.close());
  }
}
