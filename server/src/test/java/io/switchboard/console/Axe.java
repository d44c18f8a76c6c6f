package io.switchboard.console;

import com.microsoft.playwright.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * axe-core, Deque's accessibility rules engine, run inside the page. It is not on Maven Central as
 * a jar this build can resolve, so the first use downloads the npm package of a pinned version, checks
 * it against the registry's sha512 and keeps it under target/ (AXE_CORE_JS names a local axe.min.js
 * instead, for a machine without network).
 */
final class Axe {

  static final String VERSION = "4.10.3";
  private static final String TARBALL = "https://registry.npmjs.org/axe-core/-/axe-core-" + VERSION + ".tgz";
  private static final String SHA512 =
      "Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg==";
  private static final Path CACHE = Path.of("target", "axe-core-" + VERSION + ".min.js");
  private static String source;

  private Axe() {
  }

  static synchronized String source() throws IOException, InterruptedException {
    if (source != null) {
      return source;
    }
    String local = System.getenv("AXE_CORE_JS");
    if (local != null && !local.isBlank()) {
      return source = Files.readString(Path.of(local));
    }
    if (!Files.exists(CACHE)) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
          .followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(TARBALL)).timeout(Duration.ofSeconds(60))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("axe-core download: HTTP " + r.statusCode() + " from " + TARBALL);
      }
      String digest = Base64.getEncoder().encodeToString(sha512(r.body()));
      if (!digest.equals(SHA512)) {
        throw new IOException("axe-core download: sha512 " + digest + " is not the pinned one");
      }
      Files.createDirectories(CACHE.getParent());
      Files.write(CACHE, fileInTar(new GZIPInputStream(new java.io.ByteArrayInputStream(r.body())),
          "package/axe.min.js"));
    }
    return source = Files.readString(CACHE);
  }

  /**
   * The serious and critical violations on the page as "rule: target (summary)" lines. The browser
   * context must bypass CSP (the console allows no inline script, and axe is injected as one).
   */
  static List<String> seriousViolations(Page page) throws IOException, InterruptedException {
    if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe === 'object'"))) {
      page.addScriptTag(new Page.AddScriptTagOptions().setContent(source()));
    }
    String json = (String) page.evaluate("async () => JSON.stringify((await axe.run(document, "
        + "{ resultTypes: ['violations'] })).violations)");
    List<String> out = new ArrayList<>();
    for (Object o : new JsonArray(json)) {
      JsonObject v = (JsonObject) o;
      String impact = v.getString("impact");
      if (!"serious".equals(impact) && !"critical".equals(impact)) {
        continue;
      }
      for (Object n : v.getJsonArray("nodes")) {
        JsonObject node = (JsonObject) n;
        out.add(v.getString("id") + ": " + node.getJsonArray("target").encode() + " ("
            + String.valueOf(node.getString("failureSummary")).replace('\n', ' ') + ")");
      }
    }
    return out;
  }

  private static byte[] sha512(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One file of a (ustar) tar stream: 512-byte headers, each followed by the file padded to 512. */
  private static byte[] fileInTar(InputStream in, String name) throws IOException {
    byte[] header = new byte[512];
    while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
      String entry = cString(header, 0, 100);
      String prefix = cString(header, 345, 155);
      String full = prefix.isEmpty() ? entry : prefix + "/" + entry;
      long size = Long.parseLong(cString(header, 124, 12).trim(), 8);
      byte[] body = in.readNBytes((int) size);
      in.readNBytes((int) ((512 - size % 512) % 512));
      if (full.equals(name)) {
        return body;
      }
    }
    throw new IOException(name + " is not in the axe-core package");
  }

  private static String cString(byte[] b, int from, int max) {
    int end = from;
    while (end < from + max && b[end] != 0) {
      end++;
    }
    return new String(b, from, end - from, StandardCharsets.UTF_8);
  }
}
