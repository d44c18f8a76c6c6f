package io.switchboard.adapters;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.channels.core.AdapterHost;
import io.switchboard.channels.email.EmailKind;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import jakarta.mail.Flags;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The email channel end to end, run by the server itself (SWITCHBOARD_ADAPTERS=in-process): real
 * mail from Python's smtplib into the SMTP listener, replies out through a relay GreenMail plays,
 * a mailbox GreenMail keeps for IMAP.
 */
@DisplayName("Email channel: SMTP in, relay out, IMAP fetch, threading, spoofing and loops")
class EmailChannelTest {

  static TestServer server;
  static Api api;
  static GreenMail green;
  static Path sendScript;

  @BeforeAll
  static void start() throws IOException {
    green = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
    green.start();
    server = TestServer.start("email", Map.of("SWITCHBOARD_ADAPTERS", "in-process",
        "SWITCHBOARD_IMAP_POLL_SECONDS", "1"));
    api = server.api;
    sendScript = Files.createTempFile("send_mail", ".py");
    try (InputStream in = EmailChannelTest.class.getResourceAsStream("/email/send_mail.py")) {
      Files.write(sendScript, in.readAllBytes());
    }
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    green.stop();
    Files.deleteIfExists(sendScript);
  }

  static AdapterHost host() {
    return server.app.services().adapters.host();
  }

  static int smtpPort() {
    return until("the SMTP listener", 20_000, () -> {
      int port = ((EmailKind) host().kind("email").orElseThrow()).smtpPort();
      return port > 0 ? port : null;
    });
  }

  static Channel emailChannel(Tenant t, String address, JsonObject extra) {
    JsonObject settings = new JsonObject().put("address", address).put("fromName", "Sklep Łódź")
        .put("relay", new JsonObject().put("host", "127.0.0.1").put("port", green.getSmtp().getPort()).put("tls", "none"))
        .put("trustedAuthServIds", new JsonArray().add("mx.trusted.example"));
    extra.forEach(e -> settings.put(e.getKey(), e.getValue()));
    Channel ch = t.channel("email", null, settings);
    until("the adapter of " + ch.id() + " runs", 20_000, () -> host() != null && host().runs(ch.id()));
    return ch;
  }

