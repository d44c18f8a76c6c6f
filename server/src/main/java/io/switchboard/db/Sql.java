package io.switchboard.db;

import io.vertx.pgclient.PgException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small helpers shared by repositories. */
public final class Sql {

  private Sql() {
  }

  /** True for a unique violation (SQLSTATE 23505), optionally on one named constraint or index. */
  public static boolean isUniqueViolation(Throwable err, String constraint) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState())
        && (constraint == null || constraint.equals(pg.getConstraint())
            || String.valueOf(pg.getDetail()).contains(constraint)
            || String.valueOf(pg.getErrorMessage()).contains(constraint));
  }

  public static boolean isSerializationFailure(Throwable err) {
    return err instanceof PgException pg && ("40001".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState()));
  }

  public static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  public static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
