package io.switchboard.ingest;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The contract's call.callId: the provider's events of one call, in any order, make one call message. */
@DisplayName("Call events: one message per call, updated in place whatever order the events come in")
class CallEventsTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("callevents");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("ended before answered, a transcript and a recording later: one call card with all of it; a repeat of the first event is a duplicate")
  void eventsOutOfOrder() {
    Tenant t = server.tenant("Calls");
    Channel phone = t.channel("phone", null);
    String caller = "+48 601 200 300";
    Resp ended = expect(t.inbound(phone, event("ev-1", "CA1", caller, "answered").put("call",
        call("CA1", "answered").put("durationSec", 312))), 202);
    String messageId = ended.json().getString("messageId");
    String conversationId = ended.json().getString("conversationId");

    Resp answered = expect(t.inbound(phone, event("ev-2", "CA1", caller, "answered").put("call",
        call("CA1", "answered").put("agentEmail", "ola@shop.example"))), 202);
    assertThat(answered.json().getString("messageId")).isEqualTo(messageId);
    // A stray "missed" after the call was answered changes nothing: answered stays answered.
    expect(t.inbound(phone, event("ev-3", "CA1", caller, "missed")), 202);
    expect(t.inbound(phone, event("ev-4", "CA1", caller, "answered").put("call",
        call("CA1", "answered").put("transcript", "Hello, my parcel never came."))), 202);
    String recording = expect(api.upload(phone.key(), "call.mp3", "audio/mpeg", Buffer.buffer(new byte[] {1, 2, 3})), 201)
        .json().getString("id");
    expect(t.inbound(phone, event("ev-5", "CA1", caller, "answered").put("call",
        call("CA1", "answered").put("recordingAttachmentId", recording))), 202);
    // The provider retries its first event: the same answer, as a duplicate.
    Resp repeat = expect(t.inbound(phone, event("ev-1", "CA1", caller, "answered")), 200);
    assertThat(repeat.json().getBoolean("duplicate")).isTrue();
    assertThat(repeat.json().getString("messageId")).isEqualTo(messageId);

    JsonObject conversation = expect(api.get("/api/v1/conversations/" + conversationId, t.admin.token()), 200).json();
    JsonArray messages = conversation.getJsonArray("messages");
    assertThat(messages).hasSize(1);
    JsonObject card = messages.getJsonObject(0);
    assertThat(card.getString("id")).isEqualTo(messageId);
    JsonObject callData = card.getJsonObject("call");
    assertThat(callData.getString("callId")).isEqualTo("CA1");
    assertThat(callData.getString("outcome")).isEqualTo("answered");
    assertThat(callData.getInteger("durationSec")).isEqualTo(312);
    assertThat(callData.getString("transcript")).isEqualTo("Hello, my parcel never came.");
    assertThat(callData.getString("recordingAttachmentId")).isEqualTo(recording);
    assertThat(callData.getString("agentEmail")).isEqualTo("ola@shop.example");
    assertThat(card.getJsonArray("attachments").stream().map(a -> ((JsonObject) a).getString("id")).toList())
        .containsExactly(recording);

    // Every later event was pushed as message.updated of that one message.
    List<String> types = server.rows("SELECT type FROM event WHERE account_id = $1 AND data->>'id' = $2 ORDER BY seq",
        t.accountId, messageId).stream().map(r -> r.getString(0)).toList();
    assertThat(types).containsExactly("message.created", "message.updated", "message.updated", "message.updated",
        "message.updated");
  }

  @Test
  @DisplayName("a call's events posted all at once land in one message; another call of the same caller is its own message")
  void concurrentEvents() {
    Tenant t = server.tenant("Busy line");
    Channel phone = t.channel("phone", null);
    WebClient client = WebClient.create(server.vertx);
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String callId = i % 2 == 0 ? "CA-even" : "CA-odd";
      JsonObject body = event("c-" + i, callId, "+48 602 300 400", i < 10 ? "missed" : "voicemail");
      if (i == 11) {
        body.getJsonObject("call").put("durationSec", 42);
      }
      sent.add(client.post(server.port(), "localhost", "/api/v1/inbound")
          .putHeader("Authorization", "Bearer " + phone.key()).sendJsonObject(body));
    }
    List<HttpResponse<Buffer>> answers = await(Future.all(sent), 30).list();
    Set<String> messageIds = answers.stream().peek(r -> assertThat(r.statusCode()).isEqualTo(202))
        .map(r -> r.bodyAsJsonObject().getString("messageId")).collect(Collectors.toSet());
    assertThat(messageIds).hasSize(2);
    var rows = server.rows("SELECT call_id, call->>'outcome', (call->>'durationSec')::int FROM message"
        + " WHERE account_id = $1 ORDER BY call_id", t.accountId);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).getString(0)).isEqualTo("CA-even");
    assertThat(rows.get(0).getString(1)).isEqualTo("voicemail");
    assertThat(rows.get(1).getString(0)).isEqualTo("CA-odd");
    assertThat(rows.get(1).getString(1)).isEqualTo("voicemail");
    assertThat(rows.get(1).getInteger(2)).isEqualTo(42);
  }

  private static JsonObject event(String externalId, String callId, String phone, String outcome) {
    return new JsonObject().put("externalId", externalId).put("from", new JsonObject().put("phone", phone))
        .put("call", call(callId, outcome));
  }

  private static JsonObject call(String callId, String outcome) {
    return new JsonObject().put("callId", callId).put("direction", "inbound").put("outcome", outcome);
  }
}
