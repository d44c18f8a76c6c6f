package io.switchboard.http;

import io.vertx.core.http.HttpServerRequest;

/** What to do with the body of a request that was answered before its body was read. */
public final class UnreadBody {

  private UnreadBody() {
  }

  /**
   * Reads the rest and drops it, holding nothing in memory; a client that sends more than
   * {@code limit} bytes after the answer loses its connection. Closing at once instead can reset
   * the socket before the client has read the answer.
   */
  public static void discard(HttpServerRequest request, long limit) {
    if (request.isEnded()) {
      return;
    }
    long[] dropped = {0};
    request.handler(chunk -> {
      dropped[0] += chunk.length();
      if (dropped[0] > limit) {
        request.connection().close();
      }
    });
    request.resume();
  }
}
