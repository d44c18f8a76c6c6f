package io.switchboard.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How this node joins others (README, "Running several nodes"). No members: a single node, no
 * cluster manager at all. Members are found only through the list given: multicast, auto-detection
 * and Hazelcast's phone-home are always off.
 *
 * @param members          {@code host:port} of the other nodes (this node's own may be listed too)
 * @param port             this node's Hazelcast port
 * @param host             the address this node binds and announces for Hazelcast and the event
 *                         bus; null lets them pick the machine's address
 * @param heartbeatSeconds a member silent this long is dropped and its work taken over (tests use a
 *                         few seconds; Hazelcast's own default is 60)
 */
public record ClusterSettings(List<String> members, int port, String host, int heartbeatSeconds) {

  public ClusterSettings {
    members = List.copyOf(members);
    for (String member : members) {
      if (!member.matches("[A-Za-z0-9.\\-\\[\\]:]+(:\\d+)?")) {
        throw new IllegalStateException("SWITCHBOARD_CLUSTER_MEMBERS: '" + member + "' is not host:port");
      }
    }
    if (port < 1 || port > 65535) {
      throw new IllegalStateException("SWITCHBOARD_CLUSTER_PORT must be a port number");
    }
    if (heartbeatSeconds < 2) {
      throw new IllegalStateException("SWITCHBOARD_CLUSTER_HEARTBEAT_SECONDS must be at least 2");
    }
  }

  public boolean clustered() {
    return !members.isEmpty();
  }

  public static ClusterSettings fromEnv(Map<String, String> env) {
    List<String> members = Arrays.stream(env.getOrDefault("SWITCHBOARD_CLUSTER_MEMBERS", "").split(","))
        .map(String::trim).filter(m -> !m.isEmpty()).toList();
    String host = env.getOrDefault("SWITCHBOARD_CLUSTER_HOST", "").trim();
    return new ClusterSettings(members, number(env, "SWITCHBOARD_CLUSTER_PORT", 5701), host.isEmpty() ? null : host,
        number(env, "SWITCHBOARD_CLUSTER_HEARTBEAT_SECONDS", 30));
  }

  private static int number(Map<String, String> env, String name, int fallback) {
    String value = env.getOrDefault(name, "").trim();
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a number, got '" + value + "'");
    }
  }
}
