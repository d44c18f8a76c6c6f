package io.switchboard.outbound;

import io.switchboard.conversation.Views.MessageView;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;

import static io.switchboard.http.Responses.handle;

/** What the live-chat widget asks through its adapter: a thread's history and whether anyone is there. */
public final class AdapterRoutes {

  public record Messages(List<MessageView> items) {
  }

  public record Availability(int agentsOnline, boolean inBusinessHours, Instant nextOpenAt) {
  }

  private final Pool db;
  private final ThreadHistory history = new ThreadHistory();
  private final AgentsOnline agentsOnline;
  private final Authenticator auth;

  public AdapterRoutes(Pool db, AgentsOnline agentsOnline, Authenticator auth) {
    this.db = db;
    this.agentsOnline = agentsOnline;
    this.auth = auth;
  }

  public void mount(Router api) {
    api.get("/adapter/threads/:threadKey/messages").handler(auth.channel()).handler(handle(this::thread));
    api.get("/adapter/availability").handler(auth.channel()).handler(handle(this::availability));
  }

  private Future<Reply> thread(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    return history.messages(db, channel.accountId(), channel.channelId(), ctx.pathParam("threadKey"))
        .map(found -> Reply.ok(new Messages(found.orElseThrow(() -> Problem.notFound("thread")))));
  }

  /** Business hours do not exist yet: until they do, the account is always open. */
  private Future<Reply> availability(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    return agentsOnline.count(channel.accountId()).map(n -> Reply.ok(new Availability(n, true, null)));
  }
}
