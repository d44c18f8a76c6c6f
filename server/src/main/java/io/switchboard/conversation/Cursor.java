package io.switchboard.conversation;

import io.switchboard.http.Problem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * An opaque paging cursor: a row's position in a (time desc, id desc) order. Clients pass it back
 * verbatim; anything else is a 422.
 */
public record Cursor(Instant at, String id, int rank) {

  /** rank orders search results before time (a lower rank first); 0 in plain lists. */
  public Cursor(Instant at, String id) {
    this(at, id, 0);
  }

  public String encode() {
    String raw = (rank == 0 ? "" : rank + "~") + at + "|" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  public static Cursor decode(String field, String value) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
      int rank = 0;
      int tilde = raw.indexOf('~');
      if (tilde > 0 && tilde < raw.indexOf('|')) {
        rank = Integer.parseInt(raw.substring(0, tilde));
        raw = raw.substring(tilde + 1);
      }
      int bar = raw.indexOf('|');
      String id = raw.substring(bar + 1);
      if (id.isEmpty() || id.length() > 200 || id.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("not an id");
      }
      return new Cursor(Instant.parse(raw.substring(0, bar)), id, rank);
    } catch (RuntimeException e) {
      throw Problem.invalid(field, "is not a cursor this server issued");
    }
  }
}
