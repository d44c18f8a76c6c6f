package io.switchboard.loadtest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line. Without {@code --url} the tool starts the server jar itself with a fresh
 * database; with it, {@code --platform-key} and {@code --pg-url} are needed (and
 * {@code --server-pid} for memory figures).
 */
record Options(boolean quick, boolean smoke, boolean keepData, String url, String platformKey, String pgUrl, long serverPid, Path serverJar,
    Path out, Set<String> scenarios, List<Audience> audiences, WsDeflate deflate, boolean compareDeflate,
    List<Integer> rates, long historyMessages) {

  static final Set<String> ALL = Set.of("ingest", "reconnect", "fanout", "connections", "history", "search", "baselines",
      "naive", "cluster");

  /**
   * Whether the server the tool starts gets {@code SWITCHBOARD_WS_COMPRESSION=true}: when stream
   * clients ask for permessage-deflate, or the idle connections are measured both ways.
   */
  boolean serverCompression() {
    return deflate.on() || compareDeflate;
  }

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
    List<Audience> audiences = List.of(Audience.CROWD);
    boolean deflate = false;
    int deflateLevel = WsDeflate.OFF.level();
    boolean noContext = false;
    boolean compareDeflate = false;
    List<Integer> rates = null;
    long historyMessages = 0;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--smoke" -> smoke = true;
        case "--keep-data" -> keepData = true;
        case "--url" -> url = value(args, ++i, a);
        case "--platform-key" -> platformKey = value(args, ++i, a);
        case "--pg-url" -> pgUrl = value(args, ++i, a);
        case "--server-pid" -> pid = number(value(args, ++i, a), a);
        case "--server-jar" -> jar = Path.of(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--only" -> scenarios = new LinkedHashSet<>(Arrays.asList(value(args, ++i, a).split(",")));
        case "--audience" -> audiences = Audience.parseList(value(args, ++i, a));
        case "--ws-deflate" -> deflate = true;
        case "--ws-deflate-level" -> deflateLevel = number(value(args, ++i, a), a);
        case "--ws-deflate-no-context" -> noContext = true;
        case "--compare-deflate" -> compareDeflate = true;
        case "--rates" -> rates = rates(value(args, ++i, a), a);
        case "--history-messages" -> {
          historyMessages = number(value(args, ++i, a), a);
          if (historyMessages <= 0) {
            throw new IllegalArgumentException(a + " takes a count above zero");
          }
        }
        case "--help", "-h" -> throw new IllegalArgumentException(usage());
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
      }
    }
    if (!ALL.containsAll(scenarios)) {
      throw new IllegalArgumentException("--only takes " + ALL);
    }
    if (historyMessages < 0) {
      throw new IllegalArgumentException("--history-messages takes a count above zero");
    }
    if (url != null && (platformKey == null || pgUrl == null)) {
      throw new IllegalArgumentException("--url needs --platform-key and --pg-url\n" + usage());
    }
    if ((deflateLevel != WsDeflate.OFF.level() || noContext) && !deflate && !compareDeflate) {
      throw new IllegalArgumentException("--ws-deflate-level and --ws-deflate-no-context go with --ws-deflate or --compare-deflate");
    }
    return new Options(quick, smoke, keepData, url, platformKey, pgUrl, pid, jar, out, scenarios, audiences,
        new WsDeflate(deflate, deflateLevel, noContext), compareDeflate, rates, historyMessages);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + usage());
    }
    return args[i];
  }

  /** Rising rates for the ingest ramp (and the naive baseline's), instead of the plan's. */
  private static List<Integer> rates(String text, String option) {
    List<Integer> rates = Arrays.stream(text.split(",")).map(r -> number(r.trim(), option)).toList();
    for (int i = 0; i < rates.size(); i++) {
      if (rates.get(i) <= 0 || (i > 0 && rates.get(i) <= rates.get(i - 1))) {
        throw new IllegalArgumentException(option + " takes rising rates above zero: " + text);
      }
    }
    return rates;
  }

  private static int number(String text, String option) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a number: " + text);
    }
  }

  static String usage() {
    return """
        usage: loadtest/run.sh [--quick | --smoke] [--keep-data] [--only ingest,reconnect,fanout,connections,history,search,baselines,naive,cluster] [--out docs/benchmarks]
                               [--audience team|N[,...]]   ingest ramp audience: the team crowd (default), or N stream clients seeing every message
                               [--ws-deflate [--ws-deflate-level 1-9] [--ws-deflate-no-context]]   stream clients ask for permessage-deflate
                               [--compare-deflate]         idle connections measured without and with permessage-deflate
                               cluster: scenario 6, the ramp against one clustered node, then two behind a round-robin
                               [--rates 50,100]            the ingest ramp's steps (msg/s) instead of the plan's, for a focused run
                               [--history-messages N]      messages of the large history (scenario 5) instead of the plan's;
                                                           --only search stores it and measures search alone (no ingest after)
                               [--server-jar server/target/switchboard-server.jar]
                               [--url http://127.0.0.1:8080 --platform-key KEY --pg-url postgresql://... [--server-pid PID]]""";
  }
}
