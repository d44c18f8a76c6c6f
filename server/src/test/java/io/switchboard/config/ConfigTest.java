package io.switchboard.config;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Configuration from the environment")
class ConfigTest {

  @Test
  @DisplayName("the server refuses to start without a signing key of at least 32 bytes")
  void signingKeyRequired() {
    assertThatThrownBy(() -> Config.fromEnv(Map.of())).hasMessageContaining("SWITCHBOARD_JWT_SECRET");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", "short")))
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  @DisplayName("defaults match the contract and variables override them")
  void defaultsAndOverrides() {
    String secret = "0123456789abcdef0123456789abcdef";
    Config defaults = Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret));
    assertThat(defaults.httpPort()).isEqualTo(8080);
    assertThat(defaults.publicUrl()).isEqualTo("http://localhost:8080");
    assertThat(defaults.pgUrl()).isEqualTo("postgresql://postgres@127.0.0.1:5432/switchboard");
    assertThat(defaults.redisPrefix()).isEqualTo("sb:");
    assertThat(defaults.platformKey()).isEmpty();
    assertThat(defaults.demo()).isFalse();
    Config custom = Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret, "SWITCHBOARD_HTTP_PORT", "9090",
        "SWITCHBOARD_PLATFORM_KEY", "pk", "SWITCHBOARD_PUBLIC_URL", "https://support.shop.test/"));
    assertThat(custom.httpPort()).isEqualTo(9090);
    assertThat(custom.publicUrl()).isEqualTo("https://support.shop.test");
    assertThat(custom.platformKey()).contains("pk");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret, "SWITCHBOARD_HTTP_PORT", "eighty")))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
  }

  @Test
  @DisplayName("tuning: one event loop per HTTP instance, a bounded pool queue, WebSocket compression off")
  void tuning() {
    String secret = "0123456789abcdef0123456789abcdef";
    var defaults = Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret)).tuning();
    assertThat(defaults.eventLoops()).isEqualTo(io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
    assertThat(defaults.pgPoolSize()).isEqualTo(16);
    assertThat(defaults.pgWaitQueue()).isEqualTo(1024);
    assertThat(defaults.wsCompression()).isFalse();
    assertThat(defaults.ingestBatch()).isEqualTo(256);
    assertThat(defaults.ingestQueue()).isEqualTo(4096);
    assertThat(defaults.httpIdleSeconds()).isEqualTo(60);
    assertThat(defaults.httpHeadSeconds()).isEqualTo(10);
    assertThat(defaults.connectionsPerAddress()).isEqualTo(10_000);
    assertThat(defaults.channelRate()).isEqualTo(2_000);
    assertThat(defaults.publicRate()).isEqualTo(20);
    assertThat(defaults.notFoundLimit()).isEqualTo(120);
    assertThat(defaults.uploadsPerAccount()).isEqualTo(32);
    assertThat(defaults.uploadsPerAddress()).isEqualTo(16);
    assertThat(defaults.hashQueue()).isEqualTo(64);
    assertThat(defaults.ingestInFlight()).isEqualTo(2);
    var custom = Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret, "SWITCHBOARD_EVENT_LOOPS", "3",
        "SWITCHBOARD_PG_POOL_SIZE", "4", "SWITCHBOARD_PG_WAIT_QUEUE", "0", "SWITCHBOARD_WS_COMPRESSION", "true", "SWITCHBOARD_INGEST_BATCH", "64", "SWITCHBOARD_INGEST_IN_FLIGHT", "3", "SWITCHBOARD_INGEST_QUEUE", "100", "SWITCHBOARD_HTTP_IDLE_SECONDS", "5")).tuning();
    assertThat(custom).isEqualTo(new io.switchboard.config.Tuning(3, 4, 0, true, 64, 3, 100, 5,
        10, 10_000, 2_000, 20, 120, 32, 16, 64, 2000));
    assertThatThrownBy(() -> Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret, "SWITCHBOARD_CHANNEL_RATE", "0")))
        .hasMessageContaining("SWITCHBOARD_CHANNEL_RATE");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret, "SWITCHBOARD_INGEST_IN_FLIGHT", "0")))
        .hasMessageContaining("SWITCHBOARD_INGEST_IN_FLIGHT");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret, "SWITCHBOARD_INGEST_QUEUE", "0")))
        .hasMessageContaining("SWITCHBOARD_INGEST_QUEUE");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("SWITCHBOARD_JWT_SECRET", secret, "SWITCHBOARD_PG_WAIT_QUEUE", "-1")))
        .hasMessageContaining("SWITCHBOARD_PG_WAIT_QUEUE");
  }
}
