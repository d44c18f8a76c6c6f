package io.switchboard.outbound;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.MessageRepository;
import io.switchboard.events.EventLog;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Check;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.List;

import static io.switchboard.http.Responses.handle;

/** The adapters' side of delivery: long-poll for items, ack them, report later provider statuses. */
public final class OutboundRoutes {

  static final int MAX_WAIT_SECONDS = 25;

  public record Items(List<OutboundItem> items) {
  }

  public record AckBody(String leaseId, String status, String externalId, String error, Boolean retryable) {
  }

  public record StatusBody(String externalId, String status, String error) {
  }

  private final LongPolls polls;
  private final Acknowledgements acks;
  private final ProviderReceipts receipts;
  private final Authenticator auth;

  public OutboundRoutes(Pool db, OutboundQueue queue, LongPolls polls, ConversationRepository conversations,
      MessageRepository messages, EventLog events, Authenticator auth) {
    DeliveryStatus delivery = new DeliveryStatus(conversations, messages, events);
    this.polls = polls;
    this.acks = new Acknowledgements(db, queue, conversations, delivery, events);
    this.receipts = new ProviderReceipts(db, conversations, delivery, events);
    this.auth = auth;
  }

  public void mount(Router api) {
    api.get("/outbound").handler(auth.channel()).handler(this::poll);
    api.post("/outbound/status").handler(auth.channel()).handler(handle(this::status));
    api.post("/outbound/:id/ack").handler(auth.channel()).handler(handle(this::ack));
  }

  /** Not through Responses.handle: an adapter that hung up gets no answer written at all. */
  private void poll(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    int wait;
    try {
      wait = waitSeconds(ctx.queryParam("wait"));
    } catch (Problem p) {
      ctx.fail(p);
      return;
    }
    Promise<Void> gone = Promise.promise();
    ctx.response().closeHandler(v -> gone.tryComplete());
    if (ctx.response().closed()) {   // hung up while the key was being checked
      gone.tryComplete();
    }
    polls.poll(channel.accountId(), channel.channelId(), wait, gone.future())
        .onSuccess(items -> {
          if (!ctx.response().closed()) {
            Responses.json(ctx, 200, new Items(items));
          }
        })
        .onFailure(err -> {
          if (!ctx.response().closed()) {
            ctx.fail(err);
          }
        });
  }

  private Future<Reply> ack(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    AckBody body = Json.read(ctx.body().buffer(), AckBody.class);
    new Check().required("leaseId", body.leaseId())
        .required("status", body.status()).oneOf("status", body.status(), List.of("sent", "failed"))
        .maxLength("externalId", body.externalId(), 1000)
        .maxLength("error", body.error(), 4000)
        .done();
    var ack = new Acknowledgements.Ack(body.leaseId(), body.status(), body.externalId(), body.error(),
        Boolean.TRUE.equals(body.retryable()));
    return acks.ack(channel.accountId(), channel.channelId(), ctx.pathParam("id"), ack).map(v -> Reply.noContent());
  }

  private Future<Reply> status(RoutingContext ctx) {
    var channel = Authenticator.channel(ctx);
    StatusBody body = Json.read(ctx.body().buffer(), StatusBody.class);
    new Check().required("externalId", body.externalId()).maxLength("externalId", body.externalId(), 1000)
        .required("status", body.status()).oneOf("status", body.status(), List.of("delivered", "read", "failed"))
        .maxLength("error", body.error(), 4000)
        .done();
    return receipts.record(channel.accountId(), channel.channelId(), body.externalId(), body.status(), body.error())
        .map(v -> Reply.noContent());
  }

  /** wait: whole seconds 0..25, default 25. */
  static int waitSeconds(List<String> values) {
    if (values.isEmpty()) {
      return MAX_WAIT_SECONDS;
    }
    String message = "must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS;
    try {
      int wait = Integer.parseInt(values.get(0).trim());
      if (wait < 0 || wait > MAX_WAIT_SECONDS) {
        throw Problem.invalid("wait", message);
      }
      return wait;
    } catch (NumberFormatException e) {
      throw Problem.invalid("wait", message);
    }
  }
}
