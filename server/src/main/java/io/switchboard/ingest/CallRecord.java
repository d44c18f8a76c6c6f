package io.switchboard.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One phone call as a message shows it, folded from the provider's events of that call (contract:
 * "events of one call, in any order, make one call message"). Events arrive in any order (a
 * provider may report the end before the answer, a transcript minutes later), so folding keeps
 * the most telling value of each field instead of the latest: an answered call stays answered
 * whatever a stray "missed" says, the longest duration wins, and a recording or transcript, once
 * known, is never cleared by an event that does not carry it.
 */
final class CallRecord {

  private CallRecord() {
  }

  /** The stored form of a message's first event. */
  static Map<String, Object> of(InboundMessage.Call call) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("callId", call.callId());
    record.put("direction", call.direction());
    record.put("outcome", call.outcome());
    record.put("durationSec", call.durationSec());
    record.put("recordingAttachmentId", call.recordingAttachmentId());
    record.put("transcript", call.transcript());
    record.put("agentEmail", call.agentEmail());
    return record;
  }

  /** Folds a later (or earlier) event of the same call into the record; returns it. */
  static Map<String, Object> fold(Map<String, Object> record, InboundMessage.Call event) {
    record.putIfAbsent("direction", event.direction());
    if (rank(event.outcome()) > rank((String) record.get("outcome"))) {
      record.put("outcome", event.outcome());
    }
    Integer duration = event.durationSec();
    Object known = record.get("durationSec");
    if (duration != null && (!(known instanceof Number n) || duration > n.intValue())) {
      record.put("durationSec", duration);
    }
    if (event.recordingAttachmentId() != null) {
      record.put("recordingAttachmentId", event.recordingAttachmentId());
    }
    if (event.agentEmail() != null && record.get("agentEmail") == null) {
      record.put("agentEmail", event.agentEmail());
    }
    if (event.transcript() != null && !event.transcript().isBlank()) {
      record.put("transcript", event.transcript());
    }
    return record;
  }

  /** A call that was answered was not missed; a missed call that left a message is a voicemail. */
  private static int rank(String outcome) {
    if (outcome == null) {
      return 0;
    }
    return switch (outcome) {
      case "missed" -> 1;
      case "voicemail" -> 2;
      case "answered" -> 3;
      default -> 0;
    };
  }
}
