package io.switchboard.conversation;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** A missed call or a voicemail leaves the conversation waiting for a call back until someone calls. */
@DisplayName("Needs callback: set by a missed call or voicemail, cleared by a logged or reported call back")
class NeedsCallbackTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("needscallback");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("a missed call opens a conversation that needs a callback (list and detail); an answered logged call clears it")
  void loggedCallBackClears() {
    Tenant t = server.tenant("Callbacks");
    Channel phone = t.channel("phone", null);
    String conversationId = expect(t.inbound(phone, call("m-1", "CA-1", "+48 601 300 400", "inbound", "missed")), 202)
        .json().getString("conversationId");
    assertThat(detail(t, conversationId).getBoolean("needsCallback")).isTrue();
    assertThat(listed(t, conversationId).getBoolean("needsCallback")).isTrue();

    // A logged call that did not reach the customer leaves the flag; one that did clears it.
    expect(logCall(t, conversationId, "missed"), 201);
    assertThat(detail(t, conversationId).getBoolean("needsCallback")).isTrue();
    JsonObject logged = expect(logCall(t, conversationId, "answered"), 201).json();
    assertThat(logged.getString("direction")).isEqualTo("note");
    assertThat(logged.getJsonObject("call").getString("outcome")).isEqualTo("answered");
    assertThat(logged.getJsonObject("call").getString("direction")).isEqualTo("outbound");
    assertThat(detail(t, conversationId).getBoolean("needsCallback")).isFalse();
    assertThat(listed(t, conversationId).getBoolean("needsCallback")).isFalse();

    // A logged call must be a note, with a known outcome: 422 and nothing changes.
    Api.Resp bad = api.post("/api/v1/conversations/" + conversationId + "/messages", t.admin.token(),
        new JsonObject().put("text", "called").put("call", new JsonObject().put("outcome", "answered")));
    assertThat(bad.status()).isEqualTo(422);
    Api.Resp unknown = api.post("/api/v1/conversations/" + conversationId + "/messages", t.admin.token(),
        new JsonObject().put("text", "called").put("private", true).put("call", new JsonObject().put("outcome", "maybe")));
    assertThat(unknown.status()).isEqualTo(422);
  }

  @Test
  @DisplayName("a voicemail in a live conversation sets it; the phone system's answered outbound call clears it")
  void reportedCallBackClears() {
    Tenant t = server.tenant("Voicemail");
    Channel phone = t.channel("phone", null);
    String number = "+48 602 400 500";
    String conversationId = expect(t.inbound(phone, call("a-1", "CA-2", number, "inbound", "answered")), 202)
        .json().getString("conversationId");
    assertThat(detail(t, conversationId).getBoolean("needsCallback")).isFalse();
    expect(t.inbound(phone, call("v-1", "CA-3", number, "inbound", "voicemail")), 202);
    assertThat(detail(t, conversationId).getBoolean("needsCallback")).isTrue();
    // An outbound call nobody answered is no call back yet.
    expect(t.inbound(phone, call("o-1", "CA-4", number, "outbound", "missed")), 202);
    assertThat(detail(t, conversationId).getBoolean("needsCallback")).isTrue();
    expect(t.inbound(phone, call("o-2", "CA-5", number, "outbound", "answered")), 202);
    assertThat(detail(t, conversationId).getBoolean("needsCallback")).isFalse();
  }

  private static JsonObject call(String externalId, String callId, String number, String direction, String outcome) {
    return new JsonObject().put("externalId", externalId).put("from", new JsonObject().put("phone", number))
        .put("call", new JsonObject().put("callId", callId).put("direction", direction).put("outcome", outcome)
            .put("durationSec", "answered".equals(outcome) ? 60 : 0));
  }

  private static Api.Resp logCall(Tenant t, String conversationId, String outcome) {
    return api.post("/api/v1/conversations/" + conversationId + "/messages", t.admin.token(),
        new JsonObject().put("text", "Called the customer back").put("private", true)
            .put("call", new JsonObject().put("direction", "outbound").put("outcome", outcome).put("durationSec", 90)));
  }

  private static JsonObject detail(Tenant t, String conversationId) {
    return expect(api.get("/api/v1/conversations/" + conversationId, t.admin.token()), 200).json();
  }

  private static JsonObject listed(Tenant t, String conversationId) {
    return expect(api.get("/api/v1/conversations?assignee=any&limit=100", t.admin.token()), 200).json()
        .getJsonArray("items").stream().map(o -> (JsonObject) o).filter(c -> c.getString("id").equals(conversationId))
        .findFirst().orElseThrow();
  }
}
