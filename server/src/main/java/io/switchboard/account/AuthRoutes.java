package io.switchboard.account;

import io.switchboard.account.AccountRequests.ChangePassword;
import io.switchboard.account.AccountRequests.Login;
import io.switchboard.account.AccountRequests.Refresh;
import io.switchboard.account.AccountViews.Session;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Check;
import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.RateLimiter;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static io.switchboard.http.Responses.handle;

/** Sign-in, token refresh and password change. */
public final class AuthRoutes {

  private static final long REFRESH_DAYS = 14;

  private final Pool db;
  private final UserRepository users;
  private final Passwords passwords;
  private final Tokens tokens;
  private final Authenticator auth;

  /** Failed sign-ins for one email, from anywhere: then it is locked for the rest of the window. */
  static final RateLimiter.Limit LOGIN_PER_EMAIL = new RateLimiter.Limit("login-email", 10, Duration.ofMinutes(5));
  /** Failed sign-ins from one address, whatever the email (an office may share one address). */
  static final RateLimiter.Limit LOGIN_PER_ADDRESS = new RateLimiter.Limit("login-address", 50, Duration.ofMinutes(5));
  static final RateLimiter.Limit REFRESH_PER_ADDRESS = new RateLimiter.Limit("refresh-address", 120, Duration.ofMinutes(1));

  private final RateLimiter limits;

  public AuthRoutes(Pool db, UserRepository users, Passwords passwords, Tokens tokens, Authenticator auth,
      RateLimiter limits) {
    this.limits = limits;
    this.db = db;
    this.users = users;
    this.passwords = passwords;
    this.tokens = tokens;
    this.auth = auth;
  }

  public void mount(Router api) {
    api.post("/auth/login").handler(handle(this::login));
    api.post("/auth/refresh").handler(handle(this::refresh));
    api.post("/auth/password").handler(auth.user("agent")).handler(handle(this::changePassword));
    api.get("/auth/me").handler(auth.user("agent")).handler(handle(this::me));
  }

  private Future<Reply> login(RoutingContext ctx) {
    Login body = Json.read(ctx.body().buffer(), Login.class);
    new Check().required("email", body.email()).required("password", body.password()).done();
    String email = body.email().trim().toLowerCase();
    String address = address(ctx);
    return throttled(List.of(limits.check(LOGIN_PER_ADDRESS, address), limits.check(LOGIN_PER_EMAIL, email)))
        .compose(v -> Future.all(users.byEmail(db, email), passwords.decoy()))
        .compose(both -> {
          Optional<UserRepository.Stored> found = both.resultAt(0);
          // An unknown email, or a person invited who has no password yet, is checked against a
          // decoy of the same cost: the answer takes as long.
          String hash = found.map(UserRepository.Stored::passwordHash).orElse(null);
          return passwords.verify(body.password(), hash == null ? both.resultAt(1) : hash).compose(ok -> {
            if (!ok || hash == null || !"active".equals(found.get().view().status())) {
              // Only failures count: colleagues signing in from one office do not lock each other out.
              return Future.all(limits.hit(LOGIN_PER_ADDRESS, address), limits.hit(LOGIN_PER_EMAIL, email))
                  .transform(counted -> Future.failedFuture(Problem.unauthorized("wrong email or password")));
            }
            return session(found.get());
          });
        }).map(Reply::ok);
  }

  private Future<Reply> refresh(RoutingContext ctx) {
    Refresh body = Json.read(ctx.body().buffer(), Refresh.class);
    new Check().required("refreshToken", body.refreshToken()).done();
    return throttled(List.of(limits.hit(REFRESH_PER_ADDRESS, address(ctx))))
        .compose(v -> users.useRefresh(db, Hashes.sha256(body.refreshToken())))
        .compose(claim -> claim.isEmpty()
            ? Future.failedFuture(Problem.unauthorized("the refresh token is invalid, used or expired"))
            : users.byId(db, claim.get().accountId(), claim.get().userId()).compose(user -> {
              if (user.isEmpty() || !"active".equals(user.get().view().status())
                  || user.get().tokenVersion() != claim.get().tokenVersion()) {
                return Future.failedFuture(Problem.unauthorized("the refresh token was revoked; sign in again"));
              }
              return session(user.get());
            }))
        .map(Reply::ok);
  }

  private Future<Reply> changePassword(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    ChangePassword body = Json.read(ctx.body().buffer(), ChangePassword.class);
    new Check().required("current", body.current()).required("new", body.next())
        .that(body.next() == null || body.next().length() >= 8, "new", "must be at least 8 characters")
        .maxLength("new", body.next(), 200).done();
    return users.byId(db, caller.accountId(), caller.userId())
        .compose(user -> passwords.verify(body.current(), user.orElseThrow().passwordHash()))
        .compose(ok -> ok ? passwords.hash(body.next())
            : Future.failedFuture(Problem.invalid("current", "is not your current password")))
        .compose(hash -> users.setPassword(db, caller.accountId(), caller.userId(), hash))
        .onSuccess(v -> auth.userChanged(caller.accountId(), caller.userId()))
        .compose(v -> users.byId(db, caller.accountId(), caller.userId()))
        .compose(user -> session(user.orElseThrow()))
        .map(Reply::ok);
  }

  private Future<Reply> me(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    return users.byId(db, caller.accountId(), caller.userId())
        .map(u -> Reply.ok(u.orElseThrow(() -> Problem.notFound("user")).view()));
  }

  /** A new session (access and refresh token) for an active person; also used when an invitation is accepted. */
  Future<Session> session(UserRepository.Stored user) {
    var view = user.view();
    Tokens.Issued access = tokens.issue(view.id(), view.accountId(), view.role(), user.tokenVersion());
    String refresh = "sbr_" + Ids.random(43);
    Instant refreshExpires = Instant.now().plus(REFRESH_DAYS, ChronoUnit.DAYS);
    return users.saveRefresh(db, Hashes.sha256(refresh), view.accountId(), view.id(), user.tokenVersion(), refreshExpires)
        .compose(v -> users.seen(db, view.accountId(), view.id()))
        .map(v -> new Session(access.token(), access.expiresAt(), refresh, view));
  }

  /** 429 with the longest wait any of the limits asks for, when one says no. */
  private static Future<Void> throttled(List<Future<Integer>> verdicts) {
    return Future.all(verdicts).compose(all -> {
      int wait = 0;
      for (int i = 0; i < all.size(); i++) {
        wait = Math.max(wait, all.<Integer>resultAt(i));
      }
      return wait == 0 ? Future.succeededFuture() : Future.failedFuture(Problem.tooMany(wait));
    });
  }

  private static String address(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null ? "unknown" : remote.hostAddress();
  }
}
