package io.switchboard.http;

import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Id guessing: many 404s for one caller or address in a minute turn into 429 with Retry-After")
class IdGuessingTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("idguessing", Map.of("SWITCHBOARD_NOT_FOUND_LIMIT", "10"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("an agent guessing conversation ids is answered 429 after the limit, even for a real id, until the window passes")
  void guessingIsThrottled() {
    Tenant t = server.tenant("Guess");
    String token = t.admin.token();
    int notFound = 0;
    Resp throttled = null;
    for (int i = 0; i < 40 && throttled == null; i++) {
      Resp r = server.api.get("/api/v1/conversations/" + UUID.randomUUID(), token);
      if (r.status() == 404) {
        notFound++;
      } else if (r.status() == 429) {
        throttled = r;
      } else {
        throw new AssertionError("unexpected " + r);
      }
    }
    assertThat(throttled).as("429 after " + notFound + " 404s").isNotNull();
    assertThat(notFound).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(14);
    assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 60);
    assertThat(throttled.header("Content-Type")).startsWith("application/problem+json");
    // Blocked as a caller (and as an address): a real route is refused too while the block lasts.
    assertThat(server.api.get("/api/v1/conversations", token).status()).isEqualTo(429);
  }
}
