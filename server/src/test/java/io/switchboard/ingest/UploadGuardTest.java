package io.switchboard.ingest;

import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Uploads: the credential is checked before the body is read")
class UploadGuardTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("uploadguard");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("an anonymous 20 MiB upload is refused with 401 after its first kilobyte, without waiting for the rest")
  void anonymousUploadRefusedBeforeTheBody() {
    assertRefusedEarly(null);
  }

  @Test
  @DisplayName("a forged key is refused the same way")
  void forgedKeyRefusedBeforeTheBody() {
    assertRefusedEarly("Bearer sbk_" + "x".repeat(43));
  }

  /** Sends the headers and 1 KiB of a declared 20 MiB body, then waits: the answer must come anyway. */
  static void assertRefusedEarly(String authorization) {
    HttpClient client = server.vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost")
        .setPort(server.port()).setURI("/api/v1/attachments")
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Content-Length", Long.toString(20L * 1024 * 1024));
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    HttpClientRequest request = await(client.request(options));
    await(request.write(Buffer.buffer(new byte[1024])));
    HttpClientResponse response = await(request.response(), 10);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    await(client.close());
  }
}
