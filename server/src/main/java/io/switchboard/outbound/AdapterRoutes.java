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
  private final CustomerTyping customerTyping;
  private final io.switchboard.sla.Sla sla;

  /** Shows agents that a chat visitor is typing (the realtime stream's ephemeral "typing"). */
  public interface CustomerTyping {
    Future<Boolean> typing(String accountId, String conversationId, String name);
  }

  public AdapterRoutes(Pool db, AgentsOnline agentsOnline, Authenticator auth, CustomerTyping customerTyping,
      io.switchboard.sla.Sla sla) {
    this.db = db;
    this.agentsOnline = agentsOnline;
    this.auth = auth;
    this.customerTyping = customerTyping;
    this.sla = sla;
  }

  public void mount(Router api) {
    api.get("/adapter/threads/:threadKey/messages").handler(auth.channel()).handler(handle(this::thread));
    api.get("/adapter/availability").handler(auth.channel()).handler(handle(this::availability));
    api.post("/adapter/threads/:threadKey/typing").handler(auth.channel()).handler(handle(this::typing));
  }

  /**
   * A chat visitor types: agents who see the thread's conversation get an ephemeral typing frame.
   * Nothing is stored; an unknown thread is 404. The adapter limits how often it calls this.
   */
  private Future<Reply> typing(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    if (!"chat".equals(channel.kind())) {
      throw Problem.notFound("thread");
    }
    return history.conversation(db, channel.accountId(), channel.channelId(), ctx.pathParam("threadKey"))
        .compose(found -> customerTyping.typing(channel.accountId(), found.orElseThrow(() -> Problem.notFound("thread")),
            null))
        .map(shown -> {
          if (!shown) {
            throw Problem.notFound("thread");
          }
          return Reply.noContent();
        });
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
