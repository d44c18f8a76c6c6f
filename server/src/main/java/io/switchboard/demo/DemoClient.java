package io.switchboard.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * A small JSON client of the server's own public API. Demo mode goes through HTTP on purpose:
 * setting up the demo and simulating adapters exercises the same contract real clients use.
 */
final class DemoClient {

  /** An answer: the status and the JSON body (empty when there is none). */
  record Answer(int status, JsonObject body) {

    /** Fails with a readable error unless the status is one of {@code expected}. */
    Answer expect(String what, int... expected) {
      if (Arrays.stream(expected).noneMatch(s -> s == status)) {
        throw new IllegalStateException(what + " failed: " + status + " " + body.encode());
      }
      return this;
    }
  }

  private final HttpClientAgent http;
  final int port;

  DemoClient(Vertx vertx, int port) {
    this.port = port;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setDefaultHost("localhost")
        .setDefaultPort(port)
        .setKeepAlive(true));
  }

  Future<Answer> get(String path, String bearer) {
    return send(HttpMethod.GET, path, bearer, null);
  }

  Future<Answer> post(String path, String bearer, JsonObject body) {
    return send(HttpMethod.POST, path, bearer, body);
  }

  Future<Answer> put(String path, String bearer, JsonObject body) {
    return send(HttpMethod.PUT, path, bearer, body);
  }

  Future<Answer> send(HttpMethod method, String path, String bearer, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (bearer != null) {
      options.putHeader("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(buf -> new Answer(resp.statusCode(), json(buf))));
  }

  /** The client itself, for the demo's provider requests (webhooks are not JSON API calls). */
  HttpClientAgent http() {
    return http;
  }

  Future<Void> close() {
    return http.close();
  }

  private static JsonObject json(Buffer body) {
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      return body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject().put("raw", body.toString());
    }
  }
}
