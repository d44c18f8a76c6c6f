package io.switchboard.realtime;

/**
 * How many frames one stream connection may send: a token bucket (a steady rate and a burst),
 * checked on the socket's own event loop before a frame is handed to the stream context, so a
 * flooding client costs its own loop a counter and nobody else anything. Frames over the budget
 * are dropped; a client that keeps sending far past it is closed (1008).
 *
 * <p>Not thread-safe: one per connection, used on the connection's event loop only.
 */
final class FrameBudget {

  enum Verdict { ACCEPT, DROP, CLOSE }

  private final double perNano;
  private final double burst;
  private final int closeAfterDropped;
  private double tokens;
  private long refilledAt;
  /** Frames dropped since the budget last had room: a client that never slows down is closed. */
  private int droppedInARow;

  /**
   * @param perSecond         the steady rate
   * @param burst             frames allowed at once after a quiet spell
   * @param closeAfterDropped dropped frames in a row (without the bucket ever refilling one) that
   *                          close the connection
   */
  FrameBudget(double perSecond, int burst, int closeAfterDropped, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.closeAfterDropped = closeAfterDropped;
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  Verdict take(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - refilledAt) * perNano);
    refilledAt = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      droppedInARow = 0;
      return Verdict.ACCEPT;
    }
    droppedInARow++;
    return droppedInARow >= closeAfterDropped ? Verdict.CLOSE : Verdict.DROP;
  }
}
