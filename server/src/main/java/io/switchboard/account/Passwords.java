package io.switchboard.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing with PBKDF2-HMAC-SHA256 (the JDK's own slow KDF). Hashing is deliberately slow,
 * so it always runs on a worker thread, never on the event loop.
 * Format: pbkdf2-sha256$iterations$salt$hash (base64), so the cost can rise without a migration.
 */
public final class Passwords {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Vertx vertx;
  private final int iterations;
  private final int maxQueued;
  /** Hashes waiting for or running on a worker thread: bounded, so a sign-in flood cannot queue without end. */
  private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();

  public Passwords(Vertx vertx, int iterations, int maxQueued) {
    this.vertx = vertx;
    this.iterations = iterations;
    this.maxQueued = maxQueued;
  }

  /** Runs one hash on a worker thread, or fails with a 503 at once when too many are waiting. */
  private <T> Future<T> bounded(java.util.concurrent.Callable<T> work) {
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return Future.failedFuture(io.switchboard.http.Problem.unavailable("too many sign-ins at once", 1));
    }
    return vertx.executeBlocking(work, false).andThen(done -> queued.decrementAndGet());
  }

  public Future<String> hash(String password) {
    return bounded(() -> {
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      byte[] hash = derive(password, salt, iterations);
      Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
      return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    });
  }

  /**
   * A hash of a random password at today's cost, made once: verifying against it takes as long as
   * verifying a real password, so a login for an unknown email answers in the same time.
   */
  public synchronized Future<String> decoy() {
    if (decoy == null || decoy.failed()) { // a refused (queue full) decoy is made again next time
      decoy = hash(java.util.UUID.randomUUID().toString());
    }
    return decoy;
  }

  private Future<String> decoy;

  /** The cost a stored hash was made with. */
  public static int iterationsOf(String stored) {
    return Integer.parseInt(stored.split("\\$")[1]);
  }

  public Future<Boolean> verify(String password, String stored) {
    return bounded(() -> {
      String[] parts = stored.split("\\$");
      if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
        return false;
      }
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      byte[] actual = derive(password, salt, Integer.parseInt(parts[1]));
      return MessageDigest.isEqual(expected, actual);
    });
  }

  private static byte[] derive(String password, byte[] salt, int iterations) throws Exception {
    KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
  }
}
