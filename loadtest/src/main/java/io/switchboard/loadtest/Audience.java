package io.switchboard.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Who holds stream connections while the ingest ramp runs. The usual audience is the load
 * account's crowd: every agent of every team plus the supervisors (each message reaches its team's
 * agents and every supervisor). A fixed audience is {@code clients} stream clients that each
 * receive every message of the account (supervisor tabs), and nobody else connected.
 *
 * @param clients 0 for the usual crowd, otherwise how many stream clients
 */
record Audience(int clients) {

  static final Audience CROWD = new Audience(0);

  Audience {
    if (clients < 0) {
      throw new IllegalArgumentException("an audience cannot be negative");
    }
  }

  boolean crowd() {
    return clients == 0;
  }

  /** What the report calls it. */
  String label() {
    return crowd() ? "team agents + supervisors" : clients + " stream clients";
  }

  /** What file names and the command line call it: "team" or the number. */
  String key() {
    return crowd() ? "team" : Integer.toString(clients);
  }

  /** {@code --audience team,20}: one ramp per audience, in this order, without repeats. */
  static List<Audience> parseList(String text) {
    List<Audience> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      Audience a;
      if (p.equals("team") || p.equals("crowd")) {
        a = CROWD;
      } else {
        try {
          a = new Audience(Integer.parseInt(p));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--audience takes team or a number of stream clients, comma-separated: " + p);
        }
        if (a.clients() == 0) {
          throw new IllegalArgumentException("--audience needs at least one stream client");
        }
      }
      if (!out.contains(a)) {
        out.add(a);
      }
    }
    return List.copyOf(out);
  }
}
