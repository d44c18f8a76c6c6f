package io.switchboard.sla;

import java.time.Instant;
import java.util.List;

/**
 * An SLA policy as the contract shows it. Targets are business minutes (null: that metric has no
 * target); businessHoursId null means the clock runs around the clock.
 */
public record SlaPolicy(String id, String name, int position, Match match, Integer firstResponseMinutes,
    Integer nextResponseMinutes, Integer resolutionMinutes, String businessHoursId, int warnBeforeMinutes,
    List<Escalation> escalation, Instant updatedAt) {

  /** Empty lists match everything. */
  public record Match(List<String> priority, List<String> channel) {
  }

  public record Escalation(int afterBreachMinutes, String action, String teamId) {
  }

  /** First-match test: the conversation's priority and any of its channel kinds. */
  public boolean matches(String priority, List<String> channels) {
    boolean byPriority = match.priority().isEmpty() || match.priority().contains(priority);
    boolean byChannel = match.channel().isEmpty() || channels.stream().anyMatch(match.channel()::contains);
    return byPriority && byChannel;
  }

  /** The target of a metric in minutes, or null. */
  public Integer target(Metric metric) {
    return switch (metric) {
      case FIRST_RESPONSE -> firstResponseMinutes;
      case NEXT_RESPONSE -> nextResponseMinutes;
      case RESOLUTION -> resolutionMinutes;
    };
  }

  /** The three clocks, named as in the contract. */
  public enum Metric {
    FIRST_RESPONSE("firstResponse"), NEXT_RESPONSE("nextResponse"), RESOLUTION("resolution");

    public final String json;

    Metric(String json) {
      this.json = json;
    }

    public static Metric of(String json) {
      for (Metric m : values()) {
        if (m.json.equals(json)) {
          return m;
        }
      }
      throw new IllegalArgumentException(json);
    }
  }
}
