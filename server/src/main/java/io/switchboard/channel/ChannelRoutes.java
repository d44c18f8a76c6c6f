package io.switchboard.channel;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Check;
import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;

import static io.switchboard.http.Responses.handle;

/** Channel management for admins: create, list, rotate and revoke keys. */
public final class ChannelRoutes {

  public static final List<String> KINDS = List.of("email", "chat", "phone", "social", "store");

  public record CreateChannel(String kind, String name, String teamId, Map<String, Object> settings) {
  }

  /** PATCH /api/v1/channels/{id}: a field left out keeps its value (a secret also when sent masked). */
  public record EditChannel(String name, Map<String, Object> settings) {
  }

  /** The answer to a create or a rotation: the only time the key is shown. */
  public record KeyIssued(String id, String kind, String name, String apiKey, String keyId, String secret) {
  }

  /** GET /api/v1/adapter/channel: settings with secrets in the clear, for the channel's own adapter only. */
  public record AdapterChannelView(String id, String accountId, String kind, String name, String teamId,
      Map<String, Object> settings) {
  }

  private final Pool db;
  private final ChannelRepository channels;
  private final Authenticator auth;

  private final io.switchboard.http.SecretBox secrets;

  public ChannelRoutes(Pool db, ChannelRepository channels, Authenticator auth, io.switchboard.http.SecretBox secrets) {
    this.secrets = secrets;
    this.db = db;
    this.channels = channels;
    this.auth = auth;
  }

  public void mount(Router api) {
    api.post("/channels").handler(auth.user("admin")).handler(handle(this::create));
    api.get("/channels").handler(auth.user("agent")).handler(handle(this::list));
    api.patch("/channels/:id").handler(auth.user("admin")).handler(handle(this::edit));
    api.post("/channels/:id/keys").handler(auth.user("admin")).handler(handle(this::rotate));
    api.delete("/channels/:id/keys/:keyId").handler(auth.user("admin")).handler(handle(this::revoke));
    api.get("/adapter/channel").handler(auth.channel()).handler(handle(this::forAdapter));
  }

  /**
   * The calling adapter's channel with its secrets decrypted: the only place a secret is read back
   * (an adapter needs its relay password or app secret; users only ever see them masked).
   */
  private Future<Reply> forAdapter(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    return channels.forAdapter(db, channel.accountId(), channel.channelId()).map(found -> {
      var c = found.orElseThrow(() -> Problem.notFound("channel"));
      JsonObject settings = transformSecrets(c.settings(), secrets::open);
      return Reply.ok(new AdapterChannelView(c.id(), c.accountId(), c.kind(), c.name(), c.teamId(),
          settings.getMap()));
    });
  }

  private Future<Reply> create(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    CreateChannel body = Json.read(ctx.body().buffer(), CreateChannel.class);
    JsonObject settings = body.settings() == null ? new JsonObject() : new JsonObject(body.settings());
    Check check = new Check().required("kind", body.kind()).oneOf("kind", body.kind(), KINDS)
        .required("name", body.name()).maxLength("name", body.name(), 200);
    validSettings(check, body.kind(), settings).done();
    if (("chat".equals(body.kind()) || "phone".equals(body.kind())) && settings.getString("secret") == null) {
      // The widget's identity signatures are HMACs with this secret (see "from.signature"); a phone
      // channel's CTI events are signed with it (X-Switchboard-Signature).
      settings.put("secret", Ids.random(40));
    }
    // Shown once in the answer, stored encrypted.
    String secret = settings.getString("secret");
    JsonObject stored = transformSecrets(settings, secrets::seal);
    String id = Ids.next("ch");
    String keyId = Ids.next("key");
    String key = newKey();
    Future<Boolean> teamOk = body.teamId() == null ? Future.succeededFuture(true)
        : channels.teamExists(db, caller.accountId(), body.teamId());
    return teamOk.compose(ok -> ok ? Future.succeededFuture()
            : Future.failedFuture(Problem.invalid("teamId", "is not a team of this account")))
        .compose(v -> db.withTransaction(tx -> channels.insert(tx, id, caller.accountId(), body.kind(),
                body.name().trim(), body.teamId(), stored)
            .compose(x -> channels.insertKey(tx, caller.accountId(), id, keyId, Hashes.sha256(key)))))
        // Heard by the node's in-process adapters, which start one for the new channel.
        .onSuccess(v -> auth.channelChanged(id))
        .map(v -> Reply.created(new KeyIssued(id, body.kind(), body.name().trim(), key, keyId, secret)));
  }

