package io.switchboard.sla;

import io.switchboard.sla.SlaPolicy.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A conversation's SLA clocks as stored, and the pure rules that move them. Anchors (when each
 * clock started, how long it stood still) are facts; due times follow from the anchors, the
 * matching policy and its calendar, so changing the policy recomputes them from the same facts.
 */
public record SlaState(String status, String priority, List<String> channels, String policyId,
    Instant firstResponseAt, Instant firstResponseDueAt, Instant nextResponseDueAt, Instant resolutionDueAt,
    Instant awaitingSince, Instant resolutionStartedAt, Instant resolutionPausedAt, long resolutionPausedSeconds) {

  /** The due times (and policy) this state should have under the account's policies. */
  public SlaState recompute(AccountSla sla) {
    if ("resolved".equals(status)) {
      return withDue(null, null, null, null);
    }
    SlaPolicy policy = sla.match(priority, channels);
    if (policy == null) {
      return withDue(null, null, null, null);
    }
    BusinessHours hours = sla.hours(policy);
    Instant first = firstResponseAt != null ? firstResponseDueAt
        : plus(hours, resolutionStartedAt, policy.firstResponseMinutes(), 0);
    Instant next = firstResponseAt != null && awaitingSince != null
        ? plus(hours, awaitingSince, policy.nextResponseMinutes(), 0) : null;
    Instant resolution = plus(hours, resolutionStartedAt, policy.resolutionMinutes(), resolutionPausedSeconds);
    return withDue(policy.id(), first, next, resolution);
  }

  /** A public human reply: the first response (once), and the customer no longer waits. */
  public SlaState replied(Instant now) {
    return new SlaState(status, priority, channels, policyId, firstResponseAt != null ? firstResponseAt : now,
        firstResponseDueAt, null, resolutionDueAt, null, resolutionStartedAt, resolutionPausedAt,
        resolutionPausedSeconds);
  }

  /**
   * A customer message received at t: opens the clocks of a conversation that has none running,
   * starts a next-response clock once a first response was given.
   */
  public SlaState inbound(Instant t) {
    Instant started = resolutionStartedAt != null ? resolutionStartedAt : t;
    Instant awaiting = firstResponseAt != null && awaitingSince == null ? t : awaitingSince;
    return new SlaState(status, priority, channels, policyId, firstResponseAt, firstResponseDueAt, nextResponseDueAt,
        resolutionDueAt, awaiting, started, resolutionPausedAt, resolutionPausedSeconds);
  }

  /**
   * A status change at now. Pending stops the resolution clock; leaving pending starts it again
   * (the business time spent pending is added, unless the due time had already passed when it
   * stopped); resolved ends every clock; reopening starts a new resolution clock.
   */
  public SlaState status(String to, Instant now, BusinessHours hours) {
    if (to.equals(status)) {
      return this;
    }
    Instant pausedAt = resolutionPausedAt;
    long pausedSeconds = resolutionPausedSeconds;
    Instant started = resolutionStartedAt;
    Instant awaiting = awaitingSince;
    Instant firstDue = firstResponseDueAt;
    if (pausedAt != null && !"pending".equals(to)) {
      if (resolutionDueAt == null || pausedAt.isBefore(resolutionDueAt)) {
        pausedSeconds += hours.between(pausedAt, now).getSeconds();
      }
      pausedAt = null;
    }
    if ("pending".equals(to) && pausedAt == null) {
      pausedAt = now;
    }
    if ("resolved".equals(to)) {
      started = null;
      pausedAt = null;
      pausedSeconds = 0;
      awaiting = null;
      if (firstResponseAt == null) {
        firstDue = null;
      }
    } else if ("resolved".equals(status)) {
      started = now;
    }
    return new SlaState(to, priority, channels, policyId, firstResponseAt, firstDue, nextResponseDueAt,
        resolutionDueAt, awaiting, started, pausedAt, pausedSeconds);
  }

  public SlaState priority(String to) {
    return new SlaState(status, to, channels, policyId, firstResponseAt, firstResponseDueAt, nextResponseDueAt,
        resolutionDueAt, awaitingSince, resolutionStartedAt, resolutionPausedAt, resolutionPausedSeconds);
  }

  public Instant due(Metric metric) {
    return switch (metric) {
      case FIRST_RESPONSE -> firstResponseAt == null ? firstResponseDueAt : null;
      case NEXT_RESPONSE -> nextResponseDueAt;
      case RESOLUTION -> resolutionPausedAt == null ? resolutionDueAt : null;
    };
  }

  private SlaState withDue(String policy, Instant first, Instant next, Instant resolution) {
    return new SlaState(status, priority, channels, policy, firstResponseAt, first, next, resolution, awaitingSince,
        resolutionStartedAt, resolutionPausedAt, resolutionPausedSeconds);
  }

  private static Instant plus(BusinessHours hours, Instant from, Integer minutes, long extraSeconds) {
    if (from == null || minutes == null) {
      return null;
    }
    return hours.plus(from, Duration.ofMinutes(minutes).plusSeconds(extraSeconds));
  }

  /** What an audit row names: the changes from this state to the next. */
  public List<String> changesTo(SlaState next) {
    List<String> out = new java.util.ArrayList<>();
    if (!Objects.equals(policyId, next.policyId)) {
      out.add(policyId == null ? "policy.applied" : next.policyId == null ? "policy.removed" : "policy.switched");
    }
    if (!Objects.equals(priority, next.priority)) {
      out.add("priority.changed");
    }
    if (resolutionPausedAt == null && next.resolutionPausedAt != null) {
      out.add("paused");
    }
    if (resolutionPausedAt != null && next.resolutionPausedAt == null && !"resolved".equals(next.status)) {
      out.add("resumed");
    }
    if (firstResponseAt == null && next.firstResponseAt != null) {
      out.add("firstResponse.given");
    }
    if (awaitingSince != null && next.awaitingSince == null && !"resolved".equals(next.status)) {
      out.add("nextResponse.given");
    }
    if (!"resolved".equals(status) && "resolved".equals(next.status)) {
      out.add("resolved");
    }
    if ("resolved".equals(status) && !"resolved".equals(next.status)) {
      out.add("reopened");
    }
    if (!Objects.equals(firstResponseDueAt, next.firstResponseDueAt)
        || !Objects.equals(nextResponseDueAt, next.nextResponseDueAt)
        || !Objects.equals(resolutionDueAt, next.resolutionDueAt)) {
      out.add("due.changed");
    }
    return out;
  }
}
