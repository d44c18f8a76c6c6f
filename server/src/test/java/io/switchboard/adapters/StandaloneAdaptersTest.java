package io.switchboard.adapters;

import io.switchboard.channels.Main;
import io.switchboard.channels.email.EmailKind;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SWITCHBOARD_ADAPTERS=none: the server runs no adapter and serves no /channels/...; the
 * standalone process (io.switchboard.channels.Main, what switchboard-channels.jar runs) does, with
 * keys from its environment.
 */
@DisplayName("Channel adapters in a standalone process, and in the server's (internal keys, /channels routing)")
class StandaloneAdaptersTest {

  static TestServer server;
  static TestServer inProcess;
  static Vertx vertx;
  static WebClient web;

  @BeforeAll
  static void start() {
    server = TestServer.start("standalone");
    inProcess = TestServer.start("inprocess", Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    web.close();
    await(vertx.close());
    server.close();
    inProcess.close();
  }

  @Test
  @DisplayName("the standalone process takes mail for its channel's address and posts it with the channel key")
  void standaloneTakesMail() throws Exception {
    Tenant t = server.tenant("Standalone");
    Channel ch = t.channel("email", null, new JsonObject().put("address", "help@alone.example"));
    assertThat(server.app.services().adapters).isNull();
    assertThat(await(web.get(server.port(), "127.0.0.1", "/channels/" + ch.id() + "/x").send()).statusCode())
        .isEqualTo(404);

    Main.Standalone alone = await(Main.start(vertx, server.baseUrl(),
        Map.of("SWITCHBOARD_ADAPTER_PORT", "0", "SWITCHBOARD_SMTP_PORT", "0"), List.of(ch.key())));
    try {
      until("the standalone adapter runs", 20_000, () -> alone.adapters().runs(ch.id()));
      int smtp = until("its SMTP listener", 20_000, () -> {
        int p = ((EmailKind) alone.adapters().kind("email").orElseThrow()).smtpPort();
        return p > 0 ? p : null;
      });
      // Its provider routes answer on its own port: an unknown path of a running channel is a 404 problem.
      var r = await(web.get(alone.http().actualPort(), "127.0.0.1", "/channels/" + ch.id() + "/nothing").send());
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");

      try (var socket = new java.net.Socket("127.0.0.1", smtp)) {
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
            java.nio.charset.StandardCharsets.US_ASCII));
        var out = new java.io.PrintWriter(new java.io.OutputStreamWriter(socket.getOutputStream(),
            java.nio.charset.StandardCharsets.US_ASCII), true);
        assertThat(in.readLine()).startsWith("220");
        String[][] dialogue = {{"HELO test.example", "250"}, {"MAIL FROM:<olek@customer.example>", "250"},
            {"RCPT TO:<help@alone.example>", "250"}, {"DATA", "354"},
            {"From: Olek <olek@customer.example>\r\nTo: help@alone.example\r\nSubject: Hello\r\n"
                + "Message-ID: <alone-1@customer.example>\r\n\r\nIs the shop open on Sunday?\r\n.", "250"},
            {"QUIT", "221"}};
        for (String[] step : dialogue) {
          out.print(step[0] + "\r\n");
          out.flush();
          String line;
          do {
            line = in.readLine();
          } while (line != null && line.length() > 3 && line.charAt(3) == '-');
          assertThat(line).as(step[0]).startsWith(step[1]);
        }
      }
      var rows = server.rows("SELECT text, from_verified FROM message WHERE channel_id = $1 AND external_id = $2",
          ch.id(), "<alone-1@customer.example>");
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).getString("text")).isEqualTo("Is the shop open on Sunday?");
      assertThat(rows.get(0).getBoolean("from_verified")).isFalse(); // no trusted Authentication-Results
    } finally {
      await(alone.close());
    }
  }

  @Test
  @DisplayName("in-process: the server issues its adapter an internal key that admins never see, "
      + "and routes /channels/{id}/... to it")
  void inProcessInternalKeys() {
    Tenant t = inProcess.tenant("Internal");
    Channel ch = t.channel("email", null, new JsonObject().put("address", "help@internal.example"));
    until("the in-process adapter runs", 20_000, () -> inProcess.app.services().adapters.host().runs(ch.id()));
    assertThat(inProcess.count("SELECT count(*) FROM channel_key WHERE channel_id = $1 AND internal_node IS NOT NULL "
        + "AND revoked_at IS NULL", ch.id())).isEqualTo(1);
    JsonObject listed = Api.expect(inProcess.api.get("/api/v1/channels", t.admin.token()), 200).json();
    JsonObject mine = listed.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("id").equals(ch.id())).findFirst().orElseThrow();
    assertThat(mine.getJsonArray("keys")).hasSize(1); // the admin's own key only

    var r = await(web.get(inProcess.port(), "127.0.0.1", "/channels/" + ch.id() + "/nothing").send());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    var unknown = await(web.get(inProcess.port(), "127.0.0.1", "/channels/ch_unknown/meta").send());
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("in-process: a node that stops revokes the internal keys it issued")
  void internalKeysRevokedAtStop() {
    TestServer node = TestServer.start("inprocessstop", Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
    try {
      Tenant t = node.tenant("Stopping");
      Channel ch = t.channel("email", null, new JsonObject().put("address", "help@stopping.example"));
      until("the in-process adapter runs", 20_000, () -> node.app.services().adapters.host().runs(ch.id()));
      await(node.app.services().adapters.stop());
      assertThat(node.count("SELECT count(*) FROM channel_key WHERE channel_id = $1 AND internal_node IS NOT NULL "
          + "AND revoked_at IS NULL", ch.id())).isZero();
      // The admin's own key is untouched.
      Api.expect(node.api.get("/api/v1/adapter/channel", ch.key()), 200);
    } finally {
      node.close();
    }
  }
}
