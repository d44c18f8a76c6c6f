package io.switchboard.sla;

import io.switchboard.http.Check;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.RateLimiter;
import io.switchboard.http.RateLimiter.Limit;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

import static io.switchboard.http.Responses.handle;

/**
 * The customer's side of a survey: the public page {@code GET /csat/{token}} (no credentials: the
 * token is the credential) and {@code POST /api/v1/csat/{token}}. Both are rate limited per
 * address, so tokens cannot be guessed at speed (and at 260 bits they cannot be guessed at all).
 */
public final class CsatRoutes {

  static final Limit PAGE = new Limit("csat-page", 60, Duration.ofMinutes(1));
  static final Limit ANSWER = new Limit("csat-answer", 20, Duration.ofMinutes(1));

  public record Answer(Integer rating, String comment) {
  }

  private final Csat csat;
  private final RateLimiter limits;

  public CsatRoutes(Csat csat, RateLimiter limits) {
    this.csat = csat;
    this.limits = limits;
  }

  public void mountRoot(Router root) {
    root.get("/csat/:token").handler(this::page);
  }

  public void mountApi(Router api) {
    api.post("/csat/:token").handler(handle(this::answer));
  }

  private void page(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    Integer preselected = rating(ctx.queryParams().get("rating"));
    limits.hit(PAGE, address(ctx))
        .compose(wait -> wait > 0 ? Future.failedFuture(Problem.tooMany(wait)) : csat.byToken(token))
        .onSuccess(found -> {
          int status;
          String html;
          if (found.isEmpty()) {
            status = 404;
            html = CsatPage.message("Survey not found", "This link is not valid.");
          } else if (!csat.isOpen(found.get())) {
            status = 410;
            html = CsatPage.message("This survey has expired", "Thank you all the same.");
          } else if (found.get().rating() != null) {
            status = 200;
            html = CsatPage.message("Thank you!", "Your rating of " + found.get().rating() + " was recorded.");
          } else {
            status = 200;
            html = CsatPage.form(found.get().accountName(), preselected);
          }
          ctx.response().setStatusCode(status)
              .putHeader("Content-Type", "text/html; charset=utf-8")
              .putHeader("Cache-Control", "no-store")
              .putHeader("Referrer-Policy", "no-referrer")
              .end(html);
        })
        .onFailure(ctx::fail);
  }

  private Future<Reply> answer(RoutingContext ctx) {
    Answer body = Json.read(ctx.body().buffer(), Answer.class);
    new Check().required("rating", body.rating())
        .that(body.rating() == null || body.rating() >= 1 && body.rating() <= 5, "rating", "must be 1 to 5")
        .maxLength("comment", body.comment(), 2000).done();
    String comment = body.comment() == null || body.comment().isBlank() ? null : body.comment().trim();
    return limits.hit(ANSWER, address(ctx))
        .compose(wait -> wait > 0 ? Future.failedFuture(Problem.tooMany(wait))
            : csat.answer(ctx.pathParam("token"), body.rating(), comment))
        .map(Reply::created);
  }

  private static Integer rating(String raw) {
    if (raw == null || !raw.matches("[1-5]")) {
      return null;
    }
    return Integer.parseInt(raw);
  }

  private static String address(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null ? "unknown" : remote.hostAddress();
  }
}
