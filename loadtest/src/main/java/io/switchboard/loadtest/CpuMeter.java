package io.switchboard.loadtest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Who used the machine's cores during a window: the server, PostgreSQL, this tool, and everything
 * else (which should be near zero; if not, the figures are skewed by other work). Linux /proc.
 */
final class CpuMeter {

  /**
   * Cores in use on average over a window (2.0 = both cores of this box, fully). With several
   * server nodes, {@code server} is their sum and {@code nodes} each one's share, in order.
   */
  record Usage(double server, double postgres, double tool, double other, List<Double> nodes) {

    static final Usage UNKNOWN = new Usage(Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());

    String show() {
      return Stats.fmt(server) + " / " + Stats.fmt(postgres) + " / " + Stats.fmt(tool) + " / " + Stats.fmt(other);
    }
  }

  private record Snapshot(long nanos, long[] nodes, long postgres, long tool, long busyMachine) {

    long server() {
      return java.util.Arrays.stream(nodes).sum();
    }
  }

  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private final List<Long> serverPids;
  private Snapshot start;

  /** {@code serverPids}: the server's nodes (none known: an external server). */
  CpuMeter(List<Long> serverPids) {
    this.serverPids = serverPids.stream().filter(pid -> pid > 0).toList();
  }

  void start() {
    start = snapshot();
  }

  Usage stop() {
    Snapshot end = snapshot();
    if (start == null || end.busyMachine < 0) {
      return Usage.UNKNOWN;
    }
    double seconds = (end.nanos - start.nanos) / 1e9;
    double server = (end.server() - start.server()) / TICKS_PER_SECOND / seconds;
    List<Double> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < end.nodes.length; i++) {
      nodes.add((end.nodes[i] - start.nodes[i]) / TICKS_PER_SECOND / seconds);
    }
    double postgres = (end.postgres - start.postgres) / TICKS_PER_SECOND / seconds;
    double tool = (end.tool - start.tool) / TICKS_PER_SECOND / seconds;
    double busy = (end.busyMachine - start.busyMachine) / TICKS_PER_SECOND / seconds;
    return new Usage(serverPids.isEmpty() ? Double.NaN : server, postgres, tool,
        Math.max(0, busy - server - postgres - tool), List.copyOf(nodes));
  }

  private Snapshot snapshot() {
    long postgres = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path p : procs) {
        String stat = read(p.resolve("stat"));
        if (stat != null && stat.contains("(postgres)")) {
          postgres += ticks(stat);
        }
      }
    } catch (IOException | RuntimeException e) {
      postgres = -1;
    }
    long[] nodes = new long[serverPids.size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = ticks(read(Path.of("/proc", Long.toString(serverPids.get(i)), "stat")));
    }
    long tool = ticks(read(Path.of("/proc/self/stat")));
    return new Snapshot(System.nanoTime(), nodes, postgres, tool, busyMachine());
  }

  /** utime + stime of a /proc/<pid>/stat line (fields 14 and 15, after the parenthesised name). */
  private static long ticks(String stat) {
    if (stat == null) {
      return 0;
    }
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** All non-idle time of all cores (the "cpu" line of /proc/stat, less idle and iowait). */
  private static long busyMachine() {
    String all = read(Path.of("/proc/stat"));
    if (all == null) {
      return -1;
    }
    String[] f = all.substring(0, all.indexOf('\n')).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length && i <= 7; i++) { // up to softirq: steal is not this machine's work
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return null;
    }
  }
}
