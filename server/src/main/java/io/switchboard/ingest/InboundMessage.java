package io.switchboard.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** The body of POST /api/v1/inbound, exactly as adapters send it (see shared/api.md, "Inbound"). */
public record InboundMessage(
    String externalId,
    From from,
    String threadKey,
    String subject,
    String text,
    String html,
    Instant sentAt,
    List<AttachmentId> attachments,
    Call call,
    Boolean autoSubmitted,
    @JsonProperty("public") Boolean isPublic) {

  /** unverified: kinds the adapter cannot vouch for even on its own kind of channel (an unauthenticated mail). */
  public record From(String name, String email, String phone, String handle, String platform, List<String> verified,
      String signature, List<String> unverified) {
  }

  public record AttachmentId(String id) {
  }

  /**
   * callId: the provider's id of the call; every event of one call updates one message.
   * agentEmail: who took the call, as the phone system knows them (shown on the call card).
   */
  public record Call(String callId, String direction, String outcome, Integer durationSec,
      String recordingAttachmentId, String transcript, String agentEmail) {
  }

  public boolean auto() {
    return Boolean.TRUE.equals(autoSubmitted);
  }

  public boolean publicComment() {
    return Boolean.TRUE.equals(isPublic);
  }

  public List<AttachmentId> attachmentIds() {
    return attachments == null ? List.of() : attachments;
  }
}
