package io.switchboard.ingest;

import io.switchboard.contact.ContactRepository;
import io.switchboard.events.EventLog;
import io.switchboard.http.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * Accepts a customer message from an adapter. The way, in order: {@link InboundValidator}
 * (validate and sanitize, reported at once) -> {@link IngestBatcher} (the account's group commit)
 * -> {@link BatchWriter} (one transaction per batch, the SQL in {@link IngestRepository}, rules 1
 * and 2 decided by {@link BatchPlan}) -> the events announced. The answer comes only after the
 * commit; a repeat of an externalId gets the first answer.
 */
public final class IngestService {

  /** The answer to the adapter. */
  public record Accepted(String messageId, String conversationId, String contactId, boolean duplicate) {

    JsonObject stored() {
      return new JsonObject().put("messageId", messageId).put("conversationId", conversationId)
          .put("contactId", contactId);
    }

    static Accepted replay(JsonObject stored) {
      return new Accepted(stored.getString("messageId"), stored.getString("conversationId"),
          stored.getString("contactId"), true);
    }

    Accepted asDuplicate() {
      return new Accepted(messageId, conversationId, contactId, true);
    }
  }

  private final Vertx vertx;
  private final InboundValidator validator;
  private final IngestBatcher batcher;
  private String deployment;

  /**
   * @param maxBatch  the most messages one transaction writes
   * @param inFlight  the most batches of one account written at once
   * @param maxQueued the most messages of one account that may wait for their batch; more are a 503
   */
  public IngestService(Vertx vertx, Pool db, EventLog events, ContactRepository contacts, MeterRegistry registry,
      int maxBatch, int inFlight, int maxQueued, io.switchboard.sla.Sla sla) {
    IngestRepository repo = new IngestRepository();
    IngestMetrics metrics = new IngestMetrics(registry);
    this.vertx = vertx;
    this.validator = new InboundValidator(vertx);
    this.batcher = new IngestBatcher(new BatchWriter(db, events, contacts, repo, metrics, sla), events, metrics, maxBatch,
        inFlight, maxQueued, sla.clock);
  }

  public Future<Void> start() {
    return vertx.deployVerticle(batcher).map(id -> {
      deployment = id;
      return null;
    });
  }

  /** Messages already queued are written before the batcher goes (see {@link IngestBatcher#stop}). */
  public Future<Void> stop() {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  InboundValidator validator() {
    return validator;
  }

  IngestBatcher batcher() {
    return batcher;
  }

  /** @param chatSecret the chat channel's signing secret (for from.signature), or null */
  public Future<Accepted> accept(Caller.Channel channel, String chatSecret, InboundMessage msg) {
    return validator.validate(channel, chatSecret, msg).compose(batcher::submit);
  }
}
