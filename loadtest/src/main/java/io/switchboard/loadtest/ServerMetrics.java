package io.switchboard.loadtest;

/** Reads a few figures from the server's Prometheus text at /metrics. */
final class ServerMetrics {

  private ServerMetrics() {
  }

  /** The sum of every sample of {@code name} whose labels contain {@code labelPart}; NaN when absent. */
  static double sum(String text, String name, String labelPart) {
    if (text == null) {
      return Double.NaN;
    }
    double total = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith(name) && (line.length() > name.length())
          && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
          && (labelPart == null || line.contains(labelPart))) {
        try {
          total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        } catch (NumberFormatException e) {
          // not a sample line
        }
      }
    }
    return found ? total : Double.NaN;
  }

  /** JVM direct buffers in KiB (Netty's pooled arenas may sit outside this count). */
  static double directKib(String text) {
    return sum(text, "jvm_buffer_memory_used_bytes", "id=\"direct\"") / 1024;
  }

  static double httpConnections(String text) {
    return sum(text, "vertx_http_server_active_connections", null);
  }
}
