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
  private final io.switchboard.sla.Sla sla;

  public AdapterRoutes(Pool db, AgentsOnline agentsOnline, Authenticator auth, io.switchboard.sla.Sla sla) {
    this.db = db;
    this.agentsOnline = agentsOnline;
    this.auth = auth;
    this.sla = sla;
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

  /**
   * Business hours are those of the SLA policy a new normal-priority conversation of this channel
   * would get (the first by position that matches); without one, the channel is always open.
   */
  private Future<Reply> availability(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    Future<Integer> online = agentsOnline.count(channel.accountId());
    Future<io.switchboard.sla.BusinessHours> hours = sla.cache.of(channel.accountId())
        .map(account -> account.hours(account.match("normal", List.of(channel.kind()))));
    return Future.all(online, hours).map(x -> {
      Instant now = sla.clock.instant();
      boolean open = hours.result().isOpen(now);
      return Reply.ok(new Availability(online.result(), open, open ? null : hours.result().nextOpen(now)));
    });
  }
}
