package io.switchboard.events;

import java.time.Instant;

/**
 * An event as its transaction wrote it, numbered: handed to this node's live streams straight after
 * the commit, so they need not read back what was just written.
 *
 * @param data the event's data, already encoded as JSON
 */
public record CommittedEvent(long seq, Instant at, String type, String conversationId, String teamId,
    String assigneeId, String prevTeamId, String prevAssigneeId, String data) {
}
