package io.switchboard.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Writes JSON answers; handlers return a Future and this ends the exchange or fails the route. */
public final class Responses {

  public static final String SEQ_HEADER = "Switchboard-Seq";

  private Responses() {
  }

  public static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.buffer(body));
  }

  /** Adapts a handler that returns Future<Reply> into a route handler. */
  public static Handler<RoutingContext> handle(Function<RoutingContext, Future<Reply>> fn) {
    return ctx -> {
      Future<Reply> f;
      try {
        f = fn.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      f.onSuccess(reply -> reply.write(ctx)).onFailure(ctx::fail);
    };
  }

  /** An answer: status, body (null for none) and an optional Switchboard-Seq. */
  public record Reply(int status, Object body, Long seq) {

    public static Reply ok(Object body) {
      return new Reply(200, body, null);
    }

    public static Reply created(Object body) {
      return new Reply(201, body, null);
    }

    public static Reply accepted(Object body) {
      return new Reply(202, body, null);
    }

    public static Reply noContent() {
      return new Reply(204, null, null);
    }

    public Reply withSeq(long seq) {
      return new Reply(status, body, seq);
    }

    void write(RoutingContext ctx) {
      if (seq != null) {
        ctx.response().putHeader(SEQ_HEADER, String.valueOf(seq));
      }
      if (body == null) {
        ctx.response().setStatusCode(status).end();
      } else {
        json(ctx, status, body);
      }
    }
  }
}
