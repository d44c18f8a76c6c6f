package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;

/** The part of Switchboard's public API the tool uses to set up its account and open streams. */
final class SwitchboardApi {

  /** A signed-in user; the token is refreshed when it is about to expire (runs outlast it). */
  static final class Session {
    final String userId;
    volatile String token;
    volatile String refreshToken;
    volatile Instant expiresAt;

    Session(JsonObject login) {
      this.userId = login.getJsonObject("user").getString("id");
      update(login);
    }

    void update(JsonObject login) {
      token = login.getString("token");
      refreshToken = login.getString("refreshToken");
      expiresAt = Instant.parse(login.getString("expiresAt"));
    }
  }

  private final WebClient web;
  private final String host;
  private final int port;

  SwitchboardApi(Vertx vertx, String host, int port) {
    this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost(host).setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(32));
    this.host = host;
    this.port = port;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  Future<JsonObject> createAccount(String platformKey, String name, String adminEmail, String password) {
    JsonObject body = new JsonObject().put("name", name).put("timezone", "UTC").put("defaultRegion", "PL")
        .put("admin", new JsonObject().put("email", adminEmail).put("name", "Load admin").put("password", password));
    return call(HttpMethod.POST, "/api/v1/accounts", platformKey, body, 201);
  }

  Future<Session> login(String email, String password) {
    return call(HttpMethod.POST, "/api/v1/auth/login", null,
        new JsonObject().put("email", email).put("password", password), 200).map(Session::new);
  }

  Future<String> createTeam(Session admin, String name) {
    return call(HttpMethod.POST, "/api/v1/teams", admin.token, new JsonObject().put("name", name), 201)
        .map(t -> t.getString("id"));
  }

  Future<String> createUser(Session admin, String email, String name, String password, String role, String teamId) {
    JsonObject body = new JsonObject().put("email", email).put("name", name).put("password", password)
        .put("role", role).put("teamIds", teamId == null ? new JsonArray() : new JsonArray().add(teamId));
    return call(HttpMethod.POST, "/api/v1/users", admin.token, body, 201).map(u -> u.getString("id"));
  }

  /** Creates a channel; the answer holds its key (shown once) and, for chat, its signing secret. */
  Future<JsonObject> createChannel(Session admin, String kind, String name, String teamId) {
    JsonObject body = new JsonObject().put("kind", kind).put("name", name).put("teamId", teamId)
        .put("settings", new JsonObject());
    return call(HttpMethod.POST, "/api/v1/channels", admin.token, body, 201);
  }

  /** A single-use stream ticket (valid 30 s), refreshing the token first if it is about to expire. */
  /**
   * Business hours around the working week and an SLA policy for every conversation, so the ingest
   * path is measured with its SLA statement (and the server arms a timer wheel for every
   * conversation the run opens).
   */
  Future<Void> defineSla(Session admin) {
    io.vertx.core.json.JsonArray day = new io.vertx.core.json.JsonArray()
        .add(new io.vertx.core.json.JsonArray().add("08:00").add("13:00"))
        .add(new io.vertx.core.json.JsonArray().add("13:30").add("20:00"));
    JsonObject weekly = new JsonObject();
    for (String d : java.util.List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun")) {
      weekly.put(d, day);
    }
    return call(HttpMethod.PUT, "/api/v1/business-hours/load", admin.token, new JsonObject()
            .put("timezone", "Europe/Warsaw").put("weekly", weekly), 200)
        .compose(x -> call(HttpMethod.PUT, "/api/v1/sla-policies/load", admin.token, new JsonObject()
            .put("name", "Load").put("position", 1).put("firstResponseMinutes", 60).put("nextResponseMinutes", 30)
            .put("resolutionMinutes", 1440).put("businessHoursId", "load").put("warnBeforeMinutes", 10), 200))
        .mapEmpty();
  }

  Future<String> ticket(Session user) {
    return fresh(user).compose(v -> call(HttpMethod.POST, "/api/v1/stream/tickets", user.token, new JsonObject(), 201,
            200))
        .map(t -> t.getString("ticket"));
  }

  /** Refreshes the session's token when it is about to expire. */
  Future<Void> fresh(Session user) {
    return user.expiresAt.isAfter(Instant.now().plusSeconds(60)) ? Future.succeededFuture()
        : call(HttpMethod.POST, "/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", user.refreshToken),
            200).map(login -> {
              user.update(login);
              return null;
            });
  }

  /** A GET as the user; fails unless 200. Answers the body's size in bytes. */
  Future<Integer> getSize(Session user, String uri) {
    return fresh(user).compose(v -> web.get(uri).timeout(60_000).putHeader("Authorization", "Bearer " + user.token).send().compose(resp ->
        resp.statusCode() == 200 ? Future.succeededFuture(resp.body() == null ? 0 : resp.body().length())
            : Future.failedFuture("GET " + uri + " answered " + resp.statusCode() + ": " + resp.bodyAsString())));
  }

  /** GET a path as the user (a token refreshed beforehand); fails on any status but 200. */
  Future<JsonObject> get(Session user, String uri) {
    return fresh(user).compose(v -> web.get(uri).timeout(60_000).putHeader("Authorization", "Bearer " + user.token)
        .send()).compose(resp -> resp.statusCode() == 200 ? Future.succeededFuture(json(resp))
        : Future.failedFuture("GET " + uri + " answered " + resp.statusCode() + ": " + resp.bodyAsString()));
  }

  /** The raw text of /metrics, or null when the server has none. */
  Future<String> metrics() {
    return web.get("/metrics").send().map(r -> r.statusCode() == 200 ? r.bodyAsString() : null)
        .otherwise((String) null);
  }

  private Future<JsonObject> call(HttpMethod method, String uri, String bearer, JsonObject body, int... expected) {
    var request = web.request(method, uri).timeout(30_000);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    request.putHeader("Content-Type", "application/json");
    return request.sendBuffer(Buffer.buffer(body.encode())).compose(resp -> {
      for (int status : expected) {
        if (resp.statusCode() == status) {
          return Future.succeededFuture(json(resp));
        }
      }
      return Future.failedFuture(method + " " + uri + " answered " + resp.statusCode() + ": " + resp.bodyAsString());
    });
  }

  private static JsonObject json(HttpResponse<Buffer> resp) {
    Buffer b = resp.body();
    return b == null || b.length() == 0 ? new JsonObject() : b.toJsonObject();
  }

  Future<Void> close() {
    web.close();
    return Future.succeededFuture();
  }
}
