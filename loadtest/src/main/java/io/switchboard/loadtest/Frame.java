package io.switchboard.loadtest;

/**
 * The few fields a receiver needs from a stream frame, read without decoding the whole JSON: at
 * tens of thousands of frames a second a full parse would make the tool, not the server, the
 * bottleneck. The server writes durable events as {@code {"seq":N,"type":"...","at":...,"data":{...}}};
 * the header fields come before {@code data}, so the first {@code "type"} is the frame's own.
 * Whitespace after a colon is allowed (the data part is PostgreSQL's jsonb text, which has it).
 *
 * @param seq    the durable event's seq, or -1 for an ephemeral frame
 * @param type   the frame type, or null
 * @param marker the load marker of a message.created event, or null
 */
record Frame(long seq, String type, Marker marker) {

  static Frame scan(String json) {
    int dataAt = json.indexOf("\"data\":");
    int headerEnd = dataAt < 0 ? json.length() : dataAt;
    long seq = -1;
    int s = valueAt(json, "\"seq\":", 0, headerEnd);
    if (s >= 0) {
      int j = s;
      while (j < headerEnd && Character.isDigit(json.charAt(j))) {
        j++;
      }
      if (j > s) {
        seq = Long.parseLong(json.substring(s, j));
      }
    }
    String type = null;
    int t = valueAt(json, "\"type\":", 0, headerEnd);
    if (t >= 0 && t < json.length() && json.charAt(t) == '"') {
      int end = json.indexOf('"', t + 1);
      type = end < 0 ? null : json.substring(t + 1, end);
    }
    Marker marker = null;
    if ("message.created".equals(type) && dataAt >= 0) {
      int from = dataAt;
      while (marker == null) {
        int text = valueAt(json, "\"text\":", from, json.length());
        if (text < 0) {
          break;
        }
        if (json.charAt(text) == '"') {
          marker = Marker.parse(json, text + 1);
        }
        from = text;
      }
    }
    return new Frame(seq, type, marker);
  }

  /** Where the value of the first {@code key} in [from, to) starts (after the colon and any spaces), or -1. */
  private static int valueAt(String json, String key, int from, int to) {
    int k = json.indexOf(key, from);
    if (k < 0 || k >= to) {
      return -1;
    }
    int i = k + key.length();
    while (i < json.length() && json.charAt(i) == ' ') {
      i++;
    }
    return i < json.length() ? i : -1;
  }
}
