package io.switchboard.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON shapes of conversations and messages, shared by REST answers and stream events. */
public final class Views {

  private Views() {
  }

  public record Author(String type, String id, String name) {
  }

  public record AttachmentRef(String id, String name, String contentType, long size) {
  }

  public record MessageView(String id, String conversationId, String direction, String channel, String channelId,
      Author author, String subject, String text, String html, List<AttachmentRef> attachments,
      Map<String, Object> call, boolean autoSubmitted, @com.fasterxml.jackson.annotation.JsonProperty("public") boolean isPublic,
      Instant createdAt, Instant sentAt, String deliveryStatus, String clientId, String threadKey) {
  }

  /**
   * A conversation. unread is per user: REST answers fill it for the caller; events carry null
   * (the console tracks unread itself from message events).
   */
  public record ConversationView(String id, String status, String priority, String subject, String contactId,
      String contactName, List<String> channels, String assigneeId, String teamId, List<String> tags,
      Instant createdAt, Instant lastMessageAt, Instant lastInboundAt, Instant snoozeUntil, Instant resolvedAt,
      String preview, Boolean unread, Map<String, Object> sla, Map<String, Object> csat, boolean needsCallback) {

    public ConversationView withUnread(Boolean value) {
      return new ConversationView(id, status, priority, subject, contactId, contactName, channels, assigneeId, teamId,
          tags, createdAt, lastMessageAt, lastInboundAt, snoozeUntil, resolvedAt, preview, value, sla, csat,
          needsCallback);
    }
  }
}
