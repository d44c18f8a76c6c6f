package io.switchboard.http;

import io.switchboard.account.Tokens;
import io.switchboard.events.EventLog;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;

/**
 * Route guards: a user token (a JWT) or a channel key ("sbk_..."). Users are re-read on each
 * request so a disabled user or a changed password takes effect at once.
 */
public final class Authenticator {

  private static final String CALLER = "caller";
  private static final String CHAT_SECRET = "chatSecret";

  private static final String USER = """
      SELECT u.id, u.account_id, u.role, u.name, u.disabled, u.token_version,
             coalesce(array_agg(tm.team_id) FILTER (WHERE tm.team_id IS NOT NULL), '{}') AS team_ids
      FROM app_user u LEFT JOIN team_member tm ON tm.user_id = u.id
      WHERE u.id = $1 AND u.account_id = $2
      GROUP BY u.id""";

  private static final String CHANNEL = """
      SELECT c.id, c.account_id, c.kind, c.team_id,
             coalesce(nullif(c.settings->>'defaultRegion', ''), a.default_region) AS region,
             a.reopen_window_days, c.settings->>'secret' AS secret
      FROM channel_key k JOIN channel c ON c.id = k.channel_id JOIN account a ON a.id = c.account_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL""";

  private final Pool db;
  private final Tokens tokens;
  private final EventLog events;
  private final ChannelKeyCache channelKeys = new ChannelKeyCache();

  private final SecretBox secrets;

  private final Floods floods;

  public Authenticator(Pool db, Tokens tokens, EventLog events, SecretBox secrets, Floods floods) {
    this.floods = floods;
    this.secrets = secrets;
    this.db = db;
    this.tokens = tokens;
    this.events = events;
  }

  /** Event bus address: {"accountId","userId"} was disabled, changed password, role or teams. */
  public static final String USERS_CHANGED = "sb.users.changed";

  private volatile io.vertx.core.Vertx bus;

  /** Hears channel changes made on other nodes (see {@link ChannelKeyCache}). */
  public Future<Void> start(io.vertx.core.Vertx vertx) {
    this.bus = vertx;
    return channelKeys.listen(vertx);
  }

  /**
   * A person's credentials or rights changed (disabled, new password, role or teams): every node
   * re-reads that person's open streams now, and closes them if the credentials no longer hold.
   */
  public void userChanged(String accountId, String userId) {
    io.vertx.core.Vertx vertx = bus;
    if (vertx != null) {
      vertx.eventBus().publish(USERS_CHANGED,
          new io.vertx.core.json.JsonObject().put("accountId", accountId).put("userId", userId));
    }
  }

  public Future<Void> stop() {
    return channelKeys.stop();
  }

  /**
   * A channel's keys or settings changed (a key revoked or added): call before answering, so the
   * old key is refused at once on this node; other nodes hear it on the event bus.
   */
  public void channelChanged(String channelId) {
    channelKeys.channelChanged(channelId);
  }

  /**
   * A channel's settings or name changed: like {@link #channelChanged}, and the change says so, so
   * the in-process adapters restart that channel's adapter with the new settings.
   */
  public void channelSettingsChanged(String channelId) {
    channelKeys.channelSettingsChanged(channelId);
  }

  /** The account's region or reopen window changed: channels carry them, so they are re-read. */
  public void accountChanged(String accountId) {
    channelKeys.accountChanged(accountId);
  }

  /** Any signed-in person whose role is at least {@code minimumRole}. */
  public Handler<RoutingContext> user(String minimumRole) {
    return ctx -> bearer(ctx)
        .compose(this::userFromToken)
        .onSuccess(user -> {
          if (!user.atLeast(minimumRole)) {
            ctx.fail(Problem.forbidden());
            return;
          }
          ctx.put(CALLER, user);
          proceed(ctx, user);
        })
        .onFailure(ctx::fail);
  }

  public Handler<RoutingContext> channel() {
    return ctx -> bearer(ctx)
        .compose(this::channelFromKey)
        .onSuccess(key -> {
          ctx.put(CALLER, key.channel());
          ctx.put(CHAT_SECRET, key.secret());
          proceed(ctx, key.channel());
        })
        .onFailure(ctx::fail);
  }

