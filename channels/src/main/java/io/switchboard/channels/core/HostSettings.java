package io.switchboard.channels.core;

import java.util.Map;

/**
 * Settings of the process that runs adapters (the server's, or a standalone one), from the same
 * environment variables in both cases (see README, "Configuration").
 *
 * @param publicUrl  the origin providers and browsers reach (webhook URLs, signatures over URLs)
 * @param smtpPort   the email kind's SMTP listener (0: any free port, for tests)
 * @param smtpRelay  smtp://user:pass@host:port for replies of email channels without a relay, or null
 * @param env        every variable, for settings a kind adds
 */
public record HostSettings(String publicUrl, int smtpPort, String smtpRelay, Map<String, String> env) {

  public static HostSettings fromEnv(Map<String, String> env, String defaultPublicUrl) {
    String url = blank(env.get("SWITCHBOARD_PUBLIC_URL")) ? defaultPublicUrl : env.get("SWITCHBOARD_PUBLIC_URL");
    String relay = blank(env.get("SWITCHBOARD_SMTP_RELAY")) ? null : env.get("SWITCHBOARD_SMTP_RELAY").trim();
    return new HostSettings(url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
        intVar(env, "SWITCHBOARD_SMTP_PORT", 2525), relay, Map.copyOf(env));
  }

  /** A whole-number setting, or the fallback when unset. */
  public int intSetting(String name, int fallback) {
    return intVar(env, name, fallback);
  }

  public static int intVar(Map<String, String> env, String name, int fallback) {
    String v = env.get(name);
    if (blank(v)) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a number, got '" + v + "'");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
