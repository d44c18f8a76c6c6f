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
}