  /** Sends a mail with Python's smtplib; answers "OK" or "ERR <code> <text>". */
  static String send(JsonObject mail) {
    mail.put("host", "127.0.0.1").put("port", smtpPort());
    try {
      Process p = new ProcessBuilder("python3", sendScript.toString()).redirectErrorStream(true).start();
      p.getOutputStream().write(mail.encode().getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject mail(String from, String to, String messageId, String subject, String text) {
    return new JsonObject().put("from", from).put("to", to).put("messageId", messageId).put("subject", subject)
        .put("text", text);
  }

  static String trusted(String domain) {
    return "mx.trusted.example; spf=pass smtp.mailfrom=" + domain + "; dkim=pass header.d=" + domain
        + "; dmarc=pass header.from=" + domain;
  }

  static Row stored(Channel ch, String externalId) {
    return until("message " + externalId + " stored", 30_000, () -> {
      List<Row> rows = server.rows("SELECT conversation_id, text, html, subject, from_verified, auto_submitted, "
          + "attachments::text AS attachments, thread_key, author_name FROM message "
          + "WHERE channel_id = $1 AND external_id = $2", ch.id(), externalId);
      return rows.isEmpty() ? null : rows.get(0);
    });
  }

  @Test
  @DisplayName("round trip: multipart mail in non-UTF-8 charsets -> conversation -> agent reply through the relay "
      + "with threading headers -> acked; the customer's answer joins the conversation")
  void roundTrip() throws Exception {
    Tenant t = server.tenant("Mailshop");
    Channel ch = emailChannel(t, "help@mailshop.example", new JsonObject());
    String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 invoice 1001".getBytes(StandardCharsets.US_ASCII));
    JsonObject first = mail("ann@customer.example", "help@mailshop.example", "<py-1@customer.example>",
        "Zwrot zamówienia 1001 — gdzie są pieniądze?",
        "Dzień dobry,\nzwróciłam kurtkę 3 dni temu. Kiedy zwrot środków?\nAnna Żółkiewska")
        .put("textCharset", "windows-1250")
        .put("html", "<p>Dzień dobry,<br>zwróciłam kurtkę 3 dni temu. <b>Kiedy zwrot środków?</b></p>")
        .put("htmlCharset", "iso-8859-2")
        .put("fromName", "Anna Żółkiewska")
        .put("headers", new JsonObject().put("Authentication-Results", trusted("customer.example")))
        .put("attachments", new JsonArray().add(new JsonObject().put("name", "faktura-1001.pdf")
            .put("contentType", "application/pdf").put("base64", pdf)));
    assertThat(send(first)).isEqualTo("OK");

    Row in = stored(ch, "<py-1@customer.example>");
    String conv = in.getString("conversation_id");
    assertThat(in.getString("subject")).isEqualTo("Zwrot zamówienia 1001 — gdzie są pieniądze?");
    assertThat(in.getString("text")).contains("zwróciłam kurtkę").contains("Kiedy zwrot środków?");
    assertThat(in.getString("html")).contains("Kiedy zwrot środków?");
    assertThat(in.getString("author_name")).isEqualTo("Anna Żółkiewska");
    assertThat(in.getBoolean("from_verified")).isTrue();
    assertThat(in.getString("attachments")).contains("faktura-1001.pdf");
    assertThat(in.getString("thread_key")).isEqualTo("<py-1@customer.example>");

    // The agent answers in the console's API; the adapter sends it through the relay.
    JsonObject reply = Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Dzień dobry, zwrot wysłaliśmy dziś.\nPozdrawiamy")), 201).json();
    String replyId = reply.getString("id");
    String messageId = "<" + replyId + "@mailshop.example>";
    MimeMessage sent = until("the reply at the relay", 30_000, () -> {
      for (MimeMessage m : green.getReceivedMessages()) {
        try {
          if (messageId.equals(m.getHeader("Message-ID", null))) {
            return m;
          }
        } catch (jakarta.mail.MessagingException e) {
          throw new IllegalStateException(e);
        }
      }
      return null;
    });
    assertThat(sent.getAllRecipients()[0].toString()).isEqualTo("ann@customer.example");
    assertThat(sent.getHeader("In-Reply-To", null)).isEqualTo("<py-1@customer.example>");
    assertThat(sent.getHeader("References", null)).contains("<py-1@customer.example>");
    assertThat(sent.getSubject()).contains("Zwrot zamówienia 1001");
    assertThat(sent.getFrom()[0].toString()).contains("help@mailshop.example");
    List<String> types = partTypes(sent);
    assertThat(types).anyMatch(x -> x.startsWith("text/plain")).anyMatch(x -> x.startsWith("text/html"));
    until("the reply acked as sent", 20_000, () -> "sent".equals(server.rows(
        "SELECT delivery_status FROM message WHERE id = $1", replyId).get(0).getString(0)));

    // Her answer threads under ours (In-Reply-To and References) and joins the same conversation;
    // the quote of our mail is cut for the timeline, and the whole mail is kept as original.eml.
    JsonObject answer = mail("ann@customer.example", "help@mailshop.example", "<py-2@customer.example>",
        "Re: Zwrot zamówienia 1001", "Dziękuję, widzę przelew.\n\nW dniu 1.12.2026 o 10:00, Sklep <help@mailshop.example> pisze:\n> Dzień dobry, zwrot wysłaliśmy dziś.\n")
        .put("inReplyTo", messageId).put("references", new JsonArray().add("<py-1@customer.example>").add(messageId))
        .put("headers", new JsonObject().put("Authentication-Results", trusted("customer.example")));
    assertThat(send(answer)).isEqualTo("OK");
    Row second = stored(ch, "<py-2@customer.example>");
    assertThat(second.getString("conversation_id")).isEqualTo(conv);
    assertThat(second.getString("text")).isEqualTo("Dziękuję, widzę przelew.");
    assertThat(second.getString("attachments")).contains("original.eml");
  }

  @Test
  @DisplayName("a spoofed From (no trusted Authentication-Results) is unverified and never joins the customer's conversation")
  void spoofedSenderDoesNotJoin() {
    Tenant t = server.tenant("Spoofshop");
    Channel ch = emailChannel(t, "help@spoofshop.example", new JsonObject());
    assertThat(send(mail("ewa@victim.example", "help@spoofshop.example", "<real-1@victim.example>", "Order 55",
        "Where is order 55?").put("headers", new JsonObject().put("Authentication-Results", trusted("victim.example")))))
        .isEqualTo("OK");
    Row real = stored(ch, "<real-1@victim.example>");
    assertThat(real.getBoolean("from_verified")).isTrue();

    // The forger writes her From and even an Authentication-Results of an untrusted server, and
    // threads onto her mail: the message must not land in Ewa's conversation.
    assertThat(send(mail("ewa@victim.example", "help@spoofshop.example", "<forged-1@attacker.example>", "Re: Order 55",
        "Please send the refund to account 123").put("inReplyTo", "<real-1@victim.example>")
        .put("references", new JsonArray().add("<real-1@victim.example>"))
        .put("headers", new JsonObject().put("Authentication-Results",
            "mx.attacker.example; dmarc=pass header.from=victim.example")))).isEqualTo("OK");
    Row forged = stored(ch, "<forged-1@attacker.example>");
    assertThat(forged.getBoolean("from_verified")).isFalse();
    assertThat(forged.getString("conversation_id")).isNotEqualTo(real.getString("conversation_id"));
  }

  @Test
  @DisplayName("auto-replies and bounces are stored as auto-submitted and open nothing")
  void loopsAreMarked() {
    Tenant t = server.tenant("Loopshop");
    Channel ch = emailChannel(t, "help@loopshop.example", new JsonObject());
    assertThat(send(mail("kasia@away.example", "help@loopshop.example", "<ooo-1@away.example>", "Out of office",
        "I am away until Monday.").put("headers", new JsonObject().put("Auto-Submitted", "auto-replied"))))
        .isEqualTo("OK");
    assertThat(stored(ch, "<ooo-1@away.example>").getBoolean("auto_submitted")).isTrue();
    assertThat(send(mail("news@list.example", "help@loopshop.example", "<bulk-1@list.example>", "Newsletter",
        "Our offers").put("headers", new JsonObject().put("Precedence", "bulk")))).isEqualTo("OK");
    assertThat(stored(ch, "<bulk-1@list.example>").getBoolean("auto_submitted")).isTrue();
    assertThat(send(mail("MAILER-DAEMON@relay.example", "help@loopshop.example", "<dsn-1@relay.example>",
        "Undelivered Mail Returned to Sender", "This is the mail system").put("envelopeFrom", "")))
        .isEqualTo("OK");
    assertThat(stored(ch, "<dsn-1@relay.example>").getBoolean("auto_submitted")).isTrue();
    assertThat(server.count("SELECT count(*) FROM conversation WHERE account_id = $1 AND status <> 'resolved'",
        t.accountId)).isZero();
  }

  @Test
  @DisplayName("another recipient is refused with 550, a mail over 25 MiB with 552")
  void refusals() {
    Tenant t = server.tenant("Refuseshop");
    emailChannel(t, "help@refuseshop.example", new JsonObject());
    assertThat(send(mail("ann@customer.example", "nobody@refuseshop.example", "<x-1@customer.example>", "Hi", "Hi")))
        .startsWith("ERR 550");
    assertThat(send(mail("ann@customer.example", "help@refuseshop.example", "<x-2@customer.example>", "Big", "Big")
        .put("padBytes", 19 * 1024 * 1024))).startsWith("ERR 552");
  }

  @Test
  @DisplayName("a relay that is down is a retryable failure: the item is tried again, not lost")
  void relayDownIsRetryable() {
    Tenant t = server.tenant("Downshop");
    Channel ch = emailChannel(t, "help@downshop.example",
        new JsonObject().put("relay", new JsonObject().put("host", "127.0.0.1").put("port", 1).put("tls", "none")));
    assertThat(send(mail("ola@customer.example", "help@downshop.example", "<down-1@customer.example>", "Hello", "Hello")
        .put("headers", new JsonObject().put("Authentication-Results", trusted("customer.example"))))).isEqualTo("OK");
    String conv = stored(ch, "<down-1@customer.example>").getString("conversation_id");
    String replyId = Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Hi Ola")), 201).json().getString("id");
    Row item = until("a failed attempt recorded", 30_000, () -> {
      List<Row> rows = server.rows("SELECT status, attempt, last_error FROM outbound_item WHERE message_id = $1", replyId);
      return !rows.isEmpty() && rows.get(0).getString("last_error") != null ? rows.get(0) : null;
    });
    assertThat(item.getString("status")).isEqualTo("pending"); // waiting for its next try
    assertThat(item.getString("last_error")).contains("relay");
  }

  @Test
  @DisplayName("IMAP: unseen mail in the provider's mailbox is fetched, posted and marked seen")
  void imapFetch() throws Exception {
    GreenMailUser box = green.setUser("help@imapshop.example", "imapshop", "imap-pass-1");
    Tenant t = server.tenant("Imapshop");
    Channel ch = emailChannel(t, "help@imapshop.example", new JsonObject().put("imap", new JsonObject()
        .put("host", "127.0.0.1").put("port", green.getImap().getPort()).put("username", "imapshop")
        .put("password", "imap-pass-1").put("folder", "INBOX")));
    byte[] raw = ("From: =?ISO-8859-2?Q?Bo=BFena?= <bozena@customer.example>\r\nTo: help@imapshop.example\r\n"
        + "Subject: =?UTF-8?Q?Reklamacja_=C5=BC=C3=B3=C5=82tej_kurtki?=\r\nMessage-ID: <imap-1@customer.example>\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-2\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "Kurtka jest =BFó=B3ta, a mia=B3a by=E6 czerwona.\r\n").getBytes(StandardCharsets.ISO_8859_1);
    box.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));

    Row in = stored(ch, "<imap-1@customer.example>");
    assertThat(in.getString("subject")).isEqualTo("Reklamacja żółtej kurtki");
    assertThat(in.getString("text")).isEqualTo("Kurtka jest żółta, a miała być czerwona.");
    assertThat(in.getString("author_name")).isEqualTo("Bożena");
    until("the mail marked seen in the mailbox", 20_000, () -> {
      try {
        var store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", green.getImap().getPort(), "imapshop", "imap-pass-1");
        var folder = store.getFolder("INBOX");
        folder.open(jakarta.mail.Folder.READ_ONLY);
        boolean seen = folder.getMessages()[0].isSet(Flags.Flag.SEEN);
        store.close();
        return seen;
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static List<String> partTypes(MimeMessage m) throws Exception {
    List<String> out = new ArrayList<>();
    collect(m.getContent(), m.getContentType(), out);
    return out;
  }

  private static void collect(Object content, String type, List<String> out) throws Exception {
    out.add(type.toLowerCase());
    if (content instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        collect(mp.getBodyPart(i).getContent(), mp.getBodyPart(i).getContentType(), out);
      }
    }
  }
}
