package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Live stream: a frame larger than the stream allows is closed with 1009")
class FrameSizeTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("framesize");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("a 100 KB frame gets close code 1009 (message too big), not a dropped connection")
  void oversizedFrameClosedWith1009() {
    var t = server.tenant("Big");
    try (var stream = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
      stream.ready();
      stream.send(new JsonObject().put("type", "typing").put("conversationId", "x".repeat(100_000)));
      assertThat(stream.closeCode(5)).isEqualTo((short) 1009);
    }
  }
}
