package io.switchboard.loadtest;

import io.switchboard.loadtest.SwitchboardApi.Session;
import io.switchboard.loadtest.Target.ChannelRef;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The tool's own tenant, set up through the public API before anything is measured: teams of
 * agents, one channel per team (kinds in turn, so every message kind is exercised), a store
 * channel, supervisors, and every user signed in.
 */
final class LoadAccount {

  static final List<String> MESSAGE_KINDS = List.of("email", "chat", "phone", "social");
  private static final String PASSWORD = "load-test-password-1";
  private static final int SETUP_LANES = 8;
  /** Agents of a team no channel routes to: their tabs are the idle connections of scenario 2. */
  private static final int IDLE_AGENTS = 10;

  final String accountId;
  final Target target;
  final List<Recipient> agents;
  final List<Recipient> supervisors;
  /** The account's admin and its routed teams: the large history is spread over them and searched as them. */
  final Session admin;
  final List<String> teamIds;
  private final List<Seat> agentSeats;
  private final SwitchboardApi api;
  private final List<Seat> supervisorSeats;
  private final List<Seat> idleSeats;

  private LoadAccount(String accountId, Target target, SwitchboardApi api, Session admin, List<String> teamIds,
      List<Seat> agentSeats, List<Seat> supervisorSeats, List<Seat> idleSeats) {
    this.accountId = accountId;
    this.admin = admin;
    this.teamIds = teamIds;
    this.agentSeats = agentSeats;
    this.target = target;
    this.api = api;
    this.agents = recipients(api, agentSeats, false);
    this.supervisors = recipients(api, supervisorSeats, true);
    this.supervisorSeats = supervisorSeats;
    this.idleSeats = idleSeats;
  }

  /** A signed-in supervisor (reports). */
  SwitchboardApi.Session supervisorSession() {
    return supervisorSeats.get(0).session;
  }

  /** More supervisor tabs (each its own stream and ledger), shared among the supervisors. */
  List<Recipient> supervisorTabs(String prefix, int count) {
    return tabs(prefix, supervisorSeats, count, true);
  }

  /** The signed-in session of the first agent of the first team. */
  Session firstAgent() {
    return agentSeats.get(0).session;
  }

  /** Idle agent tabs, shared among the idle team's agents. */
  List<Recipient> idleTabs(int count) {
    return tabs("idle", idleSeats, count, false);
  }

  private List<Recipient> tabs(String prefix, List<Seat> seats, int count, boolean supervisor) {
    List<Recipient> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Seat seat = seats.get(i % seats.size());
      out.add(new Recipient(prefix + i + ":" + seat.email, seat.group, supervisor, r -> api.ticket(seat.session)));
    }
    return out;
  }

  static Future<LoadAccount> create(SwitchboardApi api, String platformKey, String runId, int teams, int agentsPerTeam,
      int supervisors) {
    String domain = "@" + runId + ".load.example";
    return api.createAccount(platformKey, "Load " + runId, "admin" + domain, PASSWORD).compose(account ->
        api.login("admin" + domain, PASSWORD).compose(admin ->
            Lanes.map(IntStream.rangeClosed(0, teams).boxed().toList(), SETUP_LANES,
                    t -> api.createTeam(admin, t == teams ? "Idle" : "Team " + t))
                .compose(teamIds -> api.defineSla(admin).compose(v -> channels(api, admin, teamIds.subList(0, teams)))
                    .compose(channels -> users(api, admin, domain, teamIds.subList(0, teams), 0, agentsPerTeam, "agent")
                        .compose(agents -> users(api, admin, domain, List.of(), 0, supervisors, "supervisor")
                            .compose(sups -> users(api, admin, domain, teamIds.subList(teams, teams + 1), teams,
                                IDLE_AGENTS, "agent")
                                .map(idle -> new LoadAccount(account.getString("id"),
                                    new Target("switchboard", api.host(), api.port(), channels), api, admin,
                                    teamIds.subList(0, teams), agents, sups, idle))))))));
  }

  private static Future<List<ChannelRef>> channels(SwitchboardApi api, Session admin, List<String> teamIds) {
    List<Integer> indexes = IntStream.range(0, teamIds.size()).boxed().toList();
    return Lanes.map(indexes, SETUP_LANES, i -> {
      String kind = MESSAGE_KINDS.get(i % MESSAGE_KINDS.size());
      return api.createChannel(admin, kind, kind + " " + i, teamIds.get(i)).map(ch -> new ChannelRef(
          ch.getString("id"), kind, ch.getString("apiKey"), ch.getString("secret"), i));
    }).compose(list -> api.createChannel(admin, "store", "store", null).map(store -> list));
  }

  /** A user per (team, seat), or {@code count} team-less users when there are no teams given. */
  private static Future<List<Seat>> users(SwitchboardApi api, Session admin, String domain, List<String> teamIds,
      int firstGroup, int perTeam, String role) {
    List<Seat> seats = new ArrayList<>();
    if (teamIds.isEmpty()) {
      for (int s = 0; s < perTeam; s++) {
        seats.add(new Seat(role + s + domain, Window.EVERYONE, null));
      }
    } else {
      for (int t = 0; t < teamIds.size(); t++) {
        for (int s = 0; s < perTeam; s++) {
          seats.add(new Seat(role + (firstGroup + t) + "_" + s + domain, firstGroup + t, teamIds.get(t)));
        }
      }
    }
    return Lanes.map(seats, SETUP_LANES, seat -> api.createUser(admin, seat.email, seat.email, PASSWORD, role,
            seat.teamId)
        .compose(id -> api.login(seat.email, PASSWORD))
        .map(session -> seat.signedIn(session)));
  }

  private static List<Recipient> recipients(SwitchboardApi api, List<Seat> seats, boolean supervisor) {
    return seats.stream().map(s -> new Recipient(s.email, s.group, supervisor, r -> api.ticket(s.session))).toList();
  }

  private static final class Seat {
    final String email;
    final int group;
    final String teamId;
    Session session;

    Seat(String email, int group, String teamId) {
      this.email = email;
      this.group = group;
      this.teamId = teamId;
    }

    Seat signedIn(Session s) {
      session = s;
      return this;
    }
  }
}
