package io.switchboard.channels.core;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The core's adapter API (shared/api.md, "Inbound" and "Outbound"), called with one channel's key.
 * This is the only way an adapter reaches the core, whether it runs in the server's process or
 * standalone, so both run the same code over the same HTTP contract.
 */
public final class AdapterApi {

  /** Time allowed for a call that is not a long poll. */
  static final long CALL_TIMEOUT_MS = 30_000;

  private final WebClient client;
  private final URI server;
  private final String key;

  /**
   * @param client a client shared by the adapters of one process
   * @param server the core's base URL, e.g. http://127.0.0.1:8080
   * @param key    the channel key ("sbk_...")
   */
  public AdapterApi(WebClient client, String server, String key) {
    this.client = client;
    this.server = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
    this.key = key;
  }

  /** The channel with its decrypted settings. */
  public Future<ChannelInfo> channel() {
    return send(request(HttpMethod.GET, "/api/v1/adapter/channel"), null, 200).map(r -> ChannelInfo.from(r.bodyAsJsonObject()));
  }

  /** Uploads a file's bytes; the answer's id goes into an inbound message. */
  public Future<Attachment> upload(Buffer bytes, String contentType, String filename) {
    HttpRequest<Buffer> req = request(HttpMethod.POST, "/api/v1/attachments")
        .putHeader("Content-Type", contentType == null ? "application/octet-stream" : contentType)
        .putHeader("X-Filename", safeHeader(filename == null ? "attachment" : filename));
    return req.sendBuffer(bytes).compose(r -> expect(r, 201)).map(r -> Attachment.from(r.bodyAsJsonObject()));
  }

  /** A file of one of this channel's messages (an agent's reply attachment), as bytes. */
  public Future<Buffer> download(String attachmentId) {
    return send(request(HttpMethod.GET, "/api/v1/attachments/" + encode(attachmentId)), null, 200)
        .map(HttpResponse::body);
  }

  /** Posts a customer message; answered once it is committed (202) or found a duplicate (200). */
  public Future<Accepted> inbound(Inbound message) {
    return request(HttpMethod.POST, "/api/v1/inbound").sendJsonObject(message.toJson())
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(r) : expect(r, 202))
        .map(r -> Accepted.from(r.bodyAsJsonObject()));
  }

  /** Long-polls up to waitSeconds for items to deliver. */
  public Future<List<OutboundItem>> poll(int waitSeconds) {
    HttpRequest<Buffer> req = client.request(HttpMethod.GET, port(), server.getHost(),
            path("/api/v1/outbound?wait=" + waitSeconds))
        .ssl("https".equals(server.getScheme()))
        .putHeader("Authorization", "Bearer " + key)
        .timeout((waitSeconds + 15) * 1000L);
    return send(req, null, 200).map(r -> {
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items", new JsonArray());
      List<OutboundItem> out = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        out.add(OutboundItem.from(items.getJsonObject(i)));
      }
      return out;
    });
  }

  /** Acknowledges one leased item. 409 (another status won) is reported to the caller. */
  public Future<Void> ack(OutboundItem item, Delivery delivery) {
    JsonObject body = new JsonObject().put("leaseId", item.leaseId())
        .put("status", delivery.sent() ? "sent" : "failed");
    Inbound.putIf(body, "externalId", delivery.externalId());
    if (!delivery.sent()) {
      body.put("error", truncate(delivery.error(), 4000)).put("retryable", delivery.retryable());
    }
    return send(request(HttpMethod.POST, "/api/v1/outbound/" + encode(item.id()) + "/ack"), body, 204).mapEmpty();
  }

  /** A later provider status of a sent message (delivered, read, failed). */
  public Future<Void> status(String externalId, String status, String error) {
    JsonObject body = new JsonObject().put("externalId", externalId).put("status", status);
    Inbound.putIf(body, "error", error);
    return send(request(HttpMethod.POST, "/api/v1/outbound/status"), body, 204).mapEmpty();
  }

  /** A chat thread's public history (for the widget). */
  public Future<JsonArray> thread(String threadKey) {
    return send(request(HttpMethod.GET, "/api/v1/adapter/threads/" + encode(threadKey) + "/messages"), null, 200)
        .map(r -> r.bodyAsJsonObject().getJsonArray("items", new JsonArray()));
  }

  /** A chat visitor is typing in this thread: shown live to the agents who see its conversation. */
  public Future<Void> typing(String threadKey) {
    return send(request(HttpMethod.POST, "/api/v1/adapter/threads/" + encode(threadKey) + "/typing"),
        new JsonObject(), 204).mapEmpty();
  }

  /** {"agentsOnline","inBusinessHours","nextOpenAt"}. */
  public Future<JsonObject> availability() {
    return send(request(HttpMethod.GET, "/api/v1/adapter/availability"), null, 200).map(HttpResponse::bodyAsJsonObject);
  }

  private HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, port(), server.getHost(), path(path))
        .ssl("https".equals(server.getScheme()))
        .putHeader("Authorization", "Bearer " + key)
        .timeout(CALL_TIMEOUT_MS);
  }

  private Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> req, JsonObject body, int expected) {
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    return sent.compose(r -> expect(r, expected));
  }

  private static Future<HttpResponse<Buffer>> expect(HttpResponse<Buffer> r, int expected) {
    if (r.statusCode() == expected) {
      return Future.succeededFuture(r);
    }
    String detail;
    try {
      JsonObject problem = r.bodyAsJsonObject();
      detail = problem == null ? "" : problem.getString("detail", problem.encode());
    } catch (RuntimeException e) {
      detail = r.bodyAsString() == null ? "" : truncate(r.bodyAsString(), 300);
    }
    return Future.failedFuture(new ApiException(r.statusCode(), detail));
  }

  private int port() {
    return server.getPort() > 0 ? server.getPort() : "https".equals(server.getScheme()) ? 443 : 80;
  }

  private String path(String p) {
    String base = server.getRawPath() == null ? "" : server.getRawPath();
    return base + p;
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** X-Filename is percent-encoded UTF-8 (the core decodes it), so any name survives as one header line. */
  private static String safeHeader(String s) {
    return encode(truncate(s, 255));
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
