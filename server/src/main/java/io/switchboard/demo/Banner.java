package io.switchboard.demo;

import io.switchboard.demo.DemoSetup.ChannelKey;
import io.switchboard.demo.DemoSetup.Demo;
import io.switchboard.demo.DemoSetup.Person;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The box demo mode prints at start: where to go, how to sign in, and the channel keys. */
final class Banner {

  private Banner() {
  }

  static String render(Demo demo, String url, Path dir) {
    List<String> lines = new ArrayList<>();
    lines.add("Switchboard demo: " + DemoSetup.ACCOUNT_NAME + (demo.created() ? " (created)" : " (reused)"));
    lines.add("");
    lines.add("  Console   " + url);
    lines.add("  API       " + url + "/api/v1/openapi.json");
    lines.add("");
    lines.add("  Sign in with any of these; the password is " + DemoSetup.PASSWORD);
    for (Person p : demo.logins()) {
      lines.add(String.format("    %-11s %-30s %s", p.role(), p.email(), p.name()));
    }
    lines.add("");
    lines.add("  Channel keys (kept in " + dir.resolve(DemoFiles.CHANNELS) + ")");
    for (ChannelKey k : demo.channelsByKind().values()) {
      lines.add(String.format("    %-7s %s", k.kind(), k.apiKey()));
    }
    lines.add("");
    lines.add("  Simulated customers write every few seconds on every channel.");
    return box(lines);
  }

  static String box(List<String> lines) {
    int width = lines.stream().mapToInt(String::length).max().orElse(0) + 2;
    StringBuilder b = new StringBuilder("\n╔").append("═".repeat(width)).append("╗\n");
    for (String line : lines) {
      b.append("║ ").append(line).append(" ".repeat(width - 1 - line.length())).append("║\n");
    }
    return b.append("╚").append("═".repeat(width)).append("╝\n").toString();
  }
}
