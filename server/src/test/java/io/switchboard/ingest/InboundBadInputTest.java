package io.switchboard.ingest;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Bad inbound input gets problem+json and changes nothing")
class InboundBadInputTest {

  static TestServer server;
  static Api api;
  static Tenant tenant;
  static Channel email;

  @BeforeAll
  static void start() {
    server = TestServer.start("badinput");
    api = server.api;
    tenant = server.tenant("Bad");
    email = tenant.channel("email", null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject valid() {
    return new JsonObject().put("externalId", "e-1").put("from", new JsonObject().put("email", "a@example.com"))
        .put("text", "hello");
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", Buffer.buffer("{\"externalId\": \"x\", "), 400, null),
        Arguments.of("not an object", Buffer.buffer("[1,2]"), 400, null),
        Arguments.of("invalid UTF-8", Buffer.buffer(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3,
            (byte) 0x28, '"', '}'}), 400, null),
        Arguments.of("wrong type of text", body(valid().put("text", 42)), 422, "text"),
        Arguments.of("wrong type of from", body(valid().put("from", "ann")), 422, "from"),
        Arguments.of("wrong type of sentAt", body(valid().put("sentAt", "yesterday")), 422, "sentAt"),
        Arguments.of("missing externalId", body(valid().putNull("externalId")), 422, "externalId"),
        Arguments.of("missing identity", body(valid().put("from", new JsonObject().put("name", "Ann"))), 422, "from"),
        Arguments.of("missing body", body(valid().putNull("text")), 422, "text"),
        Arguments.of("unknown call outcome", body(valid().put("call", new JsonObject().put("direction", "inbound")
            .put("outcome", "exploded"))), 422, "call.outcome"),
        Arguments.of("unknown verified kind", body(valid().put("from", new JsonObject().put("email", "a@example.com")
            .put("verified", new JsonArray().add("dna")))), 422, "from.verified[0]"),
        Arguments.of("NUL byte in text", body(valid().put("text", "he\u0000llo")), 422, "text"),
        Arguments.of("unparseable phone as the only identity", body(valid().put("from",
            new JsonObject().put("phone", "not a number"))), 422, "from.phone"),
        Arguments.of("not an email", body(valid().put("from", new JsonObject().put("email", "nobody"))), 422, "from.email"),
        Arguments.of("unknown attachment", body(valid().put("attachments", new JsonArray()
            .add(new JsonObject().put("id", "att_nope")))), 422, "attachments"));
  }

  static Buffer body(JsonObject o) {
    return o.toBuffer();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("badBodies")
  @DisplayName("each bad body is refused with a clear problem")
  void refused(String what, Buffer body, int status, String field) {
    long before = messages();
    Resp r = api.post("/api/v1/inbound", email.key(), body);
    assertThat(r.status()).as(what + ": " + r).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    JsonObject problem = r.json();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(r.body().toString()).doesNotContain("Exception", "at io.");
    if (field != null) {
      assertThat(problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
          .as(problem.encode()).contains(field);
    }
    assertThat(messages()).isEqualTo(before);
  }

  @Test
  @DisplayName("an oversize body is a 413 and an oversize attachment too")
  void oversize() {
    String big = "x".repeat(2 * 1024 * 1024);
    Resp r = api.post("/api/v1/inbound", email.key(), valid().put("text", big));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    Resp file = api.upload(email.key(), "huge.bin", "application/octet-stream", Buffer.buffer(new byte[26 * 1024 * 1024]));
    assertThat(file.status()).isEqualTo(413);
  }

  @Test
  @DisplayName("no or a wrong channel key is a 401; a user token cannot post inbound")
  void credentials() {
    assertThat(api.post("/api/v1/inbound", null, valid()).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/inbound", "sbk_wrong", valid()).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/inbound", tenant.admin.token(), valid()).status()).isEqualTo(401);
  }

  static long messages() {
    return await(server.app.db().preparedQuery("SELECT count(*) FROM message").execute(Tuple.tuple()))
        .iterator().next().getLong(0);
  }
}
