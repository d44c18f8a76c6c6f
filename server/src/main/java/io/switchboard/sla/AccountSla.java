package io.switchboard.sla;

import java.util.List;
import java.util.Map;

/**
 * One account's policies (in the order they are tried) and calendars, as cached in memory: the
 * ingest path computes due times from this without a read.
 */
public record AccountSla(List<SlaPolicy> policies, Map<String, BusinessHours> calendars) {

  public static final AccountSla NONE = new AccountSla(List.of(), Map.of());

  /** The first policy by position that matches, or null (no SLA). */
  public SlaPolicy match(String priority, List<String> channels) {
    for (SlaPolicy p : policies) {
      if (p.matches(priority, channels)) {
        return p;
      }
    }
    return null;
  }

  public SlaPolicy policy(String id) {
    for (SlaPolicy p : policies) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    return null;
  }

  /** The policy's calendar; around the clock when it names none (or one deleted since). */
  public BusinessHours hours(SlaPolicy policy) {
    if (policy == null || policy.businessHoursId() == null) {
      return BusinessHours.ALWAYS;
    }
    return calendars.getOrDefault(policy.businessHoursId(), BusinessHours.ALWAYS);
  }
}
