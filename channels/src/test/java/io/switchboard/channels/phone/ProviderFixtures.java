package io.switchboard.channels.phone;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of shared/fixtures/{twilio,meta} (see SOURCES.md there), beside the repository. */
public final class ProviderFixtures {

  private ProviderFixtures() {
  }

  public static Path dir(String provider) {
    String env = System.getenv("SWITCHBOARD_FIXTURES");
    Path module = Path.of(System.getProperty("user.dir"));
    for (Path candidate : new Path[] {
        env == null ? null : Path.of(env).resolve(provider),
        module.resolve("../../shared/fixtures/" + provider),
        module.resolve("../shared/fixtures/" + provider),
        Path.of("/work/shared/fixtures/" + provider)}) {
      if (candidate != null && Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    throw new IllegalStateException("shared/fixtures/" + provider + " not found beside the repository");
  }

  public static byte[] bytes(String provider, String name) {
    try {
      return Files.readAllBytes(dir(provider).resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonObject json(String provider, String name) {
    return new JsonObject(io.vertx.core.buffer.Buffer.buffer(bytes(provider, name)));
  }
}
