package io.switchboard.account;

import io.switchboard.channels.email.EmailSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail the server sends to its own people (invitations, password resets), through the relay of
 * SWITCHBOARD_SMTP_RELAY with vertx-mail-client, as email channels send replies without a relay
 * of their own. Without a relay nothing is sent and the caller shows the link to the admin instead.
 */
public final class StaffMail {

  private static final Logger LOG = LoggerFactory.getLogger(StaffMail.class);

  public record Letter(String to, String subject, String text, String html) {
  }

  private final MailClient client;
  private final String from;

  private StaffMail(MailClient client, String from) {
    this.client = client;
    this.from = from;
  }

  /** From SWITCHBOARD_SMTP_RELAY and SWITCHBOARD_MAIL_FROM (default no-reply@ the public URL's host). */
  public static StaffMail fromEnv(Vertx vertx, Map<String, String> env, String publicUrl) {
    String host = URI.create(publicUrl).getHost();
    String domain = host == null || host.isBlank() ? "localhost" : host;
    String from = blank(env.get("SWITCHBOARD_MAIL_FROM")) ? "Switchboard <no-reply@" + domain + ">"
        : env.get("SWITCHBOARD_MAIL_FROM").trim();
    String relay = env.get("SWITCHBOARD_SMTP_RELAY");
    MailClient client = blank(relay) ? null
        : MailClient.create(vertx, EmailSettings.Relay.fromUrl(relay.trim()).mailConfig(domain));
    return new StaffMail(client, from);
  }

  public boolean configured() {
    return client != null;
  }

  /** True once the relay took the mail; false without a relay or when it refused (logged, not thrown). */
  public Future<Boolean> send(Letter letter) {
    if (client == null) {
      return Future.succeededFuture(false);
    }
    MailMessage m = new MailMessage().setFrom(from).setTo(letter.to()).setSubject(letter.subject())
        .setText(letter.text()).setHtml(letter.html());
    return client.sendMail(m).map(true).recover(err -> {
      LOG.warn("mail to a person could not be relayed: {}", err.toString());
      return Future.succeededFuture(false);
    });
  }

  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
