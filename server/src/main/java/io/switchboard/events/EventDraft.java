package io.switchboard.events;

/**
 * An event about to be appended. teamId/assigneeId are the conversation's after the change and
 * prevTeamId/prevAssigneeId before it; they decide who may see the event. data is the full
 * resulting object (serialized by Jackson), so applying an event twice is harmless.
 */
public record EventDraft(String type, String conversationId, String teamId, String assigneeId,
    String prevTeamId, String prevAssigneeId, Object data) {

  /** An event whose visibility does not change (the conversation keeps its team and assignee). */
  public static EventDraft of(String type, String conversationId, String teamId, String assigneeId, Object data) {
    return new EventDraft(type, conversationId, teamId, assigneeId, teamId, assigneeId, data);
  }
}
