package io.switchboard.demo;

import io.switchboard.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Demo mode: simulated chat visitors come through the widget's socket")
class DemoChatWidgetTest {

  static TestServer server;
  static Path dir;
  static DemoMode running;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("switchboard-demo-chat-test");
    server = TestServer.start("demochat", Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (running != null) {
      await(running.stop());
    }
    server.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  @DisplayName("chat messages of the simulator carry a widget session as their thread, and none is refused")
  void chatThroughWidget() {
    running = new DemoMode(server.vertx, server.app, new DemoMode.Options(dir, 20, 60));
    await(running.run(), 60);
    // A widget session is the adapter's 43-character secret; a message posted directly would carry
    // the story's own "chat-..." thread name.
    until("a simulated chat message through the widget", 60_000, () -> server.count(
        "SELECT count(*) FROM message WHERE channel_kind = 'chat' AND thread_key ~ '^[A-Za-z0-9_-]{43}$'") > 0 ? true : null);
    assertThat(server.count("SELECT count(*) FROM message WHERE channel_kind = 'chat' AND thread_key LIKE 'chat-%'"))
        .as("chat messages that bypassed the widget").isZero();
    assertThat(running.simulator().refused()).isZero();
  }
}
