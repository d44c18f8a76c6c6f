package io.switchboard.sla;

import io.switchboard.http.Authenticator;
import io.switchboard.http.Check;
import io.switchboard.http.Problem;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** GET /api/v1/reports/summary (supervisors and admins): JSON, or CSV with Accept: text/csv. */
public final class ReportRoutes {

  private static final Duration MAX_RANGE = Duration.ofDays(400);

  private final Authenticator auth;
  private final Reports reports;

  public ReportRoutes(Authenticator auth, Reports reports) {
    this.auth = auth;
    this.reports = reports;
  }

  public void mount(Router api) {
    api.get("/reports/summary").handler(auth.user("supervisor")).handler(this::summary);
    api.get("/reports/intraday").handler(auth.user("supervisor")).handler(io.switchboard.http.Responses.handle(
        this::intraday));
  }

  /** GET /reports/intraday?date=YYYY-MM-DD (default: today in the account's time zone). */
  private io.vertx.core.Future<io.switchboard.http.Responses.Reply> intraday(RoutingContext ctx) {
    String raw = ctx.queryParams().get("date");
    LocalDate date = null;
    if (raw != null) {
      try {
        date = raw.length() == 10 ? LocalDate.parse(raw) : null;
      } catch (RuntimeException e) {
        date = null;
      }
      new Check().that(date != null && date.getYear() >= 1970 && date.getYear() <= 9999, "date",
          "is not a date (YYYY-MM-DD)").done();
    }
    return reports.intraday(Authenticator.user(ctx).accountId(), date)
        .map(io.switchboard.http.Responses.Reply::ok);
  }

  private void summary(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String groupBy = ctx.queryParams().get("groupBy") == null ? "day" : ctx.queryParams().get("groupBy");
    Instant from = instant(ctx.queryParams().get("from"));
    Instant to = instant(ctx.queryParams().get("to"));
    try {
      new Check().required("from", ctx.queryParams().get("from")).required("to", ctx.queryParams().get("to"))
          .that(ctx.queryParams().get("from") == null || from != null, "from", "is not a time (ISO-8601) or date")
          .that(ctx.queryParams().get("to") == null || to != null, "to", "is not a time (ISO-8601) or date")
          .that(from == null || to == null || to.isAfter(from), "to", "must be after from")
          .that(from == null || to == null || Duration.between(from, to).compareTo(MAX_RANGE) <= 0, "to",
              "the range is at most 400 days")
          .oneOf("groupBy", groupBy, Reports.GROUPS).done();
    } catch (Problem p) {
      ctx.fail(p);
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    boolean csv = accept != null && accept.contains("text/csv");
    reports.summary(caller.accountId(), from, to, groupBy).onSuccess(s -> {
      if (csv) {
        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"summary-" + groupBy + ".csv\"")
            .end(Reports.csv(s));
      } else {
        io.switchboard.http.Responses.json(ctx, 200, s);
      }
    }).onFailure(ctx::fail);
  }

  /** An ISO-8601 instant, or a date (its start, UTC); null when neither. */
  static Instant instant(String raw) {
    if (raw == null || raw.length() > 40) {
      return null;
    }
    try {
      return Instant.parse(raw);
    } catch (RuntimeException e) {
      try {
        return LocalDate.parse(raw).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (RuntimeException e2) {
        return null;
      }
    }
  }
}
