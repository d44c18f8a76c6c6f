package io.switchboard.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database baseline: pgbench running the writes of one ingest transaction (a message row, a
 * conversation touch, two events appended without a seq, as the server does since the sequencer)
 * against the same schema, with durable commits (server defaults), at 1, 8 and 32 clients. All
 * clients share one account and 64 conversations, as in the ingest scenario.
 */
final class PgBench {

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  private static final String SETUP = """
      INSERT INTO account (id, name) VALUES ('acct_pgbench', 'pgbench') ON CONFLICT DO NOTHING;
      INSERT INTO account_seq (account_id) VALUES ('acct_pgbench') ON CONFLICT DO NOTHING;
      INSERT INTO contact (id, account_id, name) VALUES ('ct_pgbench', 'acct_pgbench', 'pgbench') ON CONFLICT DO NOTHING;
      INSERT INTO conversation (id, account_id, contact_id)
        SELECT 'cv_pgbench_' || i, 'acct_pgbench', 'ct_pgbench' FROM generate_series(0, 63) i ON CONFLICT DO NOTHING;
      """;

  private static final String SCRIPT = """
      \\set n random(1, 9000000000000000000)
      \\set conv random(0, 63)
      BEGIN;
      SELECT pg_advisory_xact_lock(hashtextextended('pgb:' || :n, 0));
      SELECT id, status, team_id, assignee_id FROM conversation WHERE id = 'cv_pgbench_' || :conv AND account_id = 'acct_pgbench' FOR UPDATE;
      INSERT INTO message (id, account_id, conversation_id, direction, author_type, external_id, text)
        VALUES ('msg_pgb_' || :n, 'acct_pgbench', 'cv_pgbench_' || :conv, 'inbound', 'contact', 'pgb-' || :n, repeat('lorem ipsum ', 30));
      UPDATE conversation SET last_message_at = now(), last_inbound_at = now() WHERE id = 'cv_pgbench_' || :conv;
      INSERT INTO event (account_id, type, conversation_id, data) VALUES
        ('acct_pgbench', 'conversation.updated', 'cv_pgbench_' || :conv, '{"status":"open"}'),
        ('acct_pgbench', 'message.created', 'cv_pgbench_' || :conv, '{"text":"lorem ipsum"}');
      COMMIT;
      """;

  /** Messages per transaction in the pipelined variant: the ceiling micro-batched ingest could reach. */
  static final int BATCH = 10;

  /** tps counts transactions; each carries {@code batch} messages. */
  record Result(int clients, int batch, double tps, double latencyMillis) {

    double messagesPerSecond() {
      return tps * batch;
    }
  }

  /**
   * The same writes for {@link #BATCH} messages of one conversation in one transaction, sent as one
   * pipeline (one round trip, one commit): what micro-batching the ingest path would buy at most.
   */
  static String batchScript() {
    StringBuilder s = new StringBuilder("\\set conv random(0, 63)\n");
    for (int i = 0; i < BATCH; i++) {
      s.append("\\set n").append(i).append(" random(1, 9000000000000000000)\n");
    }
    s.append("\\startpipeline\nBEGIN;\n");
    s.append("SELECT id FROM conversation WHERE id = 'cv_pgbench_' || :conv AND account_id = 'acct_pgbench' FOR UPDATE;\n");
    for (int i = 0; i < BATCH; i++) {
      String n = ":n" + i;
      s.append("SELECT pg_advisory_xact_lock(hashtextextended('pgb:' || ").append(n).append(", 0));\n");
      s.append("INSERT INTO message (id, account_id, conversation_id, direction, author_type, external_id, text) VALUES ('msg_pgb_' || ")
          .append(n).append(", 'acct_pgbench', 'cv_pgbench_' || :conv, 'inbound', 'contact', 'pgb-' || ").append(n)
          .append(", repeat('lorem ipsum ', 30));\n");
      s.append("UPDATE conversation SET last_message_at = now(), last_inbound_at = now() WHERE id = 'cv_pgbench_' || :conv;\n");
      s.append("INSERT INTO event (account_id, type, conversation_id, data) VALUES ('acct_pgbench', 'conversation.updated', ")
          .append("'cv_pgbench_' || :conv, '{\"status\":\"open\"}'), ('acct_pgbench', 'message.created', 'cv_pgbench_' || :conv, ")
          .append("'{\"text\":\"lorem ipsum\"}');\n");
    }
    s.append("COMMIT;\n\\endpipeline\n");
    return s.toString();
  }

  static boolean available() {
    return executable() != null;
  }

  static Path executable() {
    for (String p : List.of("/usr/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }

  /**
   * Runs each client count for {@code seconds} (one message per transaction), then the pipelined
   * batch at 8 clients; returns one result per run.
   */
  static List<Result> run(String database, int seconds, List<Integer> clientCounts, Path workDir)
      throws IOException, InterruptedException {
    Path script = workDir.resolve("ingest-transaction.sql");
    Files.writeString(script, SCRIPT);
    Path batch = workDir.resolve("ingest-batch-pipelined.sql");
    Files.writeString(batch, batchScript());
    exec(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-q",
        "-c", SETUP));
    List<Result> results = new ArrayList<>();
    for (int clients : clientCounts) {
      results.add(bench(database, seconds, clients, script, 1, List.of()));
    }
    results.add(bench(database, seconds, 8, batch, BATCH, List.of("-M", "extended")));
    return results;
  }

  private static Result bench(String database, int seconds, int clients, Path script, int batch, List<String> extra)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable().toString(), "-h", "127.0.0.1", "-U", "postgres", "-n",
        "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)), "-T", Integer.toString(seconds)));
    command.addAll(extra);
    command.addAll(List.of("-f", script.toString(), database));
    String out = exec(command);
    return new Result(clients, batch, number(TPS, out), number(LATENCY, out));
  }

  private static double number(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static String exec(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command.subList(0, 1)) + " failed: " + out);
    }
    return out;
  }
}
