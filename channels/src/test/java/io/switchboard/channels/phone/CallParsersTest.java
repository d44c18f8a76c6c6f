package io.switchboard.channels.phone;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Call events: Twilio callbacks (documented parameters) and CTI JSON")
class CallParsersTest {

  @Test
  @DisplayName("Twilio statuses map to outcomes; the customer is the caller inbound and the callee outbound")
  void twilioStatuses() {
    CallEvent done = CallParsers.twilio(Map.of("CallSid", "CA1", "AccountSid", "AC9", "From", "+48600100200",
        "To", "+48221234567", "CallStatus", "completed", "CallDuration", "42", "Direction", "inbound",
        "SequenceNumber", "3"), null, "tok", null);
    assertThat(done.outcome()).isEqualTo("answered");
    assertThat(done.durationSec()).isEqualTo(42);
    assertThat(done.customer()).isEqualTo("+48600100200");
    assertThat(done.externalId()).isEqualTo("twilio:CA1:st:completed:3");
    assertThat(CallParsers.twilio(Map.of("CallSid", "CA2", "From", "+1", "To", "+48600100200",
        "CallStatus", "no-answer", "Direction", "outbound-api"), null, "tok", null))
        .satisfies(e -> {
          assertThat(e.outcome()).isEqualTo("missed");
          assertThat(e.direction()).isEqualTo("outbound");
          assertThat(e.customer()).isEqualTo("+48600100200");
        });
    assertThat(CallParsers.twilio(Map.of("CallSid", "CA3", "From", "+48600100200", "CallStatus", "ringing"), null,
        "tok", null).outcome()).isNull();
    assertThat(CallParsers.twilio(Map.of("CallSid", "CA4", "From", "Anonymous", "CallStatus", "busy"), null,
        "tok", null).customer()).isNull();
    assertThatThrownBy(() -> CallParsers.twilio(Map.of("From", "+48600100200"), null, "tok", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a recording callback names no caller: the call's earlier status is used, auth goes with the download")
  void twilioRecording() {
    var known = new CallParsers.Known("+48600100200", "inbound", "voicemail", "Ann");
    CallEvent rec = CallParsers.twilio(Map.of("CallSid", "CA1", "AccountSid", "AC9", "RecordingSid", "RE1",
        "RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC9/Recordings/RE1", "RecordingStatus", "completed",
        "RecordingDuration", "17"), null, "tok", known);
    assertThat(rec.customer()).isEqualTo("+48600100200");
    assertThat(rec.outcome()).isEqualTo("voicemail");
    assertThat(rec.durationSec()).isEqualTo(17);
    assertThat(rec.externalId()).isEqualTo("twilio:CA1:rec:RE1");
    assertThat(rec.recordingHeaders().get("Authorization")).isEqualTo("Basic "
        + java.util.Base64.getEncoder().encodeToString("AC9:tok".getBytes()));
  }

  @Test
  @DisplayName("CTI: ended with a duration is answered whatever came before; a retry has the same id")
  void cti() {
    JsonObject ended = new JsonObject().put("event", "ended").put("callId", "c-1").put("from", "600 100 200")
        .put("to", "221234567").put("durationSec", 312).put("agentEmail", "ola@shop.example");
    CallEvent e = CallParsers.cti(ended, null);
    assertThat(e.outcome()).isEqualTo("answered");
    assertThat(e.durationSec()).isEqualTo(312);
    assertThat(e.customer()).isEqualTo("600 100 200");
    assertThat(CallParsers.cti(ended.copy(), null).externalId()).isEqualTo(e.externalId());
    assertThat(CallParsers.cti(ended.copy().put("transcript", "Hello"), null).externalId()).isNotEqualTo(e.externalId());
    assertThat(CallParsers.cti(new JsonObject().put("event", "ringing").put("callId", "c-1").put("from", "1"), null)
        .outcome()).isNull();
    assertThat(CallParsers.cti(new JsonObject().put("event", "ended").put("callId", "c-2").put("from", "1")
        .put("durationSec", 0), null).outcome()).isEqualTo("missed");
    assertThatThrownBy(() -> CallParsers.cti(new JsonObject().put("event", "hangup").put("callId", "c"), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
