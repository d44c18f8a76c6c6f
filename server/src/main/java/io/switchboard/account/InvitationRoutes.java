package io.switchboard.account;

import io.switchboard.account.AccountRequests.AcceptInvitation;
import io.switchboard.account.AccountRequests.Invite;
import io.switchboard.account.AccountViews.Invited;
import io.switchboard.account.UserLinks.State;
import io.switchboard.db.Sql;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.switchboard.http.Ids;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.RateLimiter;
import io.switchboard.http.RateLimiter.Limit;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.switchboard.http.Responses.handle;

/**
 * Invitations by email. An admin invites a person: a user without a password ("invited") and a
 * single-use link valid 24 hours, mailed through the relay; without a relay (or when it refuses)
 * the answer carries the link for the admin to pass on. The invitee opens {@code /invite/{token}},
 * sets name and password, and is signed in. The token is the credential of the public routes, so
 * they are rate limited per address.
 */
public final class InvitationRoutes {

  static final Duration VALID = Duration.ofHours(24);
  static final Limit PAGE = new Limit("invite-page", 60, Duration.ofMinutes(1));
  static final Limit ACCEPT = new Limit("invite-accept", 20, Duration.ofMinutes(1));

  private final LinkServices svc;

  public InvitationRoutes(LinkServices services) {
    this.svc = services;
  }

  public void mountRoot(Router root) {
    root.get("/invite/:token").handler(this::page);
  }

  public void mountApi(Router api) {
    api.post("/invitations").handler(svc.auth().user("admin")).handler(handle(this::invite));
    api.post("/users/:id/invitation").handler(svc.auth().user("admin")).handler(handle(this::resend));
    api.post("/invitations/:token/accept").handler(handle(this::accept));
  }

  private Future<Reply> invite(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    Invite body = Json.read(ctx.body().buffer(), Invite.class);
    Check check = new Check().required("email", body.email()).email("email", body.email())
        .maxLength("email", body.email(), 254).maxLength("name", body.name(), 200)
        .required("role", body.role()).oneOf("role", body.role(), AccountRoutes.ROLES);
    AccountRoutes.checkTeamIds(check, body.teamIds());
    check.done();
    String email = body.email().trim().toLowerCase();
    // Until they choose one, an invited person is called by their address's local part.
    String name = body.name() == null || body.name().isBlank() ? email.substring(0, email.indexOf('@'))
        : body.name().trim();
    String id = Ids.next("usr");
    List<String> teamIds = body.teamIds() == null ? List.of() : body.teamIds();
    return svc.db().withTransaction(tx -> svc.users().insertInvited(tx, id, caller.accountId(), email, name,
                body.role(),
                List.of(), null)
            .compose(v -> svc.users().setTeams(tx, caller.accountId(), id, teamIds))
            .compose(ok -> ok ? Future.<Void>succeededFuture()
                : Future.failedFuture(Problem.invalid("teamIds", "contains an unknown team")))
            .compose(v -> AdminAudit.record(tx, caller, "user.invited", id,
                Map.of("email", email, "role", body.role(), "teamIds", teamIds)))
            .compose(v -> svc.links().issue(tx, "invite", caller.accountId(), id, caller.userId(), VALID)))
        .recover(err -> Future.failedFuture(Sql.isUniqueViolation(err, "app_user_email_key")
            ? Problem.conflict("a user with this email already exists") : err))
        .compose(issued -> deliver(caller, id, issued))
        .map(Reply::created);
  }

