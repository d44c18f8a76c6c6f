package io.switchboard.channels.email;

import io.switchboard.channels.core.HostSettings;
import io.switchboard.channels.core.WindowLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.TooMuchDataException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.SessionHandler;

/**
 * The SMTP listener on SWITCHBOARD_SMTP_PORT (subethasmtp): takes mail for the address of any
 * running email channel; another recipient is refused with 550, a mail over 25 MiB with 552. It
 * answers 250 only once the core has committed the message (a failure is a 451, so the sending
 * server tries again later, and the Message-ID makes its retry a duplicate, not a second message).
 *
 * <p>Limits: at most {@link #MAX_CONNECTIONS} connections, {@link #CONNECTIONS_PER_ADDRESS} per
 * client address, mails per client address per minute (SWITCHBOARD_SMTP_RATE_PER_ADDRESS, 120),
 * 50 recipients, a 60 s idle timeout. subethasmtp runs each connection on its own thread, so
 * waiting there for the core blocks no event loop.
 */
final class SmtpListener {

  private static final Logger LOG = LoggerFactory.getLogger(SmtpListener.class);
  static final int MAX_SIZE = 25 * 1024 * 1024;
  static final int MAX_CONNECTIONS = 200;
  static final int CONNECTIONS_PER_ADDRESS = 10;
  static final long COMMIT_TIMEOUT_S = 120;

  private final Vertx vertx;
  private final HostSettings host;
  private final Map<String, EmailAdapter> byAddress = new ConcurrentHashMap<>();
  private final WindowLimiter perAddress;
  private SMTPServer server;
  private Future<Void> starting;

  SmtpListener(Vertx vertx, HostSettings host) {
    this.vertx = vertx;
    this.host = host;
    this.perAddress = new WindowLimiter(host.intSetting("SWITCHBOARD_SMTP_RATE_PER_ADDRESS", 120), 100_000);
  }

  /** Takes mail for the address from now on; the listener starts with the first one. */
  synchronized Future<Void> register(String address, EmailAdapter adapter) {
    EmailAdapter before = byAddress.putIfAbsent(address.toLowerCase(Locale.ROOT), adapter);
    if (before != null && before != adapter) {
      return Future.failedFuture(new IllegalStateException(
          "another email channel here already takes mail for " + address));
    }
    if (starting == null) {
      starting = vertx.executeBlocking(() -> {
        SMTPServer s = SMTPServer.port(host.smtpPort())
            .hostName(java.net.URI.create(host.publicUrl()).getHost())
            .softwareName("Switchboard")
            .messageHandlerFactory(this::handler)
            .maxMessageSize(MAX_SIZE)
            .maxConnections(MAX_CONNECTIONS)
            .maxRecipients(50)
            .connectionTimeout(60, TimeUnit.SECONDS)
            .sessionHandler(SessionHandler.limitConcurrentSessionsBySource(CONNECTIONS_PER_ADDRESS))
            .build();
        s.start();
        server = s;
        LOG.info("SMTP listener on port {}", s.getPortAllocated());
        return null;
      });
      starting.onFailure(err -> {
        synchronized (this) {
          starting = null;
        }
      });
    }
    return starting.onFailure(err -> byAddress.remove(address.toLowerCase(Locale.ROOT), adapter));
  }

  void unregister(String address, EmailAdapter adapter) {
    byAddress.remove(address.toLowerCase(Locale.ROOT), adapter);
  }

  int port() {
    SMTPServer s = server;
    return s == null ? -1 : s.getPortAllocated();
  }

  synchronized Future<Void> stop() {
    SMTPServer s = server;
    server = null;
    starting = null;
    return s == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      s.stop();
      return null;
    });
  }

  private MessageHandler handler(MessageContext ctx) {
    String client = ctx.getRemoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : String.valueOf(ctx.getRemoteAddress());
    return new MessageHandler() {
      private String sender;
      private final List<EmailAdapter> recipients = new ArrayList<>();

      @Override
      public void from(String from) throws RejectException {
        if (!perAddress.allow(client, System.currentTimeMillis())) {
          throw new RejectException(421, "4.7.0 too many messages from your address; try again later");
        }
        sender = from == null || from.isBlank() ? null : from.trim();
      }

      @Override
      public void recipient(String recipient) throws RejectException {
        EmailAdapter adapter = recipient == null ? null : byAddress.get(recipient.trim().toLowerCase(Locale.ROOT));
        if (adapter == null) {
          throw new RejectException(550, "5.1.1 no such mailbox here");
        }
        if (!recipients.contains(adapter)) {
          recipients.add(adapter);
        }
      }

      @Override
      public String data(InputStream data) throws RejectException, TooMuchDataException, IOException {
        byte[] raw = data.readNBytes(MAX_SIZE + 1);
        if (raw.length > MAX_SIZE) {
          throw new TooMuchDataException("552 5.3.4 the message is larger than 25 MiB");
        }
        for (EmailAdapter adapter : recipients) {
          try {
            adapter.receive(raw, sender).toCompletionStage().toCompletableFuture()
                .get(COMMIT_TIMEOUT_S, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof io.switchboard.channels.core.ApiException api && !api.transientFailure()) {
              throw new RejectException(554, "5.6.0 the message was refused: " + oneLine(api.getMessage()));
            }
            if (cause instanceof IllegalArgumentException bad) {
              throw new RejectException(554, "5.6.0 " + oneLine(bad.getMessage()));
            }
            LOG.warn("mail from {} not stored: {}", client, cause.getMessage());
            throw new RejectException(451, "4.3.0 the message could not be stored now; try again later");
          } catch (java.util.concurrent.TimeoutException e) {
            throw new RejectException(451, "4.3.0 the message could not be stored in time; try again later");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectException(451, "4.3.0 interrupted; try again later");
          }
        }
        return null;
      }

      @Override
      public void done() {
      }
    };
  }

  private static String oneLine(String s) {
    String line = s == null ? "unreadable message" : s.replaceAll("[\\r\\n]+", " ");
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
