package io.switchboard.ingest;

import io.switchboard.http.Caller;
import io.switchboard.ingest.Identities.Identity;
import java.util.List;

/**
 * An inbound message that passed validation and sanitizing, ready for the account's batcher.
 *
 * @param ids              the sender's normalized identities (rule 1's input)
 * @param html             sanitized HTML, or null
 * @param text             the text to store (derived from the HTML when the adapter sent none)
 * @param attachmentIds    the uploads the message claims, in order, the call recording included
 * @param reopenWindowDays the account's window for reopening a resolved thread
 */
record ValidInbound(Caller.Channel channel, InboundMessage msg, List<Identity> ids, String html, String text,
    List<String> attachmentIds, int reopenWindowDays) {

  String accountId() {
    return channel.accountId();
  }

  /** What identifies a repeat: the adapter's id for the message on this channel. */
  DedupeKey dedupeKey() {
    return new DedupeKey(channel.channelId(), msg.externalId());
  }

  record DedupeKey(String channelId, String externalId) {
  }

  /** The call this message is an event of, or null: events of one call make one message. */
  CallKey callKey() {
    String callId = msg.call() == null ? null : msg.call().callId();
    return callId == null || callId.isBlank() ? null : new CallKey(channel.channelId(), callId);
  }

  record CallKey(String channelId, String callId) {
  }
}
