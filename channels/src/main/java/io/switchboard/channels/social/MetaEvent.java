package io.switchboard.channels.social;

import java.time.Instant;
import java.util.List;

/** What one item of a Meta webhook means for Switchboard. */
sealed interface MetaEvent {

  /** A file a customer sent: a URL on Meta's CDN, or a WhatsApp media id to look up first. */
  record Media(String url, String mediaId, String type, String mimeType, String filename) {
  }

  /**
   * A customer's message, postback or public comment.
   *
   * @param externalId the provider's message id (mid, wamid), or "comment:" + the comment id
   * @param phone      WhatsApp's wa_id as a number (WhatsApp verified it), else null
   */
  record Message(String externalId, String platform, String handle, String name, String phone, String text,
      List<Media> media, String threadKey, boolean isPublic, Instant sentAt) implements MetaEvent {
  }

  /** A later status of a message we sent (delivered, read, failed). */
  record Status(String externalId, String status, String error) implements MetaEvent {
  }
}
