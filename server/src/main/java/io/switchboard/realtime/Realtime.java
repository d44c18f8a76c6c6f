package io.switchboard.realtime;

import io.switchboard.Switchboard;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * The live stream (contract "Live stream"): tickets, the WebSocket, replay and live fan-out of
 * durable events, presence, typing and viewing signals, and the dashboard topic.
 */
public final class Realtime {

  private final Switchboard.Services services;
  /** Null until start for the production settings: they read the node's configuration. */
  private StreamSettings settings;
  private StreamHub hub;
  private StreamRoutes routes;
  private String deployment;

  public Realtime(Switchboard.Services services) {
    this(services, null);
  }

  Realtime(Switchboard.Services services, StreamSettings settings) {
    this.services = services;
    this.settings = settings;
  }

  /** Deploys the stream's verticle; the services are complete by now (this is built with them). */
  public Future<Void> start() {
    if (settings == null) {
      settings = StreamSettings.defaults().withSafetyPoll(services.config().tuning().safetyPollMs());
    }
    hub = new StreamHub(services.db(), services.redis(), services.config().redisPrefix(), settings, services.meters());
    hub.onAgentTyping((account, conversation) -> services.chatTyping.agentTyping(account, conversation));
    hub.dashboardSla(services.sla::dashboard);
    routes = new StreamRoutes(services.auth, hub.tickets, hub, services::publicUrl);
    return services.vertx().deployVerticle(hub).onSuccess(id -> {
      deployment = id;
      services.events.onCommitted(hub::committed);
    }).mapEmpty();
  }

  /** Closes every stream with 4012 (draining) and stops the timers. */
  public Future<Void> stop() {
    String id = deployment;
    deployment = null;
    services.events.onCommitted(appended -> { });
    return id == null ? Future.succeededFuture() : services.vertx().undeploy(id);
  }

  public void mountApi(Router api) {
    routes.mountApi(api);
  }

  public void mountRoot(Router root) {
    routes.mountRoot(root);
  }

  /** A chat visitor is typing in the conversation (see AdapterRoutes); false when there is no such conversation. */
  public Future<Boolean> customerTyping(String accountId, String conversationId, String name) {
    StreamHub h = hub;
    return h == null ? Future.succeededFuture(false) : h.customerTyping(accountId, conversationId, name);
  }

  StreamHub hub() {
    return hub;
  }
}
