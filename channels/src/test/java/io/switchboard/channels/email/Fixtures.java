package io.switchboard.channels.email;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real mails of shared/fixtures/email (see SOURCES.md there), beside the repository. */
final class Fixtures {

  private Fixtures() {
  }

  static Path dir() {
    String env = System.getenv("SWITCHBOARD_FIXTURES");
    Path module = Path.of(System.getProperty("user.dir"));
    for (Path candidate : new Path[] {
        env == null ? null : Path.of(env).resolve("email"),
        module.resolve("../../shared/fixtures/email"),
        module.resolve("../shared/fixtures/email"),
        Path.of("/work/shared/fixtures/email")}) {
      if (candidate != null && Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    throw new IllegalStateException("shared/fixtures/email not found beside the repository");
  }

  static byte[] mail(String name) {
    try {
      return Files.readAllBytes(dir().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