  /** Either credential (attachment upload is used by adapters and by agents). */
  public Handler<RoutingContext> userOrChannel() {
    return ctx -> bearer(ctx)
        .compose(token -> token.startsWith("sbk_") ? channelFromKey(token).map(k -> (Caller) k.channel())
            : userFromToken(token).map(u -> (Caller) u))
        .onSuccess(caller -> {
          ctx.put(CALLER, caller);
          proceed(ctx, caller);
        })
        .onFailure(ctx::fail);
  }

  /**
   * Every GET answers with Switchboard-Seq: the account's newest committed event, read before the
   * route reads its data, so the body reflects every event up to it. Routes may set a later one.
   */
  private void proceed(RoutingContext ctx, Caller caller) {
    int guessed = floods.blocked(caller);
    if (guessed > 0) {
      ctx.fail(Problem.tooMany(guessed)); // this caller was answered 404 too often (id guessing)
      return;
    }
    if (ctx.request().method() != HttpMethod.GET) {
      ctx.next();
      return;
    }
    events.current(db, caller.accountId()).onSuccess(seq -> {
      ctx.response().putHeader(Responses.SEQ_HEADER, String.valueOf(seq));
      ctx.next();
    }).onFailure(ctx::fail);
  }

  public static Caller.User user(RoutingContext ctx) {
    return (Caller.User) ctx.get(CALLER);
  }

  public static Caller.Channel channel(RoutingContext ctx) {
    return (Caller.Channel) ctx.get(CALLER);
  }

  public static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /** The calling chat channel's signing secret, or null (no secret, or not a channel guard). */
  public static String chatSecret(RoutingContext ctx) {
    ChatSecret secret = ctx.get(CHAT_SECRET);
    return secret == null ? null : secret.value();
  }

  public Future<Caller.User> userFromToken(String token) {
    return tokens.verify(token)
        .recover(err -> Future.failedFuture(Problem.unauthorized("the token is invalid or expired")))
        .compose(claims -> currentUser(db, claims.accountId(), claims.userId(), claims.tokenVersion()))
        .compose(user -> user.isPresent() ? Future.succeededFuture(user.get())
            : Future.failedFuture(Problem.unauthorized("the token was revoked; sign in again")));
  }

  /**
   * The user as they are now (role, teams), when they still exist, are enabled and hold this token
   * version; empty when their credentials were revoked. Shared by HTTP and the live stream.
   */
  public static Future<java.util.Optional<Caller.User>> currentUser(SqlClient db, String accountId, String userId,
      int tokenVersion) {
    return db.preparedQuery(USER).execute(Tuple.of(userId, accountId)).map(rows -> {
      if (rows.size() == 0) {
        return java.util.Optional.empty();
      }
      Row r = rows.iterator().next();
      if (r.getBoolean("disabled") || r.getInteger("token_version") != tokenVersion) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new Caller.User(r.getString("id"), r.getString("account_id"),
          r.getString("role"), r.getString("name"), teamIds(r)));
    });
  }

  /** The key's channel, from the cache when it was looked up in the last seconds. */
  private Future<ChannelKeyCache.Holder> channelFromKey(String key) {
    if (!key.startsWith("sbk_")) {
      return Future.failedFuture(Problem.unauthorized("a channel key is required"));
    }
    String hash = Hashes.sha256(key);
    ChannelKeyCache.Holder cached = channelKeys.get(hash);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    long generation = channelKeys.generation();
    return db.preparedQuery(CHANNEL).execute(Tuple.of(hash)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(Problem.unauthorized("the channel key is invalid or revoked"));
      }
      Row r = rows.iterator().next();
      Caller.Channel channel = new Caller.Channel(r.getString("id"), r.getString("account_id"), r.getString("kind"),
          r.getString("team_id"), r.getString("region"), r.getInteger("reopen_window_days"));
      ChatSecret secret = r.getString("secret") == null ? null : new ChatSecret(secrets.open(r.getString("secret")));
      ChannelKeyCache.Holder holder = new ChannelKeyCache.Holder(channel, secret);
      channelKeys.put(hash, holder, generation);
      return Future.succeededFuture(holder);
    });
  }

  private static List<String> teamIds(Row r) {
    String[] ids = r.getArrayOfStrings("team_ids");
    return ids == null ? List.of() : Arrays.asList(ids);
  }

  private static Future<String> bearer(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() < 8) {
      return Future.failedFuture(Problem.unauthorized("send Authorization: Bearer <token>"));
    }
    return Future.succeededFuture(h.substring(7).trim());
  }
}
