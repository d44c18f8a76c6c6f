package io.switchboard.account;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Request bodies of the account, people and auth endpoints. */
public final class AccountRequests {

  private AccountRequests() {
  }

  public record NewAdmin(String email, String name, String password) {
  }

  public record CreateAccount(String name, String timezone, String defaultRegion, NewAdmin admin) {
  }

  public record Login(String email, String password) {
  }

  public record Refresh(String refreshToken) {
  }

  public record ChangePassword(String current, @JsonProperty("new") String next) {
  }

  public record CreateUser(String email, String name, String password, String role, List<String> teamIds,
      List<String> skills, Integer capacity) {
  }

  public record PatchUser(String name, String role, List<String> teamIds, List<String> skills, Integer capacity,
      Boolean disabled) {
  }

  public record TeamBody(String name) {
  }

  public record PatchAccount(String name, String timezone, String defaultRegion, Integer reopenWindowDays,
      Map<String, Boolean> notifications) {
  }

  /** An invitation by email: the invitee sets name and password themselves (name here is a default). */
  public record Invite(String email, String name, String role, List<String> teamIds) {
  }

  public record AcceptInvitation(String name, String password) {
  }
}
