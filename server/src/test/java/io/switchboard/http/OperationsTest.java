package io.switchboard.http;

import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Health, readiness, metrics and security headers")
class OperationsTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("operations");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("live and ready answer 200 while PostgreSQL and Redis are up")
  void health() {
    assertThat(server.api.get("/health/live", null).status()).isEqualTo(200);
    Resp ready = server.api.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("up");
    assertThat(ready.json().getString("redis")).isEqualTo("up");
  }

  @Test
  @DisplayName("metrics are served in Prometheus text format")
  void metrics() {
    Resp r = server.api.get("/metrics", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().toString()).contains("jvm_memory_used_bytes");
  }

  @Test
  @DisplayName("every page carries a Content-Security-Policy without inline scripts")
  void securityHeaders() {
    for (String path : new String[] {"/", "/app.js", "/api/v1/account", "/nope"}) {
      Resp r = server.api.get(path, null);
      assertThat(r.header("Content-Security-Policy")).as(path).contains("script-src 'self'").doesNotContain("unsafe-inline");
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
  }
  @Test
  @DisplayName("every GET of the API answers with Switchboard-Seq, the account's newest event")
  void everyGetCarriesTheSeq() {
    var t = server.tenant("Seq");
    var email = t.channel("email", null);
    var in = server.api.post("/api/v1/inbound", email.key(), new io.vertx.core.json.JsonObject()
        .put("externalId", "seq-1").put("from", new io.vertx.core.json.JsonObject().put("email", "s@example.com"))
        .put("text", "hello"));
    assertThat(in.status()).isEqualTo(202);
    // The message's events were numbered in its transaction, so the 202 came after them.
    long newest = server.api.get("/api/v1/conversations", t.admin.token()).seq();
    assertThat(newest).isGreaterThan(0);
    for (String path : new String[] {"/api/v1/account", "/api/v1/users", "/api/v1/teams", "/api/v1/channels",
        "/api/v1/auth/me", "/api/v1/contacts/" + in.json().getString("contactId"),
        "/api/v1/conversations/" + in.json().getString("conversationId")}) {
      Resp r = server.api.get(path, t.admin.token());
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.seq()).as(path).isEqualTo(newest);
    }
    for (String path : new String[] {"/api/v1/outbound?wait=0", "/api/v1/adapter/availability"}) {
      Resp r = server.api.get(path, email.key());
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.seq()).as(path).isEqualTo(newest);
    }
  }
}
