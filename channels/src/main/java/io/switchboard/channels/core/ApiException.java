package io.switchboard.channels.core;

/** The core answered an adapter API call with an error status (its problem+json detail kept). */
public final class ApiException extends RuntimeException {

  private final int status;

  public ApiException(int status, String detail) {
    super("HTTP " + status + ": " + detail);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** Worth trying again later: the core is overloaded, down or restarting. */
  public boolean transientFailure() {
    return status == 429 || status >= 500;
  }
}
