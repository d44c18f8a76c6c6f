package io.switchboard.config;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * The server's settings, read once from environment variables (see shared/api.md, "Configuration")
 * and validated here so the rest of the code can trust them.
 */
public record Config(
    int httpPort,
    String publicUrl,
    String pgUrl,
    String redisUrl,
    String redisPrefix,
    Optional<String> platformKey,
    String jwtSecret,
    boolean demo,
    int smtpPort,
    String clusterMembers,
    int clusterPort,
    String nodeId,
    int passwordIterations,
    Tuning tuning,
    String dataKey,
    String adapters,
    Map<String, String> env) {

  public Config {
    if (jwtSecret == null || jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new IllegalStateException("SWITCHBOARD_JWT_SECRET must be set to at least 32 bytes");
    }
    if (passwordIterations < 1000) {
      throw new IllegalStateException("SWITCHBOARD_PASSWORD_ITERATIONS must be at least 1000");
    }
    if (!adapters.equals("in-process") && !adapters.equals("none")) {
      throw new IllegalStateException("SWITCHBOARD_ADAPTERS must be in-process or none, got '" + adapters + "'");
    }
    env = Map.copyOf(env);
  }

  /** Whether this server runs the channel adapters itself (SWITCHBOARD_ADAPTERS=in-process). */
  public boolean adaptersInProcess() {
    return adapters.equals("in-process");
  }

  /** Reads the configuration from the given variables; a missing JWT secret is an error. */
  public static Config fromEnv(Map<String, String> env) {
    int port = intVar(env, "SWITCHBOARD_HTTP_PORT", 8080);
    String publicUrl = env.getOrDefault("SWITCHBOARD_PUBLIC_URL", "http://localhost:" + port);
    return new Config(
        port,
        stripSlash(publicUrl),
        env.getOrDefault("SWITCHBOARD_PG_URL", "postgresql://postgres@127.0.0.1:5432/switchboard"),
        env.getOrDefault("SWITCHBOARD_REDIS_URL", "redis://127.0.0.1:6379"),
        env.getOrDefault("SWITCHBOARD_REDIS_PREFIX", "sb:"),
        Optional.ofNullable(blankToNull(env.get("SWITCHBOARD_PLATFORM_KEY"))),
        env.get("SWITCHBOARD_JWT_SECRET"),
        Boolean.parseBoolean(env.getOrDefault("SWITCHBOARD_DEMO", "false")),
        intVar(env, "SWITCHBOARD_SMTP_PORT", 2525),
        env.getOrDefault("SWITCHBOARD_CLUSTER_MEMBERS", ""),
        intVar(env, "SWITCHBOARD_CLUSTER_PORT", 5701),
        env.getOrDefault("SWITCHBOARD_NODE_ID", hostName() + ":" + port),
        intVar(env, "SWITCHBOARD_PASSWORD_ITERATIONS", 600_000),
        Tuning.fromEnv(env),
        // Unset: derived from the JWT secret (SecretBox hashes whichever it gets).
        Optional.ofNullable(blankToNull(env.get("SWITCHBOARD_DATA_KEY"))).orElse(env.get("SWITCHBOARD_JWT_SECRET")),
        env.getOrDefault("SWITCHBOARD_ADAPTERS", "in-process").trim(),
        // The adapters read their own settings (SMTP port and relay, rates) from the same variables.
        env);
  }

  public Config withHttpPort(int port) {
    return new Config(port, publicUrl, pgUrl, redisUrl, redisPrefix, platformKey, jwtSecret, demo,
        smtpPort, clusterMembers, clusterPort, nodeId, passwordIterations, tuning, dataKey, adapters, env);
  }

  public Config withPublicUrl(String url) {
    return new Config(httpPort, stripSlash(url), pgUrl, redisUrl, redisPrefix, platformKey, jwtSecret, demo,
        smtpPort, clusterMembers, clusterPort, nodeId, passwordIterations, tuning, dataKey, adapters, env);
  }

  static int intVar(Map<String, String> env, String name, int fallback) {
    String v = blankToNull(env.get(name));
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a number, got '" + v + "'");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
