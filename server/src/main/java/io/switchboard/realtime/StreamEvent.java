package io.switchboard.realtime;

import io.switchboard.http.Caller;

/**
 * A durable event as read from the log: who may see it, and its frame, encoded once however many
 * connections receive it.
 */
record StreamEvent(long seq, String teamId, String assigneeId, String prevTeamId, String prevAssigneeId,
    String frame) {

  /** Either side of a move counts, so the event that takes a conversation away still reaches its agent. */
  boolean visibleTo(Caller.User user) {
    return user.sees(teamId, assigneeId) || user.sees(prevTeamId, prevAssigneeId);
  }
}
