package io.switchboard.events;

import java.util.List;

/** What one transaction appended to an account's log, in seq order (empty when nothing). */
public record Appended(String accountId, List<CommittedEvent> events) {

  /** The seq of the last event, 0 when none. */
  public long lastSeq() {
    return events.isEmpty() ? 0L : events.get(events.size() - 1).seq();
  }
}
