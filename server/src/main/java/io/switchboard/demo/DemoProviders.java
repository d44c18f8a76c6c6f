package io.switchboard.demo;

import io.switchboard.channels.core.Signatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The demo's stand-ins for the world outside the shop, both on 127.0.0.1: the mail relay the demo
 * email channel sends agents' replies to (an SMTP sink that counts what it takes and drops it), and
 * Meta's Graph API for the demo social channel (it answers sends as Meta does, and tells the
 * social channel a WhatsApp message was delivered through a signed webhook, as Meta would).
 *
 * <p>Their ports are in the demo channels' settings, so a restart binds the same ports again; a
 * port another program took meanwhile falls back to a free one (the demo's replies then fail until
 * the demo is reset, which the log says).
 */
final class DemoProviders {

  private static final Logger LOG = LoggerFactory.getLogger(DemoProviders.class);
  /** The demo relay takes replies and surveys, never bulk: small mails, few at once. */
  static final int MAX_MAIL = 1024 * 1024;

  private final Vertx vertx;
  private final AtomicLong mailsRelayed = new AtomicLong();
  private final AtomicLong graphSends = new AtomicLong();
  private SMTPServer sink;
  private HttpServer graph;
  private volatile Consumer<JsonObject> whatsappStatuses = status -> { };

  DemoProviders(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Binds the relay and the Graph API on the ports given (0: any free port). */
  Future<Void> start(int relayPort, int graphPort) {
    return vertx.executeBlocking(() -> startSink(relayPort), false)
        .compose(v -> startGraph(graphPort).recover(err -> {
          LOG.warn("demo Graph API: port {} is taken ({}); using a free one", graphPort, err.getMessage());
          return startGraph(0);
        }));
  }

  private Void startSink(int port) {
    try {
      sink = sink(port);
    } catch (RuntimeException e) {
      LOG.warn("demo mail relay: port {} is taken ({}); using a free one", port, e.getMessage());
      sink = sink(0);
    }
    return null;
  }

  private SMTPServer sink(int port) {
    SMTPServer s = SMTPServer.port(port).bindAddress(InetAddress.getLoopbackAddress()).hostName("relay.demo.invalid")
        .softwareName("Switchboard demo relay").maxMessageSize(MAX_MAIL).maxConnections(10)
        .connectionTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
        .messageHandler((context, from, to, data) -> mailsRelayed.incrementAndGet())
        .build();
    s.start();
    return s;
  }

  private Future<Void> startGraph(int port) {
    HttpServer server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1")
        .setMaxFormAttributeSize(64 * 1024));
    server.requestHandler(this::graphRequest);
    return server.listen(port).map(s -> {
      graph = s;
      return null;
    });
  }

  /** Where the demo channel's Graph API calls go. */
  String graphBaseUrl() {
    return "http://127.0.0.1:" + graph.actualPort() + "/v19.0";
  }

  int relayPort() {
    return sink.getPortAllocated();
  }

  /** Mails the relay took (agents' replies, surveys) since start. */
  long mailsRelayed() {
    return mailsRelayed.get();
  }

  /** Messages the Graph API took (social replies) since start. */
  long graphSends() {
    return graphSends.get();
  }

  /** Where a WhatsApp message's "delivered" status goes (a signed webhook to the social channel). */
  void onWhatsAppStatus(Consumer<JsonObject> statuses) {
    this.whatsappStatuses = statuses;
  }

  Future<Void> stop() {
    SMTPServer s = sink;
    sink = null;
    Future<Void> sinkStopped = s == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      s.stop();
      return null;
    }, false);
    HttpServer g = graph;
    graph = null;
    return sinkStopped.eventually(() -> g == null ? Future.succeededFuture() : g.close());
  }

  /**
   * POST /v19.0/{id}/messages (and /{commentId}/comments, /{commentId}/replies): answered as the
   * Graph API answers a successful send. Everything else is a Graph error.
   */
  private void graphRequest(HttpServerRequest req) {
    req.body().onComplete(ar -> {
      String path = req.path();
      if (ar.failed() || req.method() != io.vertx.core.http.HttpMethod.POST || !path.startsWith("/v19.0/")) {
        graphError(req, 400, "Unsupported request");
        return;
      }
      String id = "demo" + Long.toHexString(System.nanoTime());
      JsonObject body;
      try {
        body = ar.result().length() == 0 ? new JsonObject() : ar.result().toJsonObject();
      } catch (RuntimeException e) {
        body = new JsonObject(); // a multipart file send: its message id is all the adapter needs
      }
      graphSends.incrementAndGet();
      JsonObject answer;
      if ("whatsapp".equals(body.getString("messaging_product"))) {
        String wamid = "wamid." + id;
        answer = new JsonObject().put("messaging_product", "whatsapp")
            .put("contacts", new JsonArray().add(new JsonObject().put("input", body.getString("to"))
                .put("wa_id", body.getString("to"))))
            .put("messages", new JsonArray().add(new JsonObject().put("id", wamid)));
        String to = body.getString("to");
        // The customer's phone shows it a moment later.
        vertx.setTimer(1_000, t -> whatsappStatuses.accept(new JsonObject().put("id", wamid).put("to", to)));
      } else if (path.endsWith("/messages")) {
        answer = new JsonObject().put("recipient_id", body.getJsonObject("recipient", new JsonObject())
            .getValue("id")).put("message_id", "m_" + id);
      } else {
        answer = new JsonObject().put("id", id);
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.encode());
    });
  }

  private static void graphError(HttpServerRequest req, int status, String message) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("type", "OAuthException")
            .put("code", 100)).encode());
  }

  /** X-Hub-Signature-256 of a webhook body, as Meta signs it with the app's secret. */
  static String metaSignature(String appSecret, byte[] body) {
    return Signatures.sha256Header(appSecret, body);
  }
}
