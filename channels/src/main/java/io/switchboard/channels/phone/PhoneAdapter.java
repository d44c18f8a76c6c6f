package io.switchboard.channels.phone;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.AdapterHost;
import io.switchboard.channels.core.ApiException;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.Delivery;
import io.switchboard.channels.core.Inbound;
import io.switchboard.channels.core.OutboundItem;
import io.switchboard.channels.core.ProviderMedia;
import io.switchboard.channels.core.ProviderRoutes;
import io.switchboard.channels.core.Signatures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter of one phone channel. Twilio's Voice callbacks (POST /twilio/voice) and a CTI
 * system's JSON events (POST /cti) are checked with their signature over the raw request before
 * anything is parsed, then posted as call messages: every event of a call carries its call id, and
 * the core keeps one call message per call id, updated by each event in whatever order they come.
 * Phone channels take no replies (an agent calls back; the console logs that call).
 */
final class PhoneAdapter implements ChannelAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(PhoneAdapter.class);
  /**
   * How long a call's caller is remembered for later callbacks that name no caller (Twilio's
   * recording callbacks come minutes after the call; a transcript can take longer).
   */
  static final int KNOWN_CALL_SECONDS = 24 * 3600;

  private final AdapterContext ctx;
  private final PhoneSettings settings;
  private final ProviderMedia twilioMedia;
  private final ProviderMedia ctiMedia;

  PhoneAdapter(AdapterContext ctx, PhoneSettings settings, ProviderMedia twilioMedia, ProviderMedia ctiMedia) {
    this.ctx = ctx;
    this.settings = settings;
    this.twilioMedia = twilioMedia;
    this.ctiMedia = ctiMedia;
  }

  @Override
  public Future<Void> start() {
    ctx.routes().post("/twilio/voice", this::twilio);
    ctx.routes().post("/cti", this::cti);
    return Future.succeededFuture();
  }

  @Override
  public boolean delivers() {
    return false;
  }

  @Override
  public Future<Delivery> deliver(OutboundItem item) {
    return Future.succeededFuture(Delivery.failed("a phone channel takes no written replies", false));
  }

  @Override
  public Future<Void> stop() {
    return ctiMedia.close();
  }

  private void twilio(RoutingContext rc) {
    Buffer raw = rc.body().buffer();
    String body = raw == null ? "" : raw.toString(StandardCharsets.UTF_8);
    List<Map.Entry<String, String>> params = new ArrayList<>();
    new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters()
        .forEach((name, values) -> values.forEach(v -> params.add(new AbstractMap.SimpleEntry<>(name, v))));
    String query = rc.request().query();
    String url = ProviderRoutes.publicUrl(ctx.host(), ctx.channel().id(), "/twilio/voice")
        + (query == null || query.isEmpty() ? "" : "?" + query);
    if (!TwilioSignature.valid(settings.authToken(), url, params, rc.request().getHeader("X-Twilio-Signature"))) {
      AdapterHost.problem(rc, 403, "Forbidden", "X-Twilio-Signature is missing or does not match");
      return;
    }
    Map<String, String> p = new HashMap<>();
    params.forEach(e -> p.putIfAbsent(e.getKey(), e.getValue()));
    String outcomeHint = rc.queryParams().get("outcome");
    known(p.get("CallSid")).onComplete(known -> {
      CallEvent event;
      try {
        event = CallParsers.twilio(p, outcomeHint, settings.authToken(), known.result());
      } catch (IllegalArgumentException e) {
        AdapterHost.problem(rc, 400, "Bad Request", e.getMessage());
        return;
      }
      handle(rc, event, twilioMedia, known.result());
    });
  }

  private void cti(RoutingContext rc) {
    Buffer raw = rc.body().buffer();
    byte[] bytes = raw == null ? new byte[0] : raw.getBytes();
    if (!Signatures.validSha256Header(settings.secret(), bytes, rc.request().getHeader("X-Switchboard-Signature"))) {
      AdapterHost.problem(rc, 403, "Forbidden", "X-Switchboard-Signature is missing or does not match");
      return;
    }
    JsonObject json;
    try {
      json = new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      AdapterHost.problem(rc, 400, "Bad Request", "the body is not a JSON object");
      return;
    }
    known(json.getValue("callId") instanceof String s ? s : null).onComplete(known -> {
      CallEvent event;
      try {
        event = CallParsers.cti(json, known.result());
      } catch (ClassCastException e) {
        AdapterHost.problem(rc, 400, "Bad Request", "the body is not a call event");
        return;
      } catch (IllegalArgumentException e) {
        AdapterHost.problem(rc, 400, "Bad Request", e.getMessage());
        return;
      }
      handle(rc, event, ctiMedia, known.result());
    });
  }

  /**
   * What earlier events of the call said (caller, direction, outcome, name), from the memory every
   * node shares: a call's events may reach different nodes. Never fails: unknown is null.
   */
  private Future<CallParsers.Known> known(String callId) {
    if (callId == null || callId.length() > 200) {
      return Future.succeededFuture();
    }
    return ctx.memory().get(memoryKey(callId)).map(PhoneAdapter::knownFrom).otherwise(err -> {
      LOG.warn("phone channel {}: what is known of call {} could not be read: {}", ctx.channel().id(), callId,
          err.getMessage());
      return null;
    });
  }

  private String memoryKey(String callId) {
    return "phone:" + ctx.channel().id() + ":" + callId;
  }

  static CallParsers.Known knownFrom(String json) {
    if (json == null) {
      return null;
    }
    JsonObject o = new JsonObject(json);
    return new CallParsers.Known(o.getString("customer"), o.getString("direction"), o.getString("outcome"),
        o.getString("callerName"));
  }

  static String knownJson(CallParsers.Known k) {
    return new JsonObject().put("customer", k.customer()).put("direction", k.direction()).put("outcome", k.outcome())
        .put("callerName", k.callerName()).encode();
  }

  /**
   * Remembers the call (before answering, so the provider's next callback finds it on any node),
   * then posts the event (its recording fetched and uploaded first) and answers once the core
   * committed it.
   */
  private void handle(RoutingContext rc, CallEvent event, ProviderMedia media, CallParsers.Known before) {
    Future<Void> remembered = Future.succeededFuture();
    if (event.customer() != null) {
      CallParsers.Known now = new CallParsers.Known(event.customer(), event.direction(),
          event.outcome() != null ? event.outcome() : before == null ? null : before.outcome(),
          event.callerName() != null ? event.callerName() : before == null ? null : before.callerName());
      if (!now.equals(before)) {
        remembered = ctx.memory().put(memoryKey(event.callId()), knownJson(now), KNOWN_CALL_SECONDS)
            .otherwise(err -> {
              LOG.warn("phone channel {}: call {} not remembered: {}", ctx.channel().id(), event.callId(),
                  err.getMessage());
              return null;
            });
      }
    }
    remembered.onComplete(v -> post(rc, event, media));
  }

  private void post(RoutingContext rc, CallEvent event, ProviderMedia media) {
    if (event.outcome() == null) {
      rc.response().setStatusCode(204).end(); // ringing: the card appears with the first real outcome
      return;
    }
    if (event.customer() == null) {
      // A withheld number, or a recording of a call this adapter never heard of: nobody to file it under.
      LOG.info("phone channel {}: call {} has no caller number; not stored", ctx.channel().id(), event.callId());
      rc.response().setStatusCode(204).end();
      return;
    }
    recording(event, media)
        .compose(recordingId -> ctx.api().inbound(inbound(event, recordingId)))
        .onSuccess(accepted -> rc.response().setStatusCode(204).end())
        .onFailure(err -> {
          if (err instanceof ApiException api && !api.transientFailure()) {
            LOG.warn("phone channel {}: call event {} refused: {}", ctx.channel().id(), event.externalId(),
                err.getMessage());
            AdapterHost.problem(rc, 422, "Unprocessable Content", "the call event was refused: " + err.getMessage());
          } else {
            // The provider tries again; its retry is absorbed by the event's id.
            rc.response().putHeader("Retry-After", "5");
            AdapterHost.problem(rc, 503, "Service Unavailable", "the call could not be stored yet; try again");
          }
        });
  }

  /** The recording's attachment id, or null (none, or it could not be fetched: the call is kept without it). */
  private Future<String> recording(CallEvent event, ProviderMedia media) {
    if (event.recordingUrl() == null) {
      return Future.succeededFuture(null);
    }
    return media.fetch(event.recordingUrl(), event.recordingHeaders())
        .compose(m -> ctx.api().upload(m.bytes(), m.contentType() == null ? "audio/wav" : m.contentType(),
            "call-" + event.callId() + extension(m.contentType())))
        .map(a -> a.id())
        .recover(err -> {
          if (err instanceof ApiException api && api.transientFailure()) {
            return Future.failedFuture(err);
          }
          LOG.warn("phone channel {}: recording of call {} not fetched: {}", ctx.channel().id(), event.callId(),
              err.getMessage());
          return Future.succeededFuture(null);
        });
  }

  private Inbound inbound(CallEvent e, String recordingId) {
    JsonObject call = new JsonObject().put("callId", e.callId()).put("direction", e.direction())
        .put("outcome", e.outcome());
    if (e.durationSec() != null) {
      call.put("durationSec", e.durationSec());
    }
    if (recordingId != null) {
      call.put("recordingAttachmentId", recordingId);
    }
    if (e.transcript() != null) {
      call.put("transcript", truncate(e.transcript(), 100_000));
    }
    if (e.agentEmail() != null) {
      call.put("agentEmail", truncate(e.agentEmail(), 320)); // not in the contract yet: ignored by cores without it
    }
    // The caller id is the phone channel's own kind: verified by default.
    Inbound.From from = new Inbound.From(e.callerName() == null ? null : truncate(e.callerName(), 200), null,
        e.customer(), null, null, List.of(), List.of(), null);
    return new Inbound(e.externalId(), from, null, null, null, null, e.sentAt(), List.of(), call, false, false);
  }

  private static String extension(String contentType) {
    if (contentType == null) {
      return ".wav";
    }
    String t = contentType.toLowerCase(java.util.Locale.ROOT);
    return t.contains("mpeg") || t.contains("mp3") ? ".mp3" : t.contains("ogg") ? ".ogg" : t.contains("wav") ? ".wav"
        : "";
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
