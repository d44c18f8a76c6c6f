package io.switchboard.account;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sign-in: guesses are throttled, and an unknown email takes as long as a known one")
class LoginThrottleTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("loginthrottle");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Resp login(String email, String password) {
    return api.post("/api/v1/auth/login", null, new JsonObject().put("email", email).put("password", password));
  }

  @Test
  @DisplayName("after ten wrong passwords for one email, every further try is a 429 with Retry-After, even the right one; other emails are unaffected")
  void guessesPerEmailThrottled() {
    var t = server.tenant("Guess");
    var agent = t.user("agent", List.of());
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      statuses.add(login(agent.email(), "wrong-" + i).status());
    }
    assertThat(statuses.subList(0, 10)).containsOnly(401);
    assertThat(statuses.subList(10, 12)).containsOnly(429);
    Resp locked = login(agent.email(), "staff-pass-1");
    assertThat(locked.status()).isEqualTo(429);
    assertThat(Integer.parseInt(locked.header("Retry-After"))).isBetween(1, 300);
    assertThat(locked.header("Content-Type")).startsWith("application/problem+json");
    // Someone else signs in as usual.
    var other = t.user("agent", List.of());
    assertThat(login(other.email(), "staff-pass-1").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("an unknown email is checked against a hash of today's cost, not a cheap placeholder")
  void unknownEmailCostsTheSame() {
    var t = server.tenant("Decoy");
    var agent = t.user("agent", List.of());
    Passwords passwords = server.app.services().passwords;
    String decoy = await(passwords.decoy());
    String real = await(passwords.hash("anything at all"));
    assertThat(Passwords.iterationsOf(decoy)).isEqualTo(Passwords.iterationsOf(real))
        .isEqualTo(server.app.config().passwordIterations());
    assertThat(login("nobody-" + System.nanoTime() + "@example.com", "whatever").status()).isEqualTo(401);
    assertThat(login(agent.email(), "whatever").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("the limiter counts on this node while Redis cannot be reached")
  void limiterWithoutRedis() {
    AtomicLong now = new AtomicLong(1_000_000);
    var unreachable = io.vertx.redis.client.RedisAPI.api(io.vertx.redis.client.Redis.createClient(server.vertx,
        "redis://127.0.0.1:1"));
    var limiter = new io.switchboard.http.RateLimiter(unreachable, "t:", now::get);
    var limit = new io.switchboard.http.RateLimiter.Limit("x", 3, java.time.Duration.ofSeconds(10));
    List<Integer> waits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waits.add(await(limiter.hit(limit, "k")));
    }
    assertThat(waits).containsExactly(0, 0, 0, 10, 10);
    // Twenty seconds later both windows have passed.
    now.addAndGet(20_000);
    assertThat(await(limiter.hit(limit, "k"))).isZero();
  }
}
