package io.switchboard.http;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Requests refused for their shape, before any route: a NUL in the path, or a head Netty could not read. */
public final class RequestShape {

  private RequestShape() {
  }

  /**
   * A path with an encoded NUL names nothing: 404 before a route looks it up (PostgreSQL refuses a
   * NUL in text, which would otherwise surface as a 500 on whichever route forgot to check).
   */
  public static void refuseNul(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path != null && (path.indexOf('\0') >= 0 || path.toLowerCase(Locale.ROOT).contains("%00"))) {
      ctx.fail(Problem.notFound("resource"));
      return;
    }
    ctx.next();
  }

  /**
   * The server's handler for a request head that could not be decoded (a request line over 4 KiB,
   * headers over 8 KiB, garbage): a problem+json answer, and the connection is closed, since what
   * follows on it cannot be trusted to start a request.
   */
  public static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String message = cause == null ? "" : String.valueOf(cause.getMessage());
    Problem problem;
    if (cause instanceof TooLongFrameException && message.contains("line")) {
      problem = Problem.of(414, "URI too long", "the request line is too long");
    } else if (cause instanceof TooLongFrameException) {
      problem = Problem.of(431, "Request header fields too large", "the request headers are too large");
    } else {
      problem = Problem.of(400, "Malformed request", "the request head could not be read");
    }
    request.response().putHeader("Connection", "close");
    ProblemHandler.write(request.response(), problem);
    request.connection().close();
  }
}
