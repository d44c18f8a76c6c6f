package io.switchboard.account;

import io.switchboard.account.AccountViews.Invited;
import io.switchboard.account.UserLinks.State;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Caller;
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
import java.util.Map;
import java.util.Optional;

import static io.switchboard.http.Responses.handle;

/**
 * Password resets by email, with the invitations' single-use links (kind "reset", 24 hours).
 * Anyone may ask for one by email address: the answer is the same 202 whether or not the address
 * belongs to someone, so it tells nothing. An admin may make one for a person of the account and
 * pass the link on when no mail can go out. Setting the new password signs the person out
 * everywhere (token version) and signs them in here.
 */
public final class PasswordResetRoutes {

  static final Duration VALID = Duration.ofHours(24);
  static final Limit ASK_PER_ADDRESS = new Limit("reset-ask-address", 10, Duration.ofMinutes(10));
  static final Limit ASK_PER_EMAIL = new Limit("reset-ask-email", 3, Duration.ofMinutes(10));
  static final Limit USE = new Limit("reset-use", 20, Duration.ofMinutes(1));

  public record Ask(String email) {
  }

  public record NewPassword(String password) {
  }

  private final LinkServices svc;

  public PasswordResetRoutes(LinkServices services) {
    this.svc = services;
  }

  public void mountRoot(Router root) {
    root.get("/reset").handler(ctx -> InvitePage.send(ctx, 200, InvitePage.resetRequest()));
    root.get("/reset/:token").handler(this::linkPage);
  }

  public void mountApi(Router api) {
    api.post("/auth/password-reset").handler(handle(this::ask));
    api.post("/users/:id/password-reset").handler(svc.auth().user("admin")).handler(handle(this::issue));
    api.post("/password-resets/:token").handler(handle(this::use));
  }

  /** Always 202: a link goes out only to an active person, and only through the relay. */
  private Future<Reply> ask(RoutingContext ctx) {
    Ask body = Json.read(ctx.body().buffer(), Ask.class);
    new Check().required("email", body.email()).email("email", body.email()).maxLength("email", body.email(), 254)
        .done();
    String email = body.email().trim().toLowerCase();
    return InvitationRoutes.throttled(svc.limits(), ASK_PER_ADDRESS, InvitationRoutes.address(ctx))
        .compose(v -> InvitationRoutes.throttled(svc.limits(), ASK_PER_EMAIL, email))
        .compose(v -> svc.users().byEmail(svc.db(), email))
        .compose(found -> found.isEmpty() || !"active".equals(found.get().view().status())
            ? Future.succeededFuture()
            : svc.links().issue(svc.db(), "reset", found.get().view().accountId(), found.get().view().id(), null, VALID)
                .compose(issued -> svc.mail().send(InvitePage.resetLetter(email, url(issued.token())))).mapEmpty())
        .map(v -> Reply.accepted(Map.of()));
  }

  /** An admin's reset for a person of the account: mailed, or the link to pass on. */
  private Future<Reply> issue(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    return svc.db().withTransaction(tx -> svc.users().byId(tx, caller.accountId(), id).compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(Problem.notFound("user"));
          }
          if (!"active".equals(found.get().view().status())) {
            return Future.failedFuture(Problem.conflict(found.get().view().name() + " is not an active member "
                + "(an invited person gets a new invitation instead)"));
          }
          return AdminAudit.record(tx, caller, "user.passwordReset", id, Map.of())
              .compose(v -> svc.links().issue(tx, "reset", caller.accountId(), id, caller.userId(), VALID))
              .map(issued -> Map.entry(found.get().view(), issued));
        }))
        .compose(pair -> svc.mail().send(InvitePage.resetLetter(pair.getKey().email(), url(pair.getValue().token())))
            .map(mailed -> new Invited(pair.getKey(), mailed, mailed ? null : url(pair.getValue().token()),
                pair.getValue().expiresAt())))
        .map(Reply::created);
  }

  private void linkPage(RoutingContext ctx) {
    InvitationRoutes.throttled(svc.limits(), USE, InvitationRoutes.address(ctx))
        .compose(v -> svc.links().find(svc.db(), ctx.pathParam("token")))
        .onSuccess(found -> {
          if (found.isEmpty() || !"reset".equals(found.get().kind())) {
            InvitePage.send(ctx, 404, InvitePage.message("Link not found",
                "This link is not valid. Check that you copied all of it, or ask for a new one."));
          } else if (found.get().state() != State.VALID) {
            InvitePage.send(ctx, 410, InvitePage.message(found.get().state() == State.USED ? "This link has been used"
                : "This link has expired", "Password links work once, for 24 hours. Ask for a new one."));
          } else {
            InvitePage.send(ctx, 200, InvitePage.resetForm());
          }
        })
        .onFailure(ctx::fail);
  }

  private Future<Reply> use(RoutingContext ctx) {
    NewPassword body = Json.read(ctx.body().buffer(), NewPassword.class);
    new Check().required("password", body.password())
        .that(body.password() == null || body.password().length() >= 8, "password", "must be at least 8 characters")
        .maxLength("password", body.password(), 200).done();
    String token = ctx.pathParam("token");
    return InvitationRoutes.throttled(svc.limits(), USE, InvitationRoutes.address(ctx))
        .compose(v -> svc.links().find(svc.db(), token))
        .compose(found -> {
          if (found.isEmpty() || !"reset".equals(found.get().kind())) {
            return Future.failedFuture(Problem.notFound("link"));
          }
          if (found.get().state() != State.VALID) {
            return Future.failedFuture(Problem.gone("this link was used or has expired; ask for a new one"));
          }
          return svc.passwords().hash(body.password()); // before the link is claimed, on a worker thread
        })
        .compose(hash -> svc.db().withTransaction(tx -> svc.links().claim(tx, token, "reset").compose(claimed -> {
          if (claimed.isEmpty()) {
            return Future.failedFuture(Problem.gone("this link was used or has expired; ask for a new one"));
          }
          UserLinks.Link link = claimed.get();
          return svc.users().byId(tx, link.accountId(), link.userId()).compose(user -> user.isEmpty()
                  || !"active".equals(user.get().view().status())
              ? Future.failedFuture(Problem.gone("this account can no longer sign in"))
              : svc.users().setPassword(tx, link.accountId(), link.userId(), hash)
                  .compose(v -> svc.users().byId(tx, link.accountId(), link.userId())).map(Optional::orElseThrow));
        })))
        // Every earlier session ends, on every node.
        .onSuccess(user -> svc.auth().userChanged(user.view().accountId(), user.view().id()))
        .compose(svc.sessions()::session)
        .map(Reply::ok);
  }

  private String url(String token) {
    return svc.publicUrl().get() + "/reset/" + token;
  }

}
