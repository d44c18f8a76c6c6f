package io.switchboard.http;

/**
 * A chat channel's signing secret (for "from.signature"), kept apart from {@link Caller.Channel}
 * so that logging a caller never prints it.
 */
public record ChatSecret(String value) {

  @Override
  public String toString() {
    return "ChatSecret[hidden]";
  }
}
