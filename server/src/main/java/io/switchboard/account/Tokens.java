package io.switchboard.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.List;

/**
 * Short-lived access tokens (HS256 JWTs). The algorithm is pinned and exp, iss and aud are required.
 * The token carries the user's token version: a password change or disabling a user bumps it,
 * which invalidates every token issued before.
 */
public final class Tokens {

  public static final String ISSUER = "switchboard";
  public static final String AUDIENCE = "switchboard-api";
  public static final int TTL_SECONDS = 15 * 60;

  public record Claims(String userId, String accountId, String role, int tokenVersion) {
  }

  public record Issued(String token, Instant expiresAt) {
  }

  private final JWTAuth jwt;

  public Tokens(Vertx vertx, String secret) {
    JWTOptions options = new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE))
        .setExpiresInSeconds(TTL_SECONDS)
        .setLeeway(5);
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(options));
  }

  public Issued issue(String userId, String accountId, String role, int tokenVersion) {
    JsonObject claims = new JsonObject()
        .put("sub", userId)
        .put("acc", accountId)
        .put("role", role)
        .put("tv", tokenVersion);
    String token = jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE))
        .setExpiresInSeconds(TTL_SECONDS));
    return new Issued(token, Instant.now().plusSeconds(TTL_SECONDS));
  }

  /** Verifies signature, algorithm, exp, iss and aud; fails for anything else. */
  public Future<Claims> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token)).compose(user -> {
      JsonObject p = user.attributes().getJsonObject("accessToken", user.principal());
      if (p.getValue("exp") == null || !ISSUER.equals(p.getString("iss")) || p.getValue("aud") == null
          || p.getString("sub") == null || p.getString("acc") == null || p.getValue("tv") == null) {
        return Future.failedFuture("token lacks required claims");
      }
      Object aud = p.getValue("aud");
      boolean audOk = aud instanceof String s ? s.equals(AUDIENCE)
          : aud instanceof io.vertx.core.json.JsonArray a && a.contains(AUDIENCE);
      if (!audOk) {
        return Future.failedFuture("wrong audience");
      }
      return Future.succeededFuture(new Claims(p.getString("sub"), p.getString("acc"), p.getString("role"),
          p.getInteger("tv")));
    });
  }
}
