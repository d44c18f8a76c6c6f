package io.switchboard.sla;

import io.switchboard.channel.ChannelRoutes;
import io.switchboard.conversation.ConversationChanges;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Check;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.switchboard.sla.SlaPolicy.Escalation;
import io.switchboard.sla.SlaPolicy.Match;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static io.switchboard.http.Responses.handle;

/** Admins define business hours and SLA policies; supervisors may read them. */
public final class SlaRoutes {

  public static final List<String> ACTIONS = List.of("notifySupervisors", "raisePriority", "assignTeam");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** A year of minutes: longer targets are surely a mistake. */
  private static final int MAX_MINUTES = 525_600;

  public record PolicyBody(String name, Integer position, MatchBody match, Integer firstResponseMinutes,
      Integer nextResponseMinutes, Integer resolutionMinutes, String businessHoursId, Integer warnBeforeMinutes,
      List<EscalationBody> escalation) {
  }

  public record MatchBody(List<String> priority, List<String> channel) {
  }

  public record EscalationBody(Integer afterBreachMinutes, String action, String teamId) {
  }

  public record HoursBody(String name, String timezone, Map<String, List<List<String>>> weekly,
      List<String> holidays) {
  }

  private final Pool db;
  private final Authenticator auth;
  private final SlaRepository repo;
  private final Sla sla;

  public SlaRoutes(Pool db, Authenticator auth, Sla sla) {
    this.db = db;
    this.auth = auth;
    this.repo = sla.repo;
    this.sla = sla;
  }

  public void mount(Router api) {
    api.put("/business-hours/:id").handler(auth.user("admin")).handler(handle(this::putHours));
    api.get("/business-hours").handler(auth.user("supervisor")).handler(handle(this::listHours));
    api.delete("/business-hours/:id").handler(auth.user("admin")).handler(handle(this::deleteHours));
    api.put("/sla-policies/:id").handler(auth.user("admin")).handler(handle(this::putPolicy));
    api.get("/sla-policies").handler(auth.user("supervisor")).handler(handle(this::listPolicies));
    api.get("/sla-policies/:id").handler(auth.user("supervisor")).handler(handle(this::getPolicy));
    api.delete("/sla-policies/:id").handler(auth.user("admin")).handler(handle(this::deletePolicy));
  }

  private Future<Reply> putHours(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    Calendar calendar = calendar(id, Json.read(ctx.body().buffer(), HoursBody.class));
    // The conversations it affects are marked for the sweep in the same transaction (see SlaRecompute).
    return db.withTransaction(tx -> repo.upsert(tx, caller.accountId(), calendar)
            .compose(v -> repo.markStale(tx, caller.accountId(), id, "businessHours.changed")))
        .onSuccess(v -> sla.policiesChanged(caller.accountId()))
        .map(v -> Reply.ok(calendar));
  }

  private Future<Reply> listHours(RoutingContext ctx) {
    return repo.calendars(db, Authenticator.user(ctx).accountId()).map(list -> Reply.ok(Map.of("items", list)));
  }

  private Future<Reply> deleteHours(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    return repo.calendarUsed(db, caller.accountId(), id).compose(used -> used
            ? Future.failedFuture(Problem.conflict("an SLA policy uses these business hours"))
            : repo.deleteCalendar(db, caller.accountId(), id))
        .map(found -> {
          if (!found) {
            throw Problem.notFound("business hours");
          }
          // No policy used it (checked above): no conversation's due times change.
          sla.policiesChanged(caller.accountId());
          return Reply.noContent();
        });
  }

