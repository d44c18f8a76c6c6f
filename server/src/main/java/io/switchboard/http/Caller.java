package io.switchboard.http;

import java.util.List;

/** Who is calling: a person with a user token, or a channel adapter with a channel key. */
public sealed interface Caller {

  String accountId();

  /** A signed-in person. teamIds are read fresh on each request. */
  record User(String userId, String accountId, String role, String name, List<String> teamIds) implements Caller {

    public boolean atLeast(String minimum) {
      return rank(role) >= rank(minimum);
    }

    /** Supervisors and admins see the whole account; agents their teams, their own and team-less. */
    public boolean seesAll() {
      return atLeast("supervisor");
    }

    public boolean sees(String teamId, String assigneeId) {
      return seesAll() || teamId == null || teamIds.contains(teamId) || userId.equals(assigneeId);
    }

    private static int rank(String role) {
      return switch (role) {
        case "admin" -> 3;
        case "supervisor" -> 2;
        default -> 1;
      };
    }
  }

  /**
   * A channel adapter; a key acts only on its own channel. It carries what ingest needs about the
   * channel and its account (the chat secret is kept apart: see {@link ChatSecret}).
   */
  record Channel(String channelId, String accountId, String kind, String teamId, String defaultRegion,
      int reopenWindowDays) implements Caller {
  }
}
