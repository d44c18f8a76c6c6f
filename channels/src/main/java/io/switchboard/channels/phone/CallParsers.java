package io.switchboard.channels.phone;

import io.switchboard.channels.core.Signatures;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** Turns Twilio's status callbacks and generic CTI events into {@link CallEvent}s. */
final class CallParsers {

  private CallParsers() {
  }

  /** What an earlier event of the call told (a recording callback names no caller). */
  record Known(String customer, String direction, String outcome, String callerName) {
  }

  /**
   * A Twilio Voice status, recording or transcription callback.
   *
   * @param outcomeHint the callback URL's ?outcome= (e.g. voicemail on the voicemail recording's callback)
   * @param known       what earlier callbacks of this CallSid said, or null
   */
  static CallEvent twilio(Map<String, String> p, String outcomeHint, String authToken, Known known) {
    String callSid = p.get("CallSid");
    if (callSid == null || callSid.isBlank() || callSid.length() > 64) {
      throw new IllegalArgumentException("CallSid is required");
    }
    String dir = p.get("Direction");
    String direction = dir != null ? (dir.startsWith("outbound") ? "outbound" : "inbound")
        : known != null ? known.direction() : "inbound";
    String customer = "outbound".equals(direction) ? p.get("To") : p.get("From");
    if (blank(customer) && known != null) {
      customer = known.customer();
    }
    String status = p.getOrDefault("CallStatus", "").toLowerCase(Locale.ROOT);
    String outcome = switch (status) {
      case "in-progress", "completed", "answered" -> "answered";
      case "busy", "no-answer", "failed", "canceled" -> "missed";
      default -> null; // queued, initiated, ringing: nothing to show yet
    };
    boolean hasRecording = !blank(p.get("RecordingUrl"));
    boolean hasTranscript = !blank(p.get("TranscriptionText"));
    if (outcome == null && (hasRecording || hasTranscript)) {
      outcome = known != null && known.outcome() != null ? known.outcome() : "answered";
    }
    if (outcome != null && ("voicemail".equals(outcomeHint) || "missed".equals(outcomeHint))) {
      outcome = outcomeHint;
    }
    Integer duration = number(p.get("CallDuration"));
    if (duration == null && hasRecording && "voicemail".equals(outcome)) {
      duration = number(p.get("RecordingDuration"));
    }
    // One id per event: a status appears once per call, a recording or transcription once by its sid.
    String eventPart = !blank(p.get("TranscriptionSid")) ? "tr:" + p.get("TranscriptionSid")
        : !blank(p.get("RecordingSid")) ? "rec:" + p.get("RecordingSid")
        : "st:" + status + (blank(p.get("SequenceNumber")) ? "" : ":" + p.get("SequenceNumber"));
    String accountSid = p.get("AccountSid");
    Map<String, String> auth = accountSid != null && accountSid.matches("AC[A-Za-z0-9]{1,64}") && authToken != null
        ? Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8)))
        : Map.of();
    String name = p.get("CallerName");
    return new CallEvent("twilio:" + callSid + ":" + eventPart, callSid, direction, outcome, duration,
        clean(customer), blank(name) ? (known != null ? known.callerName() : null) : name, null,
        hasRecording ? p.get("RecordingUrl") : null, auth, hasTranscript ? p.get("TranscriptionText") : null,
        twilioTime(p.get("Timestamp")));
  }

  /**
   * A CTI event {"event":"ringing|answered|ended|missed|voicemail","callId","from","to","agentEmail",
   * "durationSec","recordingUrl","transcript"} (plus an optional "direction", inbound by default).
   */
  static CallEvent cti(JsonObject e, Known known) {
    String event = str(e, "event");
    String callId = str(e, "callId");
    if (blank(callId) || callId.length() > 200) {
      throw new IllegalArgumentException("callId is required (at most 200 characters)");
    }
    if (event == null || !java.util.List.of("ringing", "answered", "ended", "missed", "voicemail").contains(event)) {
      throw new IllegalArgumentException("event must be one of ringing, answered, ended, missed, voicemail");
    }
    String direction = "outbound".equals(str(e, "direction")) ? "outbound"
        : str(e, "direction") == null && known != null ? known.direction() : "inbound";
    String customer = "outbound".equals(direction) ? str(e, "to") : str(e, "from");
    if (blank(customer) && known != null) {
      customer = known.customer();
    }
    Integer duration = e.getValue("durationSec") instanceof Number n ? Integer.valueOf(Math.max(0, n.intValue()))
        : number(str(e, "durationSec"));
    String outcome = switch (event) {
      case "answered" -> "answered";
      case "missed" -> "missed";
      case "voicemail" -> "voicemail";
      // An end after a talk (whether or not "answered" came first) is an answered call.
      case "ended" -> duration != null && duration > 0 ? "answered"
          : known != null && known.outcome() != null ? known.outcome() : "missed";
      default -> null;
    };
    String recording = str(e, "recordingUrl");
    String transcript = str(e, "transcript");
    // The event's own content names it: a retry of the same event is the same message.
    String fingerprint = Signatures.sha256Hex(event + "\n" + duration + "\n" + recording + "\n" + transcript)
        .substring(0, 16);
    return new CallEvent("cti:" + callId + ":" + event + ":" + fingerprint, callId, direction, outcome, duration,
        clean(customer), str(e, "callerName"), str(e, "agentEmail"), blank(recording) ? null : recording, Map.of(),
        blank(transcript) ? null : transcript, null);
  }

  private static String str(JsonObject o, String field) {
    Object v = o.getValue(field);
    return v instanceof String s ? s : v instanceof Number n ? n.toString() : null;
  }

  /** A number as the caller id gave it; Twilio's stand-ins for a withheld number are no identity. */
  private static String clean(String number) {
    if (blank(number)) {
      return null;
    }
    String n = number.trim();
    if (n.equalsIgnoreCase("anonymous") || n.equalsIgnoreCase("restricted") || n.equalsIgnoreCase("unknown")
        || n.startsWith("client:") || n.startsWith("sip:") || n.equals("+266696687") || n.length() > 40) {
      return null;
    }
    return n;
  }

  private static Integer number(String s) {
    if (s == null || !s.trim().matches("\\d{1,9}")) {
      return null;
    }
    return Integer.valueOf(s.trim());
  }

  private static Instant twilioTime(String s) {
    if (blank(s)) {
      return null;
    }
    try {
      return ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
