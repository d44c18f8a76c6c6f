package io.switchboard.realtime;

import io.switchboard.http.Authenticator;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POST /api/v1/stream/tickets and the WebSocket at GET /api/v1/stream. */
final class StreamRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(StreamRoutes.class);

  private final Authenticator auth;
  private final StreamTickets tickets;
  private final StreamHub hub;
  private final Supplier<String> publicOrigin;

  StreamRoutes(Authenticator auth, StreamTickets tickets, StreamHub hub, Supplier<String> publicOrigin) {
    this.auth = auth;
    this.tickets = tickets;
    this.hub = hub;
    this.publicOrigin = publicOrigin;
  }

  void mountApi(Router api) {
    api.post("/stream/tickets").handler(auth.user("agent")).handler(Responses.handle(this::issueTicket));
  }

  /** On the root router: the upgrade must not meet the API's body handler. */
  void mountRoot(Router root) {
    root.get("/api/v1/stream").handler(this::upgrade);
  }

  private Future<Reply> issueTicket(RoutingContext ctx) {
    return tickets.issue(Authenticator.user(ctx))
        .map(ticket -> Reply.ok(new Issued(ticket, StreamTickets.TTL_SECONDS)));
  }

  /** The answer to POST /stream/tickets. */
  record Issued(String ticket, int expiresIn) {
  }

  private void upgrade(RoutingContext ctx) {
    // A page on another site must not ride a user's ticket; clients without Origin are not browsers.
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !origin.equalsIgnoreCase(publicOrigin.get())) {
      ctx.fail(Problem.of(403, "Forbidden", "WebSocket connections from " + origin + " are not allowed"));
      return;
    }
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.fail(Problem.of(400, "Malformed request", "connect with a WebSocket upgrade"));
      return;
    }
    ctx.request().toWebSocket()
        .onSuccess(hub::accept)
        .onFailure(err -> LOG.debug("WebSocket upgrade failed: {}", err.getMessage()));
  }
}
