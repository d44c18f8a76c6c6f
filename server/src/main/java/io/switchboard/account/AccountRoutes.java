package io.switchboard.account;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.switchboard.account.AccountRequests.CreateAccount;
import io.switchboard.account.AccountRequests.CreateUser;
import io.switchboard.account.AccountRequests.PatchAccount;
import io.switchboard.account.AccountRequests.PatchUser;
import io.switchboard.account.AccountViews.CreatedAccount;
import io.switchboard.account.AccountViews.Items;
import io.switchboard.db.Sql;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Check;
import io.switchboard.http.Ids;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.switchboard.http.Responses.handle;

/** The operator's account creation, account settings and people (invitations: InvitationRoutes; teams: TeamRoutes). */
public final class AccountRoutes {

  static final Set<String> ROLES = Set.of("agent", "supervisor", "admin");

  private final Pool db;
  private final AccountRepository accounts;
  private final UserRepository users;
  private final Passwords passwords;
  private final Authenticator auth;
  private final Optional<String> platformKey;

  public AccountRoutes(Pool db, AccountRepository accounts, UserRepository users, Passwords passwords,
      Authenticator auth, Optional<String> platformKey) {
    this.db = db;
    this.accounts = accounts;
    this.users = users;
    this.passwords = passwords;
    this.auth = auth;
    this.platformKey = platformKey;
  }

  public void mount(Router api) {
    api.post("/accounts").handler(handle(this::createAccount));
    api.get("/account").handler(auth.user("agent")).handler(handle(this::getAccount));
    api.patch("/account").handler(auth.user("admin")).handler(handle(this::patchAccount));
    api.get("/users").handler(auth.user("agent")).handler(handle(this::listUsers));
    api.post("/users").handler(auth.user("admin")).handler(handle(this::createUser));
    api.patch("/users/:id").handler(auth.user("admin")).handler(handle(this::patchUser));
  }

