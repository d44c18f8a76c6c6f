package io.switchboard.demo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The demo's private folder (by default ./.switchboard): secrets generated once, and the channel
 * keys the API shows only once, so a restart can print them again. Every file is owner-only (0600).
 * Blocking file IO: call it from the main thread or a worker, never from an event loop.
 */
final class DemoFiles {

  static final String JWT_SECRET = "jwt-secret";
  static final String PLATFORM_KEY = "platform-key";
  static final String CHANNELS = "demo-channels.json";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;

  DemoFiles(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** The secret kept in {@code name}, generated (256 random bits, base64url) on first use. */
  String secret(String name) {
    Path file = dir.resolve(name);
    try {
      if (Files.exists(file)) {
        String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!kept.isEmpty()) {
          return kept;
        }
      }
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      writePrivate(file, secret + "\n");
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the demo secret in " + file, e);
    }
  }

  /** The channel keys saved by an earlier start, or an empty object. */
  JsonObject channelKeys() {
    Path file = dir.resolve(CHANNELS);
    try {
      return Files.exists(file) ? new JsonObject(Files.readString(file, StandardCharsets.UTF_8)) : new JsonObject();
    } catch (IOException | io.vertx.core.json.DecodeException e) {
      // A damaged file only costs a key rotation: the setup issues new keys for channels it lacks.
      return new JsonObject();
    }
  }

  void saveChannelKeys(JsonObject keys) {
    try {
      writePrivate(dir.resolve(CHANNELS), keys.encodePrettily() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the demo channel keys in " + dir, e);
    }
  }

  /** Writes through a temporary file created 0600, so the secret is never readable by others. */
  private void writePrivate(Path file, String content) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
