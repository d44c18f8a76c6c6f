package io.switchboard.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;

import static io.switchboard.support.Await.await;

/** A blocking client of the public API for tests: what an adapter or a browser would send. */
public final class Api {

  private final WebClient client;
  private final String platformKey;
  private final int port;

  Api(Vertx vertx, int port, String platformKey) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port)
        .setKeepAlive(true));
    this.port = port;
    this.platformKey = platformKey;
  }

  public record Resp(int status, Buffer body, MultiMap headers) {

    public JsonObject json() {
      return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }

    public String header(String name) {
      return headers.get(name);
    }

    public long seq() {
      return Long.parseLong(headers.get("Switchboard-Seq"));
    }

    @Override
    public String toString() {
      return status + " " + (body == null ? "" : body.toString());
    }
  }

  public Resp call(HttpMethod method, String path, String token, Object body) {
    return call(method, path, token, body, null);
  }

  /** With an Accept header (e.g. text/csv). */
  public Resp call(HttpMethod method, String path, String token, Object body, String accept) {
    HttpRequest<Buffer> req = client.request(method, path);
    if (accept != null) {
      req.putHeader("Accept", accept);
    }
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    var f = body == null ? req.send()
        : body instanceof Buffer b ? req.putHeader("Content-Type", "application/json").sendBuffer(b)
        : body instanceof String s ? req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(s))
        : req.sendJsonObject(body instanceof JsonObject j ? j : JsonObject.mapFrom(body));
    var r = await(f);
    return new Resp(r.statusCode(), r.body(), r.headers());
  }

  public Resp get(String path, String token) {
    return call(HttpMethod.GET, path, token, null);
  }

  public Resp post(String path, String token, Object body) {
    return call(HttpMethod.POST, path, token, body);
  }

  public Resp patch(String path, String token, Object body) {
    return call(HttpMethod.PATCH, path, token, body);
  }

  public Resp upload(String token, String filename, String contentType, Buffer bytes) {
    var r = await(client.post("/api/v1/attachments").putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", contentType).putHeader("X-Filename", filename).sendBuffer(bytes));
    return new Resp(r.statusCode(), r.body(), r.headers());
  }

  public int port() {
    return port;
  }

  public Resp login(String email, String password) {
    return post("/api/v1/auth/login", null, new JsonObject().put("email", email).put("password", password));
  }

  /** Creates an account through the operator endpoint and signs its admin in. */
  public Tenant tenant(String name) {
    String email = "admin-" + io.switchboard.http.Ids.random(8) + "@" + name.toLowerCase().replaceAll("[^a-z]", "")
        + ".test";
    Resp created = post("/api/v1/accounts", platformKey, new JsonObject().put("name", name)
        .put("timezone", "Europe/Warsaw").put("defaultRegion", "PL")
        .put("admin", new JsonObject().put("email", email).put("name", name + " Admin").put("password", "secret-pass-1")));
    expect(created, 201);
    Resp login = login(email, "secret-pass-1");
    expect(login, 200);
    return new Tenant(created.json().getString("id"), new Person(created.json().getString("adminId"), email,
        login.json().getString("token"), "admin"));
  }

  public record Person(String id, String email, String token, String role) {
  }

  public record Channel(String id, String kind, String key, String secret) {
  }

  /** An account with helpers acting as its admin. */
  public final class Tenant {

    public final String accountId;
    public final Person admin;

    Tenant(String accountId, Person admin) {
      this.accountId = accountId;
      this.admin = admin;
    }

    public String team(String name) {
      Resp r = post("/api/v1/teams", admin.token(), new JsonObject().put("name", name));
      expect(r, 201);
      return r.json().getString("id");
    }

    public Person user(String role, List<String> teamIds) {
      return user(role, teamIds, "Staff " + role);
    }

    public Person user(String role, List<String> teamIds, String name) {
      String email = role + "-" + io.switchboard.http.Ids.random(8) + "@staff.test";
      Resp r = post("/api/v1/users", admin.token(), new JsonObject().put("email", email).put("name", name)
          .put("password", "staff-pass-1").put("role", role).put("teamIds", new JsonArray(teamIds)));
      expect(r, 201);
      Resp login = login(email, "staff-pass-1");
      expect(login, 200);
      return new Person(r.json().getString("id"), email, login.json().getString("token"), role);
    }

    public Channel channel(String kind, String teamId) {
      return channel(kind, teamId, new JsonObject());
    }

    public Channel channel(String kind, String teamId, JsonObject settings) {
      Resp r = post("/api/v1/channels", admin.token(), new JsonObject().put("kind", kind).put("name", kind + " channel")
          .put("teamId", teamId).put("settings", settings));
      expect(r, 201);
      return new Channel(r.json().getString("id"), kind, r.json().getString("apiKey"), r.json().getString("secret"));
    }

    public Resp inbound(Channel channel, JsonObject message) {
      return post("/api/v1/inbound", channel.key(), message);
    }
  }

  public static Resp expect(Resp r, int status, int orStatus) {
    if (r.status() != status && r.status() != orStatus) {
      throw new AssertionError("expected " + status + " or " + orStatus + " but got " + r);
    }
    return r;
  }

  public static Resp expect(Resp r, int status) {
    if (r.status() != status) {
      throw new AssertionError("expected " + status + " but got " + r);
    }
    return r;
  }
}