  /**
   * Settings as creation checks them, whatever the kind: a default region must be a known one (kept
   * upper-cased), a social channel's platform one of Meta's three, a chat channel's allowed origins
   * http(s) origins. Adds each fault to check.
   */
  private static Check validSettings(Check check, String kind, JsonObject settings) {
    Object region = settings.getValue("defaultRegion");
    Object platform = settings.getValue("platform");
    check.that(region == null || region instanceof String s
                && PhoneNumberUtil.getInstance().getSupportedRegions().contains(s.toUpperCase()),
            "settings.defaultRegion", "is not a known region code (e.g. PL)")
        .that(!"social".equals(kind) || platform == null || PLATFORMS.contains(platform),
            "settings.platform", "is not one of " + PLATFORMS)
        .that(!"chat".equals(kind) || origins(settings.getValue("allowedOrigins")),
            "settings.allowedOrigins", "must be a list of origins such as https://shop.example");
    if (region instanceof String s) {
      settings.put("defaultRegion", s.toUpperCase());
    }
    return check;
  }

  /** No list, or one of http(s) origins only (the widget would silently ignore anything else). */
  private static boolean origins(Object value) {
    List<?> list = value instanceof io.vertx.core.json.JsonArray a ? a.getList() : value instanceof List<?> l ? l : null;
    return value == null || list != null
        && list.stream().allMatch(o -> o instanceof String s && io.switchboard.channels.chat.ChatKind.isOrigin(s));
  }

  private static final List<String> PLATFORMS = List.of("messenger", "instagram", "whatsapp");

  /**
   * Renames the channel or replaces its settings, checked as on creation. Secrets the admin did not
   * retype (left out, or sent back masked as the list shows them) keep their stored value. The
   * node's adapters hear the change and restart that channel's adapter with the new settings.
   */
  private Future<Reply> edit(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    EditChannel body = Json.read(ctx.body().buffer(), EditChannel.class);
    JsonObject incoming = body.settings() == null ? null : new JsonObject(body.settings());
    String name = body.name() == null ? null : body.name().trim();
    return db.withTransaction(tx -> channels.forUpdate(tx, caller.accountId(), id).compose(found -> {
      var current = found.orElseThrow(() -> Problem.notFound("channel"));
      Check check = new Check().that(name == null || !name.isEmpty(), "name", "must not be empty")
          .maxLength("name", name, 200);
      if (incoming != null) {
        validSettings(check, current.kind(), incoming);
      }
      check.done();
      JsonObject stored = incoming == null ? current.settings() : keepSecrets(incoming, current.settings());
      return channels.update(tx, caller.accountId(), id, name == null ? current.name() : name, stored);
    })).compose(v -> {
      // Before the answer: this node forgets the cached channel and restarts its adapter; others hear it.
      auth.channelSettingsChanged(id);
      return channels.get(db, caller.accountId(), id);
    }).map(c -> Reply.ok(adminView(c.orElseThrow(() -> Problem.notFound("channel")))));
  }

