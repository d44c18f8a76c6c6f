package io.switchboard.http;

import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Strict input: ambiguous or malformed bodies are refused and change nothing")
class StrictInputTest {

  static TestServer server;
  static Api.Tenant tenant;
  static Api.Channel email;
  static WebClient client;
  static long before;

  @BeforeAll
  static void start() {
    server = TestServer.start("strictinput");
    tenant = server.tenant("Strict");
    email = tenant.channel("email", null);
    client = WebClient.create(server.vertx, new WebClientOptions().setDefaultPort(server.port()));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static HttpResponse<Buffer> post(String contentType, byte[] body) {
    before = messages();
    return await(client.post("/api/v1/inbound").putHeader("Authorization", "Bearer " + email.key())
        .putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body)));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static long messages() {
    return await(server.app.db().preparedQuery("SELECT count(*) FROM message WHERE account_id = $1")
        .execute(Tuple.of(tenant.accountId))).iterator().next().getLong(0);
  }

  static void refused(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(messages()).isEqualTo(before);
  }

  @Test
  @DisplayName("a key given twice is a 400 (two parsers could read two different messages)")
  void duplicateKeys() {
    refused(post("application/json", utf8("""
        {"externalId":"d-1","from":{"email":"a@example.com"},"text":"hi","text":"other"}""")), 400);
  }

  @Test
  @DisplayName("a body that is not declared as JSON is a 415")
  void wrongContentType() {
    refused(post("text/plain", utf8("""
        {"externalId":"t-1","from":{"email":"a@example.com"},"text":"hi"}""")), 415);
  }

  @Test
  @DisplayName("overlong UTF-8 (a slash written in two bytes) is a 400, not a stored '/'")
  void overlongUtf8() {
    byte[] prefix = utf8("{\"externalId\":\"o-1\",\"from\":{\"email\":\"a@example.com\"},\"text\":\"a");
    byte[] suffix = utf8("b\"}");
    byte[] body = new byte[prefix.length + 2 + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xC0;
    body[prefix.length + 1] = (byte) 0xAF;
    System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
    refused(post("application/json", body), 400);
  }

  @Test
  @DisplayName("a lone surrogate escape is a 400")
  void loneSurrogate() {
    refused(post("application/json", utf8("""
        {"externalId":"s-1","from":{"email":"a@example.com"},"text":"broken \\ud800 pair"}""")), 400);
  }

  @Test
  @DisplayName("the same message, well formed, is accepted")
  void wellFormedAccepted() {
    HttpResponse<Buffer> r = post("application/json; charset=utf-8", utf8("""
        {"externalId":"ok-1","from":{"email":"a@example.com"},"text":"fine \\ud83d\\ude00"}"""));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    assertThat(messages()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("reordering controls (U+202E and kin) are stripped from file names, sender names and subjects")
  void bidiControlsStripped() {
    Api api = server.api;
    Api.Resp file = api.upload(email.key(), "evil%E2%80%AEgnp.exe", "application/octet-stream",
        Buffer.buffer("MZ"));
    assertThat(file.status()).isEqualTo(201);
    assertThat(file.json().getString("name")).isEqualTo("evilgnp.exe");
    HttpResponse<Buffer> r = post("application/json", utf8("""
        {"externalId":"b-1","from":{"email":"bidi@example.com","name":"Ann \u202eyaP"},
         "subject":"Refund \u2066now\u2069","text":"hello"}"""));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    var row = await(server.app.db().preparedQuery("""
        SELECT m.subject, m.author_name, c.name FROM message m JOIN contact c ON c.id = m.author_id
        WHERE m.account_id = $1 AND m.external_id = 'b-1'""").execute(Tuple.of(tenant.accountId))).iterator().next();
    assertThat(row.getString(0)).isEqualTo("Refund now");
    assertThat(row.getString(1)).isEqualTo("Ann yaP");
    assertThat(row.getString(2)).isEqualTo("Ann yaP");
  }
}