  /** A new link for a person who has not joined yet; earlier links stop working. */
  private Future<Reply> resend(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    return svc.db().withTransaction(tx -> svc.users().byId(tx, caller.accountId(), id).compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(Problem.notFound("user"));
          }
          if (!"invited".equals(found.get().view().status())) {
            return Future.failedFuture(Problem.conflict(found.get().view().name() + " has "
                + ("disabled".equals(found.get().view().status()) ? "been deactivated" : "already joined")));
          }
          return AdminAudit.record(tx, caller, "user.reinvited", id, Map.of())
              .compose(v -> svc.links().issue(tx, "invite", caller.accountId(), id, caller.userId(), VALID));
        }))
        .compose(issued -> deliver(caller, id, issued))
        .map(Reply::created);
  }

  /** Mails the link; the answer carries it only when no mail went out. */
  private Future<Invited> deliver(Caller.User caller, String userId, UserLinks.Issued issued) {
    String url = svc.publicUrl().get() + "/invite/" + issued.token();
    return Future.all(svc.users().byId(svc.db(), caller.accountId(), userId),
            svc.accounts().get(svc.db(), caller.accountId()))
        .compose(both -> {
          AccountViews.UserView user = both.<java.util.Optional<UserRepository.Stored>>resultAt(0).orElseThrow().view();
          String account = both.<java.util.Optional<AccountViews.AccountView>>resultAt(1).orElseThrow().name();
          return svc.mail().send(InvitePage.letter(user.email(), account, caller.name(), url))
              .map(mailed -> new Invited(user, mailed, mailed ? null : url, issued.expiresAt()));
        });
  }

  private void page(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    throttled(svc.limits(), PAGE, address(ctx))
        .compose(v -> svc.links().find(svc.db(), token))
        .compose(found -> {
          if (found.isEmpty() || !"invite".equals(found.get().kind())) {
            return Future.succeededFuture(new Page(404, InvitePage.message("Invitation not found",
                "This link is not valid. Check that you copied all of it, or ask your admin for a new invitation.")));
          }
          UserLinks.Link link = found.get();
          if (link.state() != State.VALID) {
            return Future.succeededFuture(new Page(410, link.state() == State.USED
                ? InvitePage.message("This invitation has been used",
                    "It was accepted already, or a newer invitation replaced it. Sign in, or ask your admin to invite you again.")
                : InvitePage.message("This invitation has expired",
                    "Invitations are valid for 24 hours. Ask your admin to send a new one.")));
          }
          return Future.all(svc.users().byId(svc.db(), link.accountId(), link.userId()),
                  svc.accounts().get(svc.db(), link.accountId()))
              .map(both -> {
                var user = both.<java.util.Optional<UserRepository.Stored>>resultAt(0).orElseThrow().view();
                var account = both.<java.util.Optional<AccountViews.AccountView>>resultAt(1).orElseThrow();
                return "invited".equals(user.status())
                    ? new Page(200, InvitePage.form(account.name(), user.email(), user.name()))
                    : new Page(410, InvitePage.message("This invitation can no longer be used",
                        "disabled".equals(user.status()) ? "Your admin withdrew it." : "You have joined already: sign in."));
              });
        })
        .onSuccess(page -> InvitePage.send(ctx, page.status(), page.html()))
        .onFailure(ctx::fail);
  }

  private record Page(int status, String html) {
  }

  /** Sets name and password, uses the link once and answers with a session (as a sign-in does). */
  private Future<Reply> accept(RoutingContext ctx) {
    AcceptInvitation body = Json.read(ctx.body().buffer(), AcceptInvitation.class);
    new Check().required("name", body.name()).maxLength("name", body.name(), 200)
        .required("password", body.password())
        .that(body.password() == null || body.password().length() >= 8, "password", "must be at least 8 characters")
        .maxLength("password", body.password(), 200).done();
    String token = ctx.pathParam("token");
    return throttled(svc.limits(), ACCEPT, address(ctx))
        .compose(v -> svc.links().find(svc.db(), token))
        .compose(found -> {
          if (found.isEmpty() || !"invite".equals(found.get().kind())) {
            return Future.failedFuture(Problem.notFound("invitation"));
          }
          if (found.get().state() != State.VALID) {
            return Future.failedFuture(gone(found.get().state()));
          }
          // Checked before the (deliberately slow) hash, which runs on a worker thread.
          return svc.passwords().hash(body.password());
        })
        .compose(hash -> svc.db().withTransaction(tx -> svc.links().claim(tx, token, "invite").compose(claimed -> {
          if (claimed.isEmpty()) {
            return Future.failedFuture(gone(State.USED)); // another tab was quicker
          }
          UserLinks.Link link = claimed.get();
          return svc.users().join(tx, link.accountId(), link.userId(), body.name().trim(), hash)
              .compose(joined -> joined
              ? svc.users().byId(tx, link.accountId(), link.userId()).map(u -> u.orElseThrow())
              : Future.failedFuture(Problem.gone("this invitation can no longer be used")));
        })))
        .compose(svc.sessions()::session)
        .map(Reply::ok);
  }

  private static Problem gone(State state) {
    return Problem.gone(state == State.USED ? "this invitation has been used or replaced by a newer one"
        : "this invitation has expired; ask your admin for a new one");
  }

  /** Counts one use of the limit for the key; a 429 when it is spent (the public routes' guard). */
  static Future<Void> throttled(RateLimiter limiter, Limit limit, String key) {
    return limiter.hit(limit, key).compose(wait -> wait > 0 ? Future.failedFuture(Problem.tooMany(wait))
        : Future.succeededFuture());
  }

  static String address(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null ? "unknown" : remote.hostAddress();
  }
}
