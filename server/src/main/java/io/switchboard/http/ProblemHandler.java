package io.switchboard.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns failures into problem+json answers and logs each 5xx once. */
public final class ProblemHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  private ProblemHandler() {
  }

  public static void handle(RoutingContext ctx) {
    Problem problem = toProblem(ctx.failure(), ctx.statusCode());
    if (ctx.failure() instanceof ConnectionPoolTooBusyException) {
      // Shedding load is working as meant; an error with a stack per request would flood the log.
      LOG.debug("{} {} shed: the database pool's wait queue is full", ctx.request().method(), ctx.request().path());
    } else if (problem.status() == 503) {
      // The database or the machine is overloaded or away: the client was told to retry. One line, no stack.
      LOG.warn("{} {} answered 503: {}", ctx.request().method(), ctx.request().path(),
          ctx.failure() == null ? problem.detail() : ctx.failure().toString());
    } else if (problem.status() >= 500) {
      LOG.error("{} {} failed with {}", ctx.request().method(), ctx.request().path(), problem.status(),
          ctx.failure());
    }
    write(ctx.response(), problem);
  }

  public static void write(HttpServerResponse response, Problem problem) {
    if (response.ended() || response.headWritten()) {
      if (!response.ended()) {
        response.reset();
      }
      return;
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", "https://switchboard.dev/problems/" + problem.status());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    if (!problem.errors().isEmpty()) {
      body.set("errors", Json.MAPPER.valueToTree(problem.errors()));
    }
    if (problem.extension() != null) {
      ObjectNode ext = Json.MAPPER.valueToTree(problem.extension());
      body.setAll(ext);
    }
    if (problem.retryAfter() != null) {
      response.putHeader("Retry-After", String.valueOf(problem.retryAfter()));
    }
    response.setStatusCode(problem.status())
        .putHeader("Content-Type", "application/problem+json")
        .end(Json.write(body));
  }

  static Problem toProblem(Throwable failure, int statusCode) {
    if (failure instanceof Problem p) {
      return p;
    }
    if (failure instanceof HttpException he) {
      return fromStatus(he.getStatusCode());
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      // The pool's wait queue is full: shed this request, the client retries shortly.
      return Problem.unavailable("the server is busy; retry shortly", 1);
    }
    if (failure instanceof PgException pg && ("22021".equals(pg.getSqlState()) || "22P05".equals(pg.getSqlState()))) {
      // A character PostgreSQL cannot store (a NUL, a broken sequence) that a route let through:
      // the request is at fault, not the server.
      return Problem.badJson("the request contains a character that cannot be stored");
    }
    if (failure instanceof PgException pg && isUnavailable(pg.getSqlState())) {
      return Problem.unavailable("the database is unavailable", 5);
    }
    if (lostDatabase(failure)) {
      // The connection died under the request (a restart, a killed backend): whatever it wrote was
      // not acknowledged, and a retry is safe (inbound messages are deduplicated by externalId).
      return Problem.unavailable("the database connection was lost; retry shortly", 2);
    }
    if (failure instanceof io.vertx.core.impl.NoStackTraceThrowable nst
        && String.valueOf(nst.getMessage()).contains("Timeout")) {
      return Problem.unavailable("the database did not answer in time", 5);
    }
    if (failure == null && statusCode > 0) {
      return fromStatus(statusCode);
    }
    return Problem.of(500, "Internal error", "the server failed; the error was logged");
  }

  /** A closed or refused database connection, anywhere in the cause chain. */
  private static boolean lostDatabase(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.vertx.sqlclient.ClosedConnectionException || t instanceof java.net.SocketException
          || t instanceof PgException pg && isUnavailable(pg.getSqlState()) || isBrokenPipe(t)) {
        return true;
      }
    }
    return false;
  }

  /** A write to a connection the peer closed (Netty reports it as a plain IOException). */
  private static boolean isBrokenPipe(Throwable t) {
    String message = String.valueOf(t.getMessage());
    return t instanceof java.io.IOException && (message.contains("Broken pipe") || message.contains("Connection reset"));
  }

  private static boolean isUnavailable(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.equals("53300"));
  }

  private static Problem fromStatus(int status) {
    return switch (status) {
      case 400 -> Problem.badJson("the request could not be read");
      case 401 -> Problem.unauthorized("credentials are missing or invalid");
      case 403 -> Problem.forbidden();
      case 404 -> Problem.noRoute(); // the router found nothing; a missing object fails with Problem.notFound
      case 405 -> Problem.of(405, "Method not allowed", "this method is not allowed here");
      case 413 -> Problem.tooLarge("the request body is too large");
      case 415 -> Problem.of(415, "Unsupported media type", "send application/json");
      default -> status >= 500
          ? Problem.of(status, "Internal error", "the server failed; the error was logged")
          : Problem.of(status, "Request failed", "the request failed");
    };
  }
}