  /**
   * The new settings sealed for storage: a secret sent masked, or left out, keeps the stored
   * (sealed) value; a secret sent as null is removed; nested objects (relay, imap) alike.
   */
  private JsonObject keepSecrets(JsonObject incoming, JsonObject stored) {
    JsonObject out = new JsonObject();
    incoming.forEach(e -> {
      Object v = e.getValue();
      Object before = stored.getValue(e.getKey());
      if (SECRET_FIELDS.contains(e.getKey()) && (v == null || v instanceof String)) {
        if (MASK.equals(v)) {
          if (before != null) {
            out.put(e.getKey(), before);
          }
        } else if (v != null) {
          out.put(e.getKey(), secrets.seal((String) v));
        }
      } else if (v instanceof JsonObject o) {
        out.put(e.getKey(), keepSecrets(o, before instanceof JsonObject b ? b : new JsonObject()).getMap());
      } else if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        out.put(e.getKey(), keepSecrets(new JsonObject(map), before instanceof JsonObject b ? b : new JsonObject())
            .getMap());
      } else if (v instanceof io.vertx.core.json.JsonArray a) {
        out.put(e.getKey(), a.getList());
      } else {
        out.put(e.getKey(), v);
      }
    });
    stored.forEach(e -> {
      if (SECRET_FIELDS.contains(e.getKey()) && !incoming.containsKey(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  private static ChannelRepository.ChannelView adminView(ChannelRepository.ChannelView c) {
    return new ChannelRepository.ChannelView(c.id(), c.kind(), c.name(), c.teamId(), masked(c.settings()),
        c.createdAt(), c.keys());
  }

  private Future<Reply> list(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    boolean admin = caller.atLeast("admin");
    return channels.list(db, caller.accountId()).map(list -> Reply.ok(Map.of("items", list.stream()
        .map(c -> new ChannelRepository.ChannelView(c.id(), c.kind(), c.name(), c.teamId(),
            admin ? masked(c.settings()) : withoutSecret(c.settings()), c.createdAt(), admin ? c.keys() : List.of()))
        .toList())));
  }

  private Future<Reply> rotate(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    String keyId = Ids.next("key");
    String key = newKey();
    return channels.get(db, caller.accountId(), id)
        .compose(ch -> ch.isEmpty() ? Future.failedFuture(Problem.notFound("channel"))
            : channels.insertKey(db, caller.accountId(), id, keyId, Hashes.sha256(key)).map(ch.get()))
        .onSuccess(ch -> auth.channelChanged(ch.id()))
        .map(ch -> Reply.created(new KeyIssued(ch.id(), ch.kind(), ch.name(), key, keyId, null)));
  }

  private Future<Reply> revoke(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    return channels.revokeKey(db, caller.accountId(), ctx.pathParam("id"), ctx.pathParam("keyId"))
        .map(found -> {
          if (!found) {
            throw Problem.notFound("key");
          }
          // Before the answer: once the admin sees 204, no request here may pass with the old key.
          auth.channelChanged(ctx.pathParam("id"));
          return Reply.noContent();
        });
  }

  /** Settings that are provider secrets: stored encrypted, never read back by a user (the contract). */
  static final java.util.Set<String> SECRET_FIELDS = java.util.Set.of("secret", "appSecret", "accessToken",
      "verifyToken", "authToken", "password", "smtpPassword", "imapPassword");

  private static final String MASK = "********";

  /**
   * The settings with every secret field replaced by f of its value, also inside nested objects
   * (an email channel's relay.password and imap.password).
   */
  static JsonObject transformSecrets(JsonObject settings, java.util.function.UnaryOperator<String> f) {
    JsonObject out = new JsonObject();
    settings.forEach(e -> {
      Object v = e.getValue();
      if (SECRET_FIELDS.contains(e.getKey()) && v instanceof String s) {
        out.put(e.getKey(), f.apply(s));
      } else if (v instanceof JsonObject o) {
        out.put(e.getKey(), transformSecrets(o, f).getMap());
      } else if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        out.put(e.getKey(), transformSecrets(new JsonObject(map), f).getMap());
      } else if (v instanceof io.vertx.core.json.JsonArray a) {
        out.put(e.getKey(), a.getList()); // plain values all the way down, for Jackson
      } else {
        out.put(e.getKey(), v);
      }
    });
    return out;
  }

  private static Map<String, Object> withoutSecret(Map<String, Object> settings) {
    return strip(new JsonObject(settings)).getMap();
  }

  private static JsonObject strip(JsonObject settings) {
    JsonObject out = new JsonObject();
    settings.forEach(e -> {
      if (SECRET_FIELDS.contains(e.getKey())) {
        return;
      }
      Object v = e.getValue();
      if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        v = new JsonObject(map);
      }
      out.put(e.getKey(), v instanceof JsonObject o ? strip(o).getMap()
          : v instanceof io.vertx.core.json.JsonArray a ? a.getList() : v);
    });
    return out;
  }

  /** For admins: which secrets are set, never their values. */
  private static Map<String, Object> masked(Map<String, Object> settings) {
    return transformSecrets(new JsonObject(settings), v -> MASK).getMap();
  }

  private static String newKey() {
    return "sbk_" + Ids.random(43);
  }
}
