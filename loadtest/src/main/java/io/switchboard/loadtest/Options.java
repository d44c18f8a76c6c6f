package io.switchboard.loadtest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The command line. Without {@code --url} the tool starts the server jar itself with a fresh
 * database; with it, {@code --platform-key} and {@code --pg-url} are needed (and
 * {@code --server-pid} for memory figures).
 */
record Options(boolean quick, boolean smoke, boolean keepData, String url, String platformKey, String pgUrl, long serverPid, Path serverJar,
    Path out, Set<String> scenarios) {

  static final Set<String> ALL = Set.of("ingest", "reconnect", "fanout", "connections", "history", "baselines");

  static Options parse(String[] args) {
    boolean quick = false;
    boolean smoke = false;
    boolean keepData = false;
    String url = null;
    String platformKey = null;
    String pgUrl = null;
    long pid = -1;
    Path jar = Path.of("server/target/switchboard-server.jar");
    Path out = Path.of("docs/benchmarks");
    Set<String> scenarios = new LinkedHashSet<>(ALL);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--smoke" -> smoke = true;
        case "--keep-data" -> keepData = true;
        case "--url" -> url = args[++i];
        case "--platform-key" -> platformKey = args[++i];
        case "--pg-url" -> pgUrl = args[++i];
        case "--server-pid" -> pid = Long.parseLong(args[++i]);
        case "--server-jar" -> jar = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> scenarios = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
        case "--help", "-h" -> throw new IllegalArgumentException(usage());
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
      }
    }
    if (!ALL.containsAll(scenarios)) {
      throw new IllegalArgumentException("--only takes " + ALL);
    }
    if (url != null && (platformKey == null || pgUrl == null)) {
      throw new IllegalArgumentException("--url needs --platform-key and --pg-url\n" + usage());
    }
    return new Options(quick, smoke, keepData, url, platformKey, pgUrl, pid, jar, out, scenarios);
  }

  static String usage() {
    return """
        usage: loadtest/run.sh [--quick | --smoke] [--keep-data] [--only ingest,reconnect,fanout,connections,history,baselines] [--out docs/benchmarks]
                               [--server-jar server/target/switchboard-server.jar]
                               [--url http://127.0.0.1:8080 --platform-key KEY --pg-url postgresql://... [--server-pid PID]]""";
  }
}
