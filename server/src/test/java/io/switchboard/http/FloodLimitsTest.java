package io.switchboard.http;

import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Rate limits: each channel's ingest and the routes that need no credential answer 429 with Retry-After")
class FloodLimitsTest {

  static TestServer server;
  static Tenant flood;
  static Tenant calm;

  @BeforeAll
  static void start() {
    server = TestServer.start("floodlimits", Map.of("SWITCHBOARD_CHANNEL_RATE", "5", "SWITCHBOARD_PUBLIC_RATE", "2"));
    // Made first: creating an account is a public route, whose bucket one test empties.
    flood = server.tenant("Flood");
    calm = server.tenant("Calm");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject mail(String text) {
    return new JsonObject().put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("email", "flood@example.com")).put("text", text);
  }

  @Test
  @DisplayName("a channel over its rate gets 429 + Retry-After, every 2xx is stored, and another channel is not slowed")
  void channelIngestLimited() {
    Tenant t = flood;
    Channel noisy = t.channel("email", null);
    Channel quiet = t.channel("chat", null);
    List<Resp> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      answers.add(t.inbound(noisy, mail("flood " + i)));
    }
    long accepted = answers.stream().filter(r -> r.status() / 100 == 2).count();
    List<Resp> refused = answers.stream().filter(r -> r.status() == 429).toList();
    assertThat(accepted + refused.size()).as("every answer is a 2xx or a 429").isEqualTo(30);
    assertThat(refused).as("refused past the burst").isNotEmpty();
    assertThat(accepted).as("the burst got through").isGreaterThanOrEqualTo(5);
    assertThat(refused.get(0).header("Retry-After")).isNotNull();
    assertThat(Integer.parseInt(refused.get(0).header("Retry-After"))).isPositive();
    assertThat(refused.get(0).header("Content-Type")).startsWith("application/problem+json");
    assertThat(server.count("SELECT count(*) FROM message"
        + " WHERE account_id = $1 AND text LIKE 'flood %'", t.accountId))
        .as("stored messages").isEqualTo(accepted);
    // The limit is the channel's: the other channel of the same account is answered at once.
    assertThat(t.inbound(quiet, mail("calm")).status()).isEqualTo(202);
  }

  @Test
  @DisplayName("a route that needs no credential, called too often from one address, gets 429 + Retry-After")
  void publicRoutesLimited() {
    List<Integer> statuses = new ArrayList<>();
    Resp refused = null;
    for (int i = 0; i < 60 && refused == null; i++) {
      Resp r = server.api.get("/api/v1/openapi.json", null);
      statuses.add(r.status());
      if (r.status() == 429) {
        refused = r;
      }
    }
    assertThat(refused).as("429 within 60 calls (burst 20): " + statuses).isNotNull();
    assertThat(statuses).containsOnly(200, 429);
    assertThat(refused.header("Retry-After")).isNotNull();
    // Signed-in routes are not limited by the public bucket.
    assertThat(server.api.get("/api/v1/account", calm.admin.token()).status()).isEqualTo(200);
  }
}
