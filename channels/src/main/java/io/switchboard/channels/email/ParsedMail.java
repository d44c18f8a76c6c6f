package io.switchboard.channels.email;

import java.time.Instant;
import java.util.List;

/**
 * A mail as the email adapter uses it, read by {@link MailParser}.
 *
 * @param messageId   the Message-ID with its angle brackets (the inbound externalId), or null
 * @param references  References, oldest first
 * @param text        the plain text as written, quotes included
 * @param html        the HTML part, or null
 * @param authResults Authentication-Results headers, topmost first
 */
public record ParsedMail(String messageId, String inReplyTo, List<String> references, String subject,
    String fromName, String fromEmail, Instant sentAt, String text, String html, List<Part> files,
    List<String> authResults, boolean autoSubmitted) {

  /** An attachment or inline image, decoded. contentId (without brackets) is set for inline parts. */
  public record Part(String filename, String contentType, byte[] bytes, String contentId, boolean inline) {
  }

  /**
   * The conversation thread's key: the root Message-ID (the first of References), else the one
   * replied to, else this mail's own. Replies from Switchboard carry the same root first.
   */
  public String threadKey() {
    if (!references.isEmpty()) {
      return references.get(0);
    }
    return inReplyTo != null ? inReplyTo : messageId;
  }
}