  private Future<Reply> putPolicy(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    PolicyBody body = Json.read(ctx.body().buffer(), PolicyBody.class);
    SlaPolicy policy = policy(id, body);
    Future<Boolean> hoursOk = policy.businessHoursId() == null ? Future.succeededFuture(true)
        : repo.calendarExists(db, caller.accountId(), policy.businessHoursId());
    List<String> teams = policy.escalation().stream().map(Escalation::teamId).filter(t -> t != null).distinct()
        .toList();
    Future<Boolean> teamsOk = teams.isEmpty() ? Future.succeededFuture(true)
        : db.preparedQuery("SELECT count(*) FROM team WHERE account_id = $1 AND id = ANY($2) AND deleted_at IS NULL")
            .execute(io.vertx.sqlclient.Tuple.of(caller.accountId()).addArrayOfString(teams.toArray(String[]::new)))
            .map(rows -> rows.iterator().next().getLong(0) == teams.size());
    return Future.all(hoursOk, teamsOk).compose(v -> {
      new Check().that(hoursOk.result(), "businessHoursId", "is not business hours of this account")
          .that(teamsOk.result(), "escalation.teamId", "is not a team of this account").done();
      return db.withTransaction(tx -> repo.upsert(tx, caller.accountId(), policy)
          .compose(x -> repo.markStale(tx, caller.accountId(), null, "policy.changed")));
    }).onSuccess(v -> sla.policiesChanged(caller.accountId()))
        .compose(v -> repo.policies(db, caller.accountId()))
        .map(list -> Reply.ok(list.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow()));
  }

  private Future<Reply> listPolicies(RoutingContext ctx) {
    return repo.policies(db, Authenticator.user(ctx).accountId()).map(list -> Reply.ok(Map.of("items", list)));
  }

  private Future<Reply> getPolicy(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return repo.policies(db, Authenticator.user(ctx).accountId()).map(list -> Reply.ok(list.stream()
        .filter(p -> p.id().equals(id)).findFirst().orElseThrow(() -> Problem.notFound("SLA policy"))));
  }

  private Future<Reply> deletePolicy(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    return db.withTransaction(tx -> repo.deletePolicy(tx, caller.accountId(), ctx.pathParam("id"))
        .compose(found -> !found ? Future.succeededFuture(false)
            : repo.markStale(tx, caller.accountId(), null, "policy.deleted").map(true))).map(found -> {
      if (!found) {
        throw Problem.notFound("SLA policy");
      }
      sla.policiesChanged(caller.accountId());
      return Reply.noContent();
    });
  }

  /** Validates a policy body (everything but references, which need the database). */
  static SlaPolicy policy(String id, PolicyBody b) {
    Check check = new Check().that(ID.matcher(id).matches(), "id", "must be 1-64 letters, digits, '.', '_' or '-'")
        .required("name", b.name()).maxLength("name", b.name(), 200)
        .required("position", b.position())
        .that(b.position() == null || b.position() >= 0 && b.position() <= 100_000, "position",
            "must be between 0 and 100000")
        .maxLength("businessHoursId", b.businessHoursId(), 64);
    minutes(check, "firstResponseMinutes", b.firstResponseMinutes());
    minutes(check, "nextResponseMinutes", b.nextResponseMinutes());
    minutes(check, "resolutionMinutes", b.resolutionMinutes());
    check.that(b.firstResponseMinutes() != null || b.nextResponseMinutes() != null || b.resolutionMinutes() != null,
        "firstResponseMinutes", "at least one target is required");
    check.that(b.warnBeforeMinutes() == null || b.warnBeforeMinutes() >= 0 && b.warnBeforeMinutes() <= MAX_MINUTES,
        "warnBeforeMinutes", "must be between 0 and " + MAX_MINUTES);
    List<String> priorities = b.match() == null || b.match().priority() == null ? List.of() : b.match().priority();
    List<String> channels = b.match() == null || b.match().channel() == null ? List.of() : b.match().channel();
    for (String p : priorities) {
      check.that(p != null, "match.priority", "must not contain null").oneOf("match.priority", p,
          ConversationChanges.PRIORITIES);
    }
    for (String c : channels) {
      check.that(c != null, "match.channel", "must not contain null").oneOf("match.channel", c, ChannelRoutes.KINDS);
    }
    List<EscalationBody> steps = b.escalation() == null ? List.of() : b.escalation();
    check.that(steps.size() <= 10, "escalation", "at most 10 steps");
    List<Escalation> escalation = new ArrayList<>();
    for (EscalationBody s : steps) {
      if (s == null) {
        check.that(false, "escalation", "must not contain null");
        continue;
      }
      check.required("escalation.action", s.action()).oneOf("escalation.action", s.action(), ACTIONS)
          .that(s.afterBreachMinutes() == null || s.afterBreachMinutes() >= 0 && s.afterBreachMinutes() <= MAX_MINUTES,
              "escalation.afterBreachMinutes", "must be between 0 and " + MAX_MINUTES)
          .that(!"assignTeam".equals(s.action()) || s.teamId() != null, "escalation.teamId",
              "is required for assignTeam")
          .maxLength("escalation.teamId", s.teamId(), 100);
      escalation.add(new Escalation(s.afterBreachMinutes() == null ? 0 : s.afterBreachMinutes(), s.action(),
          "assignTeam".equals(s.action()) ? s.teamId() : null));
    }
    check.done();
    return new SlaPolicy(id, b.name().trim(), b.position(),
        new Match(List.copyOf(new TreeSet<>(priorities)), List.copyOf(new TreeSet<>(channels))),
        b.firstResponseMinutes(), b.nextResponseMinutes(), b.resolutionMinutes(), blankToNull(b.businessHoursId()),
        b.warnBeforeMinutes() == null ? 0 : b.warnBeforeMinutes(), List.copyOf(escalation), null);
  }

