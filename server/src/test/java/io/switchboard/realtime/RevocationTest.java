package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revoked credentials close their streams at once (an event to every node), not at the next
 * periodic re-check, which runs every 30 s.
 */
@DisplayName("Live stream: revoked credentials close their streams within a second")
class RevocationTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("revocation");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("an admin disables an agent: the agent's open stream closes with 4403, a colleague's stays open")
  void disabledUserClosed() {
    var t = server.tenant("Disable");
    var agent = t.user("agent", List.of());
    var colleague = t.user("agent", List.of());
    try (var stream = StreamClient.open(server.vertx, api, agent.token(), null);
        var other = StreamClient.open(server.vertx, api, colleague.token(), null)) {
      stream.ready();
      other.ready();
      Api.expect(api.patch("/api/v1/users/" + agent.id(), t.admin.token(), new JsonObject().put("disabled", true)),
          200);
      assertThat(stream.closeCode(2)).isEqualTo(StreamConnection.REVOKED);
      other.send(new JsonObject().put("type", "ping"));
      assertThat(other.untilType("pong", 5)).isNotNull();
      assertThat(other.isClosed()).isFalse();
    }
  }

  @Test
  @DisplayName("a person changes their password: their streams on the old sessions close with 4403")
  void changedPasswordClosesOldSessions() {
    var t = server.tenant("Password");
    var agent = t.user("agent", List.of());
    try (var stream = StreamClient.open(server.vertx, api, agent.token(), null)) {
      stream.ready();
      Api.expect(api.post("/api/v1/auth/password", agent.token(), new JsonObject().put("current", "staff-pass-1")
          .put("new", "a-new-password-2")), 200);
      assertThat(stream.closeCode(2)).isEqualTo(StreamConnection.REVOKED);
    }
  }
}