  /** Creates a tenant with its first admin. Needs the platform key from the configuration. */
  Future<Reply> createAccount(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (platformKey.isEmpty() || header == null || !header.startsWith("Bearer ")
        || !MessageDigest.isEqual(platformKey.get().getBytes(StandardCharsets.UTF_8),
            header.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
      return Future.failedFuture(Problem.unauthorized("the platform key is required"));
    }
    CreateAccount body = Json.read(ctx.body().buffer(), CreateAccount.class);
    Check check = new Check().required("name", body.name()).maxLength("name", body.name(), 200)
        .required("admin", body.admin());
    checkTimezone(check, "timezone", body.timezone());
    checkRegion(check, "defaultRegion", body.defaultRegion());
    if (body.admin() != null) {
      checkNewUser(check, "admin.", body.admin().email(), body.admin().name(), body.admin().password());
    }
    check.done();
    String accountId = Ids.next("acc");
    String adminId = Ids.next("usr");
    String email = body.admin().email().trim().toLowerCase();
    return passwords.hash(body.admin().password())
        .compose(hash -> db.withTransaction(tx -> accounts.insert(tx, accountId, body.name().trim(),
                body.timezone() == null ? "UTC" : body.timezone(), upper(body.defaultRegion()))
            .compose(v -> users.insert(tx, adminId, accountId, email, body.admin().name().trim(), "admin", hash,
                List.of(), null))))
        .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err, "app_user_email_key")
            ? Problem.conflict("a user with this email already exists") : err))
        .map(v -> Reply.created(new CreatedAccount(accountId, body.name().trim(), adminId)));
  }

  private Future<Reply> getAccount(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    return accounts.get(db, caller.accountId()).map(a -> Reply.ok(a.orElseThrow()));
  }

  private Future<Reply> patchAccount(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    PatchAccount body = Json.read(ctx.body().buffer(), PatchAccount.class);
    Check check = new Check().maxLength("name", body.name(), 200)
        .that(body.name() == null || !body.name().isBlank(), "name", "must not be blank")
        .that(body.reopenWindowDays() == null || body.reopenWindowDays() >= 0 && body.reopenWindowDays() <= 365,
            "reopenWindowDays", "must be between 0 and 365");
    checkTimezone(check, "timezone", body.timezone());
    checkRegion(check, "defaultRegion", body.defaultRegion());
    if (body.notifications() != null) {
      check.that(body.notifications().size() <= 20, "notifications", "must have at most 20 switches")
          .that(body.notifications().keySet().stream().allMatch(k -> k.matches("[A-Za-z][A-Za-z0-9]{0,39}")),
              "notifications", "switch names are letters and digits, at most 40")
          .that(!body.notifications().containsValue(null), "notifications", "each switch is true or false");
    }
    check.done();
    PatchAccount normalized = new PatchAccount(body.name(), body.timezone(), upper(body.defaultRegion()),
        body.reopenWindowDays(), body.notifications());
    return db.withTransaction(tx -> accounts.update(tx, caller.accountId(), normalized)
            .compose(v -> AdminAudit.record(tx, caller, "account.updated", caller.accountId(),
                AdminAudit.fields(normalized))))
        .onSuccess(v -> auth.accountChanged(caller.accountId())) // channels carry region and reopen window
        .compose(v -> accounts.get(db, caller.accountId()))
        .map(a -> Reply.ok(a.orElseThrow()));
  }

  private Future<Reply> listUsers(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    return users.list(db, caller.accountId()).map(list -> Reply.ok(new Items<>(list)));
  }

  private Future<Reply> createUser(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    CreateUser body = Json.read(ctx.body().buffer(), CreateUser.class);
    Check check = new Check().required("role", body.role()).oneOf("role", body.role(), ROLES)
        .that(body.capacity() == null || body.capacity() >= 0, "capacity", "must not be negative");
    checkNewUser(check, "", body.email(), body.name(), body.password());
    checkTeamIds(check, body.teamIds());
    checkSkills(check, body.skills());
    check.done();
    String id = Ids.next("usr");
    List<String> teamIds = body.teamIds() == null ? List.of() : body.teamIds();
    return passwords.hash(body.password())
        .compose(hash -> db.withTransaction(tx -> users.insert(tx, id, caller.accountId(),
                body.email().trim().toLowerCase(), body.name().trim(), body.role(), hash, body.skills(), body.capacity())
            .compose(v -> users.setTeams(tx, caller.accountId(), id, teamIds))
            .compose(ok -> ok ? Future.<Void>succeededFuture()
                : Future.failedFuture(Problem.invalid("teamIds", "contains an unknown team")))
            .compose(v -> AdminAudit.record(tx, caller, "user.created", id,
                java.util.Map.of("email", body.email().trim().toLowerCase(), "role", body.role(), "teamIds", teamIds)))))
        .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err, "app_user_email_key")
            ? Problem.conflict("a user with this email already exists") : err))
        .compose(v -> users.byId(db, caller.accountId(), id))
        .map(u -> Reply.created(u.orElseThrow().view()));
  }

  private Future<Reply> patchUser(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    PatchUser body = Json.read(ctx.body().buffer(), PatchUser.class);
    Check check = new Check().oneOf("role", body.role(), ROLES)
        .that(body.name() == null || !body.name().isBlank(), "name", "must not be blank")
        .maxLength("name", body.name(), 200)
        .that(body.capacity() == null || body.capacity() >= 0 && body.capacity() <= 1000, "capacity",
            "must be between 0 and 1000");
    checkTeamIds(check, body.teamIds());
    checkSkills(check, body.skills());
    check.that(!(Boolean.TRUE.equals(body.disabled()) && id.equals(caller.userId())), "disabled",
        "you cannot deactivate yourself");
    check.done();
    PatchUser trimmed = new PatchUser(body.name() == null ? null : body.name().trim(), body.role(), body.teamIds(),
        body.skills(), body.capacity(), body.disabled());
    return db.withTransaction(tx -> users.update(tx, caller.accountId(), id, trimmed).compose(found -> {
          if (!found) {
            return Future.failedFuture(Problem.notFound("user"));
          }
          Future<Void> teams = body.teamIds() == null ? Future.succeededFuture()
              : users.setTeams(tx, caller.accountId(), id, body.teamIds()).compose(ok -> ok
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(Problem.invalid("teamIds", "contains an unknown team")));
          // Checked after the change, in its transaction: nobody can demote or deactivate the last admin.
          return teams.compose(v -> users.activeAdmins(tx, caller.accountId())).compose(admins -> admins > 0
              ? AdminAudit.record(tx, caller, "user.updated", id, AdminAudit.fields(trimmed))
              : Future.failedFuture(Problem.conflict("the account needs at least one active admin")));
        }))
        // Streams re-read the person now: a deactivated one is closed, a changed role or team applies at once.
        .onSuccess(v -> auth.userChanged(caller.accountId(), id))
        .compose(v -> users.byId(db, caller.accountId(), id))
        .map(u -> Reply.ok(u.orElseThrow().view()));
  }

  /** At most 100 teams, each an id (unknown ones are refused where they are stored). */
  static void checkTeamIds(Check check, List<String> teamIds) {
    check.that(teamIds == null || teamIds.size() <= 100, "teamIds", "must list at most 100 teams")
        .that(teamIds == null || teamIds.stream().allMatch(t -> t != null && t.length() <= 64), "teamIds",
            "contains an invalid team id");
  }

  private static void checkSkills(Check check, List<String> skills) {
    check.that(skills == null || skills.size() <= 50, "skills", "must list at most 50 skills")
        .that(skills == null || skills.stream().allMatch(t -> t != null && !t.isBlank() && t.length() <= 50), "skills",
            "each skill is 1 to 50 characters");
  }

  private static void checkNewUser(Check check, String prefix, String email, String name, String password) {
    check.required(prefix + "email", email).email(prefix + "email", email).maxLength(prefix + "email", email, 254)
        .required(prefix + "name", name).maxLength(prefix + "name", name, 200)
        .required(prefix + "password", password)
        .that(password == null || password.length() >= 8, prefix + "password", "must be at least 8 characters")
        .maxLength(prefix + "password", password, 200);
  }

  static void checkTimezone(Check check, String field, String tz) {
    if (tz != null) {
      try {
        ZoneId.of(tz);
      } catch (DateTimeException e) {
        check.that(false, field, "is not a known time zone (e.g. Europe/Warsaw)");
      }
    }
  }

  static void checkRegion(Check check, String field, String region) {
    check.that(region == null || PhoneNumberUtil.getInstance().getSupportedRegions().contains(upper(region)),
        field, "is not a known region code (e.g. PL)");
  }

  private static String upper(String s) {
    return s == null ? null : s.trim().toUpperCase();
  }
}
