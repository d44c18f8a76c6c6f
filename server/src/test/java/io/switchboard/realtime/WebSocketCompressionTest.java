package io.switchboard.realtime;

import io.switchboard.support.TestServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("WebSocket compression is off unless configured (inflated size cannot be capped)")
class WebSocketCompressionTest {

  @Test
  @DisplayName("a client asking for permessage-deflate gets a plain connection by default, and the extension when enabled")
  void offByDefault() {
    try (TestServer server = TestServer.start("wsdeflate")) {
      assertThat(extensions(server, true, false)).isNull();
      assertThat(extensions(server, false, true)).isNull();
    }
    // The check above can see an extension: with compression enabled the same request gets it.
    try (TestServer server = TestServer.start("wsdeflateon", Map.of("SWITCHBOARD_WS_COMPRESSION", "true"))) {
      assertThat(extensions(server, true, false)).contains("permessage-deflate");
    }
  }

  /** The Sec-WebSocket-Extensions the server agreed to in its handshake answer. */
  private static String extensions(TestServer server, boolean perMessage, boolean perFrame) {
    WebSocketClient client = server.vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTryUsePerMessageCompression(perMessage).setTryUsePerFrameCompression(perFrame));
    try {
      WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("localhost").setPort(server.port())
          .setURI("/api/v1/stream")));
      String agreed = ws.headers().get("Sec-WebSocket-Extensions");
      await(ws.close());
      return agreed;
    } finally {
      client.close();
    }
  }
}
