package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The naive baseline: the straightforward way to build the ingest-and-push path, for comparison.
 * A Vert.x HTTP server and a pool of {@value #POOL_SIZE} PostgreSQL connections; each inbound
 * message is one transaction ({@link NaiveIngest}) and, after its commit, one JSON frame to every
 * socket of the message's account. No batching, no sequencer, no replay, no backpressure.
 *
 * <p>It speaks just enough of Switchboard's protocol for the tool: {@code POST /api/v1/inbound}
 * with {@code Authorization: Bearer naive:<team>} (a team of the load account is an account here,
 * so a message reaches the same agents as on Switchboard) answered 202 after the commit, and
 * {@code GET /api/v1/stream} whose {@code auth} frame's ticket is {@code naive:<team>} or
 * {@code naive:all} (a supervisor: every account), answered {@code ready}, then
 * {@code message.created} frames. One verticle on one event loop, so the sockets need no locks.
 */
final class NaiveServer extends VerticleBase {

  static final int POOL_SIZE = 16;
  private static final String ALL = "*";

  private final String pgUrl;
  private final Map<String, List<ServerWebSocket>> accounts = new HashMap<>();
  private final List<ServerWebSocket> everyAccount = new ArrayList<>();
  private Pool pool;
  private NaiveIngest ingest;
  private HttpServer server;
  private long lastSeq;

  NaiveServer(String pgUrl) {
    this.pgUrl = pgUrl;
  }

  int port() {
    return server.actualPort();
  }

  /** The channel key (or ticket) a team's adapter (or agent) uses. */
  static String key(int team) {
    return team == Window.EVERYONE ? "naive:all" : "naive:" + team;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(POOL_SIZE))
        .connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
    ingest = new NaiveIngest(pool);
    server = vertx.createHttpServer().requestHandler(this::request).webSocketHandler(this::socket);
    return server.listen(0, "127.0.0.1");
  }

  @Override
  public Future<?> stop() {
    return server.close().eventually(pool::close);
  }

  private void request(HttpServerRequest req) {
    String account = accountOf(req.getHeader("Authorization"));
    if (req.method() != HttpMethod.POST || !"/api/v1/inbound".equals(req.path()) || account == null
        || ALL.equals(account)) {
      req.response().setStatusCode(account == null ? 401 : 404).end();
      return;
    }
    req.body()
        .map(body -> NaiveIngest.Inbound.of(account, body.toJsonObject()))
        .compose(ingest::accept)
        .onSuccess(created -> {
          push(account, created);
          req.response().setStatusCode(202).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("messageId", created.messageId()).put("duplicate", false).encode());
        })
        .onFailure(err -> req.response().setStatusCode(500).end(String.valueOf(err.getMessage())));
  }

  private void push(String account, NaiveIngest.Created created) {
    lastSeq = Math.max(lastSeq, created.seq());
    String frame = created.frame();
    for (ServerWebSocket ws : accounts.getOrDefault(account, List.of())) {
      ws.writeTextMessage(frame);
    }
    for (ServerWebSocket ws : everyAccount) {
      ws.writeTextMessage(frame);
    }
  }

  private void socket(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if (!"auth".equals(frame.getString("type"))) {
        return; // pings and the like: nothing to answer
      }
      String account = accountOf("Bearer " + frame.getString("ticket"));
      if (account == null) {
        ws.close((short) 4401);
        return;
      }
      List<ServerWebSocket> sockets = ALL.equals(account) ? everyAccount
          : accounts.computeIfAbsent(account, a -> new ArrayList<>());
      sockets.add(ws);
      ws.closeHandler(v -> sockets.remove(ws));
      ws.writeTextMessage(new JsonObject().put("type", "ready").put("seq", lastSeq).encode());
    });
  }

  /** "a<team>" for naive:<team>, {@link #ALL} for naive:all, null for anything else. */
  static String accountOf(String authorization) {
    String key = authorization == null ? "" : authorization.replace("Bearer ", "");
    if (!key.startsWith("naive:")) {
      return null;
    }
    String team = key.substring("naive:".length());
    if (team.equals("all")) {
      return ALL;
    }
    return team.matches("[0-9]+") ? "a" + team : null;
  }
}
