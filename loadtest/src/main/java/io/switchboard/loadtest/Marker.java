package io.switchboard.loadtest;

/**
 * What a load message carries in its text so that any receiver can tell which message it is and
 * when it was meant to be sent: {@code lt:<run>:<n>:<intendedNanos>}. The intended time is this
 * process's {@link System#nanoTime()}, so senders and receivers share one clock.
 */
record Marker(String run, long n, long intendedNanos) {

  static final String PREFIX = "lt:";

  String text() {
    return PREFIX + run + ":" + n + ":" + intendedNanos;
  }

  /** The provider's message id: unique per run, so the database check can find the run's messages. */
  String externalId() {
    return "lt-" + run + "-" + n;
  }

  static String externalIdPrefix(String run) {
    return "lt-" + run + "-";
  }

  /** Reads a marker at {@code from} in {@code s}; null when there is none or it is malformed. */
  static Marker parse(String s, int from) {
    if (from < 0 || !s.startsWith(PREFIX, from)) {
      return null;
    }
    int runStart = from + PREFIX.length();
    int runEnd = s.indexOf(':', runStart);
    if (runEnd < 0) {
      return null;
    }
    int nEnd = s.indexOf(':', runEnd + 1);
    if (nEnd < 0) {
      return null;
    }
    int end = nEnd + 1;
    if (end < s.length() && s.charAt(end) == '-') {
      end++;
    }
    while (end < s.length() && Character.isDigit(s.charAt(end))) {
      end++;
    }
    try {
      return new Marker(s.substring(runStart, runEnd), Long.parseLong(s.substring(runEnd + 1, nEnd)),
          Long.parseLong(s.substring(nEnd + 1, end)));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
