package io.switchboard.realtime;

import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import java.util.List;

/** The visibility fixture: an account with teams A and B, a supervisor, and one agent in each team. */
record TwoTeams(Tenant tenant, String teamA, String teamB, Person supervisor, Person agentA, Person agentB) {

  static TwoTeams create(TestServer server, String accountName) {
    Tenant t = server.tenant(accountName);
    String a = t.team("A");
    String b = t.team("B");
    return new TwoTeams(t, a, b, t.user("supervisor", List.of()), t.user("agent", List.of(a)),
        t.user("agent", List.of(b)));
  }
}
