package io.switchboard.adapters;

import io.switchboard.channels.core.Signatures;
import io.switchboard.channels.phone.TwilioSignature;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The phone channel run by the server (in-process adapters) behind a proxy: the public URL Twilio
 * signs (https://support.phoneshop.example/sb) is not the address the test posts to. Twilio's
 * recordings come from a local fake listed in SWITCHBOARD_PROVIDER_MEDIA_HOSTS.
 */
@DisplayName("Phone channel: Twilio callbacks and CTI events become one call message per call")
class PhoneChannelTest {

  static final String PUBLIC_URL = "https://support.phoneshop.example/sb";
  static final byte[] AUDIO = "RIFF....WAVEfmt fake audio of a voicemail".getBytes(StandardCharsets.US_ASCII);

  static FakeProvider twilio;
  static FakeProvider elsewhere;
  static TestServer server;
  static Api api;
  static Vertx vertx;
  static WebClient web;

  @BeforeAll
  static void start() {
    twilio = new FakeProvider();
    elsewhere = new FakeProvider();
    twilio.file("/2010-04-01/Accounts/AC0123/Recordings/RE77", "audio/x-wav", AUDIO);
    elsewhere.file("/secret", "text/plain", "internal".getBytes(StandardCharsets.US_ASCII));
    twilio.router.get("/redirect-out").handler(ctx -> ctx.response().setStatusCode(302)
        .putHeader("Location", elsewhere.url("/secret")).end());
    server = TestServer.start("phone", Map.of("SWITCHBOARD_ADAPTERS", "in-process",
        "SWITCHBOARD_PUBLIC_URL", PUBLIC_URL,
        "SWITCHBOARD_PROVIDER_MEDIA_HOSTS", "127.0.0.1:" + twilio.port()));
    api = server.api;
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    web.close();
    await(vertx.close());
    server.close();
    twilio.close();
    elsewhere.close();
  }

  static Channel phoneChannel(Tenant t, String provider) {
    Channel ch = t.channel("phone", null, new JsonObject().put("provider", provider).put("authToken", "twilio-token-1"));
    until("the adapter of " + ch.id() + " runs", 20_000, () -> server.app.services().adapters.host() != null
        && server.app.services().adapters.host().runs(ch.id()));
    return ch;
  }

  /** Posts a Twilio callback form signed over the public URL (or as the test says), answers the status. */
  static int twilioPost(Channel ch, Map<String, String> params, String query, String signedUrl, String signature) {
    String path = "/channels/" + ch.id() + "/twilio/voice" + (query == null ? "" : "?" + query);
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    params.forEach((k, v) -> entries.add(new AbstractMap.SimpleEntry<>(k, v)));
    String url = signedUrl != null ? signedUrl : PUBLIC_URL + path;
    String sig = signature != null ? signature : TwilioSignature.compute("twilio-token-1", url, entries);
    StringBuilder form = new StringBuilder();
    params.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    var req = web.post(server.port(), "localhost", path).putHeader("Content-Type", "application/x-www-form-urlencoded");
    if (!sig.isEmpty()) {
      req.putHeader("X-Twilio-Signature", sig);
    }
    return await(req.sendBuffer(Buffer.buffer(form.toString()))).statusCode();
  }

  static int ctiPost(Channel ch, JsonObject event, String secret) {
    Buffer body = event.toBuffer();
    var req = web.post(server.port(), "localhost", "/channels/" + ch.id() + "/cti")
        .putHeader("Content-Type", "application/json");
    if (secret != null) {
      req.putHeader("X-Switchboard-Signature", Signatures.sha256Header(secret, body.getBytes()));
    }
    return await(req.sendBuffer(body)).statusCode();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static Map<String, String> status(String callSid, String status, String duration) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("AccountSid", "AC0123");
    p.put("CallSid", callSid);
    p.put("From", "+48600100200");
    p.put("To", "+48221234567");
    p.put("Caller", "+48600100200");
    p.put("Called", "+48221234567");
    p.put("Direction", "inbound");
    p.put("CallStatus", status);
    p.put("ApiVersion", "2010-04-01");
    p.put("CallbackSource", "call-progress-events");
    p.put("Timestamp", "Tue, 01 Dec 2026 10:15:00 +0000");
    p.put("SequenceNumber", status.equals("completed") ? "3" : "1");
    if (duration != null) {
      p.put("CallDuration", duration);
      p.put("Duration", "1");
    }
    return p;
  }

  static List<Row> calls(Channel ch) {
    return server.rows("SELECT id, conversation_id, call::text AS call, from_verified, external_id FROM message "
        + "WHERE channel_id = $1 ORDER BY created_at", ch.id());
  }

  static JsonObject call(Row r) {
    return new JsonObject(r.getString("call"));
  }

  @Test
  @DisplayName("a Twilio status callback signed over the public URL becomes a call message from the verified caller id")
  void twilioStatusCallback() {
    Tenant t = server.tenant("Phoneshop");
    Channel ch = phoneChannel(t, "twilio");
    assertThat(twilioPost(ch, status("CA100", "ringing", null), null, null, null)).isEqualTo(204);
    assertThat(calls(ch)).isEmpty(); // ringing says nothing yet
    assertThat(twilioPost(ch, status("CA100", "completed", "42"), null, null, null)).isEqualTo(204);

    List<Row> rows = calls(ch);
    assertThat(rows).hasSize(1);
    JsonObject call = call(rows.get(0));
    assertThat(call.getString("direction")).isEqualTo("inbound");
    assertThat(call.getString("outcome")).isEqualTo("answered");
    assertThat(call.getInteger("durationSec")).isEqualTo(42);
    assertThat(rows.get(0).getBoolean("from_verified")).isTrue();
    String identity = server.rows("SELECT i.value FROM identity i JOIN message m ON m.identity_id = i.id "
        + "WHERE m.id = $1", rows.get(0).getString("id")).get(0).getString(0);
    assertThat(identity).isEqualTo("+48600100200");
    // The agent sees it in the conversation, as a call.
    JsonObject conv = Api.expect(api.get("/api/v1/conversations/" + rows.get(0).getString("conversation_id"),
        t.admin.token()), 200).json();
    assertThat(conv.getJsonArray("messages").getJsonObject(0).getJsonObject("call").getString("outcome"))
        .isEqualTo("answered");
  }

  @Test
  @DisplayName("a forged, missing or local-URL signature is refused with 403 and nothing is stored")
  void forgedSignatures() {
    Tenant t = server.tenant("Forgeshop");
    Channel ch = phoneChannel(t, "twilio");
    Map<String, String> p = status("CA200", "completed", "10");
    assertThat(twilioPost(ch, p, null, null, "")).isEqualTo(403);
    assertThat(twilioPost(ch, p, null, null, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).isEqualTo(403);
    // Signed over the address the request reached, not the public one Twilio calls: refused.
    assertThat(twilioPost(ch, p, null, "http://localhost:" + server.port() + "/channels/" + ch.id() + "/twilio/voice",
        null)).isEqualTo(403);
    assertThat(ctiPost(ch, new JsonObject().put("event", "missed").put("callId", "x1").put("from", "+48600100200"),
        null)).isEqualTo(403);
    assertThat(ctiPost(ch, new JsonObject().put("event", "missed").put("callId", "x1").put("from", "+48600100200"),
        "not-the-secret")).isEqualTo(403);
    assertThat(server.count("SELECT count(*) FROM message WHERE channel_id = $1", ch.id())).isZero();
    assertThat(server.count("SELECT count(*) FROM attachment WHERE account_id = $1", t.accountId)).isZero();
  }

  @Test
  @DisplayName("Twilio's retry of a callback stores one message")
  void retryStoresOne() {
    Tenant t = server.tenant("Retryphone");
    Channel ch = phoneChannel(t, "twilio");
    Map<String, String> p = status("CA300", "no-answer", null);
    assertThat(twilioPost(ch, p, null, null, null)).isEqualTo(204);
    assertThat(twilioPost(ch, p, null, null, null)).isEqualTo(204);
    assertThat(calls(ch)).hasSize(1);
    assertThat(call(calls(ch).get(0)).getString("outcome")).isEqualTo("missed");
  }

  @Test
  @DisplayName("a voicemail: the status, then the recording callback (no caller in it) fetched from Twilio with "
      + "the account's credentials and uploaded; one call message")
  void voicemailRecording() {
    Tenant t = server.tenant("Voicemailshop");
    Channel ch = phoneChannel(t, "twilio");
    assertThat(twilioPost(ch, status("CA400", "completed", "20"), "outcome=voicemail", null, null)).isEqualTo(204);
    Map<String, String> rec = new LinkedHashMap<>();
    rec.put("AccountSid", "AC0123");
    rec.put("CallSid", "CA400");
    rec.put("RecordingSid", "RE77");
    rec.put("RecordingUrl", twilio.url("/2010-04-01/Accounts/AC0123/Recordings/RE77"));
    rec.put("RecordingStatus", "completed");
    rec.put("RecordingDuration", "17");
    rec.put("RecordingChannels", "1");
    rec.put("RecordingSource", "RecordVerb");
    assertThat(twilioPost(ch, rec, "outcome=voicemail", null, null)).isEqualTo(204);

    var fetched = twilio.requests("/2010-04-01/Accounts/AC0123/Recordings/RE77");
    assertThat(fetched).hasSize(1);
    assertThat(fetched.get(0).authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder()
        .encodeToString("AC0123:twilio-token-1".getBytes(StandardCharsets.UTF_8)));
    // One call message (the core's call.callId), now with the recording.
    List<Row> rows = until("the call updated with its recording", 20_000, () -> {
      List<Row> r = calls(ch);
      return r.size() == 1 && call(r.get(0)).getString("recordingAttachmentId") != null ? r : null;
    });
    JsonObject call = call(rows.get(0));
    assertThat(call.getString("outcome")).isEqualTo("voicemail");
    String attachmentId = call.getString("recordingAttachmentId");
    Buffer audio = Api.expect(api.get("/api/v1/attachments/" + attachmentId, t.admin.token()), 200).body();
    assertThat(audio.getBytes()).isEqualTo(AUDIO);
  }

  @Test
  @DisplayName("a recording URL outside the provider's hosts is never fetched; the call is kept without it")
  void recordingElsewhereNotFetched() {
    Tenant t = server.tenant("Ssrfphone");
    Channel ch = phoneChannel(t, "twilio");
    Map<String, String> p = status("CA500", "completed", "5");
    p.put("RecordingSid", "RE500");
    p.put("RecordingUrl", elsewhere.url("/secret"));
    assertThat(twilioPost(ch, p, null, null, null)).isEqualTo(204);
    Map<String, String> meta = status("CA501", "completed", "5");
    meta.put("RecordingSid", "RE501");
    meta.put("RecordingUrl", "https://169.254.169.254/latest/meta-data/");
    assertThat(twilioPost(ch, meta, null, null, null)).isEqualTo(204);
    // The provider's own host redirects elsewhere: the redirect is checked like the first URL.
    Map<String, String> hop = status("CA502", "completed", "5");
    hop.put("RecordingSid", "RE502");
    hop.put("RecordingUrl", twilio.url("/redirect-out"));
    assertThat(twilioPost(ch, hop, null, null, null)).isEqualTo(204);
    assertThat(twilio.requests("/redirect-out")).hasSize(1);
    assertThat(elsewhere.seen).isEmpty();
    assertThat(calls(ch)).hasSize(3).allSatisfy(r -> assertThat(call(r).getString("recordingAttachmentId")).isNull());
  }

  @Test
  @DisplayName("CTI events of one call in any order (ended before answered, a transcript later) make one call card")
  void ctiAnyOrder() {
    Tenant t = server.tenant("Ctishop");
    Channel ch = phoneChannel(t, "cti");
    String secret = ch.secret();
    assertThat(secret).isNotBlank();
    JsonObject base = new JsonObject().put("callId", "pbx-9001").put("from", "600 100 200").put("to", "22 123 45 67")
        .put("agentEmail", "ola@ctishop.example");
    assertThat(ctiPost(ch, base.copy().put("event", "ended").put("durationSec", 312), secret)).isEqualTo(204);
    assertThat(ctiPost(ch, base.copy().put("event", "answered"), secret)).isEqualTo(204);
    assertThat(ctiPost(ch, base.copy().put("event", "ringing"), secret)).isEqualTo(204);
    assertThat(ctiPost(ch, base.copy().put("event", "ended").put("durationSec", 312)
        .put("transcript", "Customer asks about order 1001."), secret)).isEqualTo(204);
    // A retry of the first event changes nothing.
    assertThat(ctiPost(ch, base.copy().put("event", "ended").put("durationSec", 312), secret)).isEqualTo(204);

    List<Row> rows = calls(ch);
    assertThat(rows).hasSize(1);
    JsonObject call = call(rows.get(0));
    assertThat(call.getString("outcome")).isEqualTo("answered");
    assertThat(call.getInteger("durationSec")).isEqualTo(312);
    assertThat(call.getString("transcript")).isEqualTo("Customer asks about order 1001.");
    assertThat(call.getString("callId")).isEqualTo("pbx-9001");
    // The national number was read with the account's region.
    String identity = server.rows("SELECT i.value FROM identity i JOIN message m ON m.identity_id = i.id "
        + "WHERE m.id = $1", rows.get(0).getString("id")).get(0).getString(0);
    assertThat(identity).isEqualTo("+48600100200");
  }

  @Test
  @DisplayName("a missed CTI call opens a conversation for a callback; a malformed event is a 400 with nothing stored")
  void ctiMissed() {
    Tenant t = server.tenant("Missedshop");
    Channel ch = phoneChannel(t, "cti");
    assertThat(ctiPost(ch, new JsonObject().put("event", "missed").put("callId", "m-1").put("from", "+48600999888"),
        ch.secret())).isEqualTo(204);
    List<Row> rows = calls(ch);
    assertThat(rows).hasSize(1);
    assertThat(call(rows.get(0)).getString("outcome")).isEqualTo("missed");
    assertThat(server.rows("SELECT status FROM conversation WHERE id = $1", rows.get(0).getString("conversation_id"))
        .get(0).getString(0)).isEqualTo("open");
    assertThat(ctiPost(ch, new JsonObject().put("event", "hangup").put("callId", "m-2").put("from", "+48600999888"),
        ch.secret())).isEqualTo(400);
    var bad = await(web.post(server.port(), "localhost", "/channels/" + ch.id() + "/cti")
        .putHeader("X-Switchboard-Signature", Signatures.sha256Header(ch.secret(), "not json".getBytes()))
        .sendBuffer(Buffer.buffer("not json")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(calls(ch)).hasSize(1);
  }
}
