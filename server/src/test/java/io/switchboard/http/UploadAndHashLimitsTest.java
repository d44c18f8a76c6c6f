package io.switchboard.http;

import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Bounded work per client: uploads in flight per account and per address, and the password-hashing queue")
class UploadAndHashLimitsTest {

  static TestServer server;
  static NetClient net;

  @BeforeAll
  static void start() {
    server = TestServer.start("uploadlimits", Map.of("SWITCHBOARD_UPLOADS_PER_ACCOUNT", "2",
        "SWITCHBOARD_UPLOADS_PER_ADDRESS", "3", "SWITCHBOARD_HASH_QUEUE", "2",
        // Each hash takes tens of milliseconds, so thirty sign-ins at once surely overlap.
        "SWITCHBOARD_PASSWORD_ITERATIONS", "200000"));
    net = server.vertx.createNetClient();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Starts an upload that sends its headers and a first kilobyte, then stalls: it holds its slot. */
  static NetSocket stalledUpload(String token) {
    NetSocket s = await(net.connect(server.port(), "127.0.0.1"));
    await(s.write("POST /api/v1/attachments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: image/png\r\nX-Filename: slow.png\r\nContent-Length: 1000000\r\n\r\n"));
    await(s.write(Buffer.buffer(new byte[1024])));
    return s;
  }

  static Resp upload(Tenant t) {
    return server.api.upload(t.admin.token(), "small.png", "image/png", Buffer.buffer(new byte[100]));
  }

  /** Polls until the upload answers the wanted status (slots are taken once the credential is checked). */
  static Resp uploadUntil(Tenant t, int status) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    Resp r = upload(t);
    while (r.status() != status && System.currentTimeMillis() < until) {
      Thread.sleep(50);
      r = upload(t);
    }
    assertThat(r.status()).as("upload answered " + r).isEqualTo(status);
    return r;
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waited 10 s").isLessThan(until);
      Thread.sleep(20);
    }
  }

  @Test
  @DisplayName("a third upload of one account while two stall is a 429 with Retry-After; another account still uploads until the address is full")
  void uploadsInFlightCapped() throws Exception {
    Tenant a = server.tenant("Uploads A");
    Tenant b = server.tenant("Uploads B");
    List<NetSocket> stalled = new ArrayList<>();
    try {
      stalled.add(stalledUpload(a.admin.token()));
      stalled.add(stalledUpload(a.admin.token()));
      // The stalled uploads hold their slots once their credential was checked.
      waitFor(() -> server.app.services().floods.uploading(a.accountId) == 2);
      Resp refused = upload(a);
      assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
      assertThat(Integer.parseInt(refused.header("Retry-After"))).isPositive();
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      // Account B has slots of its own, but the address has 3: two of A's, one of B's stalled.
      assertThat(upload(b).status()).isEqualTo(201);
      stalled.add(stalledUpload(b.admin.token()));
      waitFor(() -> server.app.services().floods.uploading(b.accountId) == 1);
      assertThat(upload(b).status()).as("B's upload, the address's fourth").isEqualTo(429);
    } finally {
      stalled.forEach(NetSocket::close);
    }
    // Slots are given back when the connections close.
    uploadUntil(a, 201);
    uploadUntil(b, 201);
  }

  @Test
  @DisplayName("sign-ins beyond the hashing queue are a 503 with Retry-After at once, never queued without end, and never a 500")
  void hashQueueBounded() {
    Tenant t = server.tenant("Hashing");
    WebClient client = WebClient.create(server.vertx, new WebClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(40));
    List<Future<Integer>> answers = new ArrayList<>();
    List<String> retryAfter = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 30; i++) {
      answers.add(client.post(server.port(), "localhost", "/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("email", t.admin.email()).put("password", "secret-pass-1"))
          .map(r -> {
            if (r.statusCode() == 503) {
              retryAfter.add(r.getHeader("Retry-After"));
            }
            return r.statusCode();
          }));
    }
    List<Integer> statuses = new ArrayList<>();
    answers.forEach(f -> statuses.add(await(f, 60)));
    assertThat(statuses).as("statuses").containsOnly(200, 503).contains(200, 503);
    assertThat(retryAfter).allSatisfy(v -> assertThat(v).isEqualTo("1"));
    // Once the burst is over, sign-in works again.
    assertThat(server.api.login(t.admin.email(), "secret-pass-1").status()).isEqualTo(200);
    client.close();
  }
}