  private static void minutes(Check check, String field, Integer value) {
    check.that(value == null || value >= 1 && value <= MAX_MINUTES, field, "must be between 1 and " + MAX_MINUTES);
  }

  /** Validates business hours: an IANA zone, known weekdays, ordered non-overlapping periods, dates. */
  static Calendar calendar(String id, HoursBody b) {
    Check check = new Check().that(ID.matcher(id).matches(), "id", "must be 1-64 letters, digits, '.', '_' or '-'")
        .required("timezone", b.timezone()).maxLength("name", b.name(), 200).required("weekly", b.weekly());
    if (b.timezone() != null) {
      boolean zoneOk;
      try {
        zoneOk = ZoneId.getAvailableZoneIds().contains(b.timezone()) || "UTC".equals(b.timezone());
        ZoneId.of(b.timezone());
      } catch (DateTimeException e) {
        zoneOk = false;
      }
      check.that(zoneOk, "timezone", "is not an IANA time zone (e.g. Europe/Warsaw)");
    }
    Map<String, List<List<String>>> weekly = new LinkedHashMap<>();
    if (b.weekly() != null) {
      for (var e : b.weekly().entrySet()) {
        String day = e.getKey();
        String field = "weekly." + day;
        check.oneOf("weekly", day, SlaRepository.DAYS);
        List<List<String>> periods = e.getValue() == null ? List.of() : e.getValue();
        check.that(periods.size() <= 12, field, "at most 12 periods a day");
        int lastEnd = -1;
        List<int[]> parsed = new ArrayList<>();
        for (List<String> p : periods) {
          int start = p != null && p.size() == 2 ? SlaRepository.minute(p.get(0)) : -1;
          int end = p != null && p.size() == 2 ? SlaRepository.minute(p.get(1)) : -1;
          check.that(start >= 0 && end >= 0 && start < end, field,
              "each period is [\"HH:MM\",\"HH:MM\"] with the start before the end");
          parsed.add(new int[] {start, end});
        }
        parsed.sort((x, y) -> Integer.compare(x[0], y[0]));
        for (int[] p : parsed) {
          check.that(p[0] < 0 || p[0] >= lastEnd, field, "periods must not overlap");
          lastEnd = Math.max(lastEnd, p[1]);
        }
        if (SlaRepository.DAYS.contains(day)) {
          weekly.put(day, parsed.stream().filter(p -> p[0] >= 0 && p[1] >= 0)
              .map(p -> List.of(hhmm(p[0]), hhmm(p[1]))).toList());
        }
      }
    }
    List<String> holidays = b.holidays() == null ? List.of() : b.holidays();
    check.that(holidays.size() <= 1000, "holidays", "at most 1000 dates");
    TreeSet<String> days = new TreeSet<>();
    for (String h : holidays) {
      try {
        days.add(LocalDate.parse(h).toString());
      } catch (RuntimeException e) {
        check.that(false, "holidays", "each is a date (YYYY-MM-DD)");
      }
    }
    check.done();
    Map<String, List<List<String>>> ordered = new LinkedHashMap<>();
    SlaRepository.DAYS.stream().filter(weekly::containsKey).forEach(d -> ordered.put(d, weekly.get(d)));
    return new Calendar(id, blankToNull(b.name()), b.timezone(), ordered, List.copyOf(days));
  }

  private static String hhmm(int minute) {
    return String.format("%02d:%02d", minute / 60, minute % 60);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
