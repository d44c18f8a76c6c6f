package io.switchboard.account;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** JSON answers of the account, people and auth endpoints. */
public final class AccountViews {

  private AccountViews() {
  }

  public record CreatedAccount(String id, String name, String adminId) {
  }

  public record UserView(String id, String name, String email, String role, String accountId, List<String> teamIds,
      List<String> skills, Integer capacity, boolean disabled, String status, Instant lastSeenAt) {
  }

  public record Session(String token, Instant expiresAt, String refreshToken, UserView user) {
  }

  public record TeamView(String id, String name, List<String> memberIds) {
  }

  public record AccountView(String id, String name, String timezone, String defaultRegion, int reopenWindowDays,
      Map<String, Object> notifications) {
  }

  public record Items<T>(List<T> items) {
  }

  /** An invitation issued: mailed, or (no relay, or it refused) the link for the admin to pass on. */
  public record Invited(UserView user, boolean mailed, String acceptUrl, Instant expiresAt) {
  }
}
