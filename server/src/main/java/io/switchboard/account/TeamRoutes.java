package io.switchboard.account;

import io.switchboard.account.AccountRequests.TeamBody;
import io.switchboard.account.AccountViews.Items;
import io.switchboard.db.Sql;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.switchboard.http.Ids;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Map;

import static io.switchboard.http.Responses.handle;

/**
 * Teams: everyone reads them; admins create, rename and delete them and add or remove members.
 * A membership change takes effect on the member's open streams at once (what they may see).
 */
public final class TeamRoutes {

  private final Pool db;
  private final AccountRepository accounts;
  private final Authenticator auth;

  public TeamRoutes(Pool db, AccountRepository accounts, Authenticator auth) {
    this.db = db;
    this.accounts = accounts;
    this.auth = auth;
  }

  public void mount(Router api) {
    api.get("/teams").handler(auth.user("agent")).handler(handle(this::list));
    api.post("/teams").handler(auth.user("admin")).handler(handle(this::create));
    api.patch("/teams/:id").handler(auth.user("admin")).handler(handle(this::rename));
    api.delete("/teams/:id").handler(auth.user("admin")).handler(handle(this::delete));
    api.put("/teams/:id/members/:userId").handler(auth.user("admin")).handler(handle(this::addMember));
    api.delete("/teams/:id/members/:userId").handler(auth.user("admin")).handler(handle(this::removeMember));
  }

  private Future<Reply> list(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    return accounts.teams(db, caller.accountId()).map(list -> Reply.ok(new Items<>(list)));
  }

  private Future<Reply> create(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String name = name(ctx);
    String id = Ids.next("team");
    return db.withTransaction(tx -> accounts.insertTeam(tx, id, caller.accountId(), name)
            .compose(v -> AdminAudit.record(tx, caller, "team.created", id, Map.of("name", name))))
        .recover(TeamRoutes::nameTaken)
        .compose(v -> accounts.team(db, caller.accountId(), id))
        .map(t -> Reply.created(t.orElseThrow()));
  }

  private Future<Reply> rename(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String name = name(ctx);
    String id = ctx.pathParam("id");
    return db.withTransaction(tx -> accounts.renameTeam(tx, caller.accountId(), id, name)
            .compose(found -> found ? AdminAudit.record(tx, caller, "team.renamed", id, Map.of("name", name))
                : Future.failedFuture(Problem.notFound("team"))))
        .recover(TeamRoutes::nameTaken)
        .compose(v -> accounts.team(db, caller.accountId(), id))
        .map(t -> Reply.ok(t.orElseThrow()));
  }

  /**
   * Refused (409) while anything still sends work to the team: a channel, a conversation not yet
   * resolved, an SLA escalation step. Otherwise its members leave it and it disappears from lists;
   * resolved conversations keep its id (reports still name it).
   */
  private Future<Reply> delete(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    return db.withTransaction(tx -> accounts.team(tx, caller.accountId(), id).compose(team -> {
          if (team.isEmpty()) {
            return Future.failedFuture(Problem.notFound("team"));
          }
          return accounts.teamUses(tx, caller.accountId(), id).compose(uses -> uses.any()
              ? Future.failedFuture(Problem.conflict(inUse(team.get().name(), uses)))
              : accounts.deleteTeam(tx, caller.accountId(), id)
                  .compose(v -> AdminAudit.record(tx, caller, "team.deleted", id, Map.of("name", team.get().name())))
                  .map(team.get()));
        }))
        .onSuccess(team -> team.memberIds().forEach(member -> auth.userChanged(caller.accountId(), member)))
        .map(team -> Reply.noContent());
  }

  private Future<Reply> addMember(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    String userId = ctx.pathParam("userId");
    return db.withTransaction(tx -> accounts.addMember(tx, caller.accountId(), id, userId)
            .compose(found -> found ? AdminAudit.record(tx, caller, "team.memberAdded", id, Map.of("userId", userId))
                : Future.failedFuture(Problem.notFound("team or user"))))
        .onSuccess(v -> auth.userChanged(caller.accountId(), userId))
        .compose(v -> accounts.team(db, caller.accountId(), id))
        .map(t -> Reply.ok(t.orElseThrow()));
  }

  private Future<Reply> removeMember(RoutingContext ctx) {
    var caller = Authenticator.user(ctx);
    String id = ctx.pathParam("id");
    String userId = ctx.pathParam("userId");
    return db.withTransaction(tx -> accounts.removeMember(tx, caller.accountId(), id, userId)
            .compose(found -> found
                ? AdminAudit.record(tx, caller, "team.memberRemoved", id, Map.of("userId", userId))
                : Future.failedFuture(Problem.notFound("team member"))))
        .onSuccess(v -> auth.userChanged(caller.accountId(), userId))
        .compose(v -> accounts.team(db, caller.accountId(), id))
        .map(t -> Reply.ok(t.orElseThrow()));
  }

  private static String name(RoutingContext ctx) {
    TeamBody body = Json.read(ctx.body().buffer(), TeamBody.class);
    new Check().required("name", body.name()).maxLength("name", body.name(), 200).done();
    return body.name().trim();
  }

  private static <T> Future<T> nameTaken(Throwable err) {
    return Future.failedFuture(Sql.isUniqueViolation(err, "team_live_name")
        ? Problem.conflict("A team with this name already exists.") : err);
  }

  private static String inUse(String name, AccountRepository.TeamUses uses) {
    StringBuilder b = new StringBuilder("The team ").append(name).append(" still has ");
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (uses.channels() > 0) {
      parts.add(uses.channels() + (uses.channels() == 1 ? " channel" : " channels"));
    }
    if (uses.conversations() > 0) {
      parts.add(uses.conversations() + (uses.conversations() == 1 ? " unresolved conversation"
          : " unresolved conversations"));
    }
    if (uses.escalations() > 0) {
      parts.add(uses.escalations() + (uses.escalations() == 1 ? " SLA escalation step" : " SLA escalation steps"));
    }
    return b.append(String.join(" and ", parts)).append(". Move them to another team first.").toString();
  }
}
