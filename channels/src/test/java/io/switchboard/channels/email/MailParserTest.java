package io.switchboard.channels.email;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Email: real mails parsed (shared/fixtures/email)")
class MailParserTest {

  @Test
  @DisplayName("RFC 2047 subject split over two UTF-8 encoded-words, quoted-printable body")
  void encodedWordSubject() {
    ParsedMail m = MailParser.parse(Fixtures.mail("flanker_bilingual-simple.eml"));
    assertThat(m.subject()).isEqualTo("Simple text. How are you? Как ты поживаешь?");
    assertThat(m.fromEmail()).isEqualTo("hello@example.com");
    assertThat(m.text()).contains("This line is in English").contains("А эта линия по-русски.");
    assertThat(m.messageId()).isEqualTo("<341090.85574.qm@web50704.mail.re2.yahoo.com>");
    assertThat(m.threadKey()).isEqualTo(m.messageId());
    assertThat(m.autoSubmitted()).isFalse();
  }

  @Test
  @DisplayName("ISO-8859-1 Q-encoded display name and body")
  void latin1NameAndBody() {
    ParsedMail m = MailParser.parse(Fixtures.mail("mikel-mail_header_fields_with_empty_values.eml"));
    assertThat(m.fromName()).isEqualTo("Jørn Støylen");
    assertThat(m.fromEmail()).isEqualTo("jorn@prikkprikkprikk.no");
    assertThat(m.text()).doesNotContain("\uFFFD");
  }

  @Test
  @DisplayName("multipart/alternative with an inline image in multipart/related")
  void inlineImage() {
    ParsedMail m = MailParser.parse(Fixtures.mail("enmime_html-mime-inline.eml"));
    assertThat(m.text()).isNotBlank();
    assertThat(m.html()).contains("cid:");
    assertThat(m.files()).hasSize(1);
    ParsedMail.Part img = m.files().get(0);
    assertThat(img.contentType()).isEqualTo("image/png");
    assertThat(img.inline()).isTrue();
    assertThat(img.contentId()).isNotBlank();
    // A real PNG, decoded from base64.
    assertThat(new String(img.bytes(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  @Test
  @DisplayName("HTML-only mail without MIME-Version, ISO-8859-1")
  void htmlOnly() {
    ParsedMail m = MailParser.parse(Fixtures.mail("enmime_non-mime-html.eml"));
    assertThat(m.text()).isNull();
    assertThat(m.html()).containsIgnoringCase("<html");
    assertThat(HtmlQuotes.text(m.html())).isNotBlank();
  }

  @Test
  @DisplayName("attachments: two PNGs of the same name and a quoted-printable text file")
  void attachments() {
    ParsedMail m = MailParser.parse(Fixtures.mail("mime4j_example.eml"));
    assertThat(m.files()).extracting(ParsedMail.Part::filename).containsExactly("blob.png", "blob.png", "rhubarb.txt");
    assertThat(m.files().get(0).inline()).isFalse();
    assertThat(new String(m.files().get(2).bytes(), StandardCharsets.UTF_8)).containsIgnoringCase("rhubarb");
  }

  @Test
  @DisplayName("threading: In-Reply-To and two References; the root is the thread key")
  void threading() {
    ParsedMail m = MailParser.parse(Fixtures.mail("mikel-mail_raw_email_reply.eml"));
    assertThat(m.references()).containsExactly("<473FF3B8.9020707@xxx.org>", "<348F04F142D69C21-291E56D292BC@xxxx.net>");
    assertThat(m.inReplyTo()).isEqualTo("<348F04F142D69C21-291E56D292BC@xxxx.net>");
    assertThat(m.threadKey()).isEqualTo("<473FF3B8.9020707@xxx.org>");
    assertThat(m.subject()).isEqualTo("Re: Test reply email");
  }

  @Test
  @DisplayName("a Postfix bounce and a vacation reply are auto-submitted; an ordinary mail is not")
  void loops() {
    assertThat(MailParser.parse(Fixtures.mail("sisimai_lhost-postfix-02.eml")).autoSubmitted()).isTrue();
    assertThat(MailParser.parse(Fixtures.mail("sisimai_rfc3834-01.eml")).autoSubmitted()).isTrue();
    assertThat(MailParser.parse(Fixtures.mail("talon_android.eml")).autoSubmitted()).isFalse();
    assertThat(MailParser.parse(Fixtures.mail("spamassassin_nice_004.eml")).autoSubmitted()).isFalse();
  }

  @Test
  @DisplayName("ISO-8859-2 Outlook Express mail: nested alternative parts and an RTF attachment")
  void polishOutlookExpress() {
    ParsedMail m = MailParser.parse(Fixtures.mail("spamassassin_nice_004.eml"));
    assertThat(m.fromName()).isEqualTo("Jerzy Krykowski");
    assertThat(m.html()).containsIgnoringCase("<body");
    assertThat(m.files()).hasSize(1);
    assertThat(m.files().get(0).filename()).isEqualTo("Jurek - Poprawiona Homilia XII na List to Kolosan.rtf");
    assertThat(m.files().get(0).contentType()).isEqualTo("application/msword");
  }

  @Test
  @DisplayName("a Gmail reply on Android: the quote is cut from text and HTML, in Russian too")
  void quotedReplyTrimmed() {
    ParsedMail m = MailParser.parse(Fixtures.mail("talon_android.eml"));
    assertThat(m.text()).contains("> Hi");
    assertThat(QuoteTrimmer.trim(m.text())).isEqualTo("Hello");
    String html = HtmlQuotes.trim(m.html());
    assertThat(html).contains("Hello").doesNotContain("gmail_quote").doesNotContain("Hi<br>");
  }

  @Test
  @DisplayName("Windows-1250 and ISO-8859-2 bodies, and an encoded-word Polish subject")
  void centralEuropeanCharsets() throws Exception {
    String polish = "Zażółć gęślą jaźń — Łódź";
    for (String charset : List.of("windows-1250", "ISO-8859-2")) {
      String safe = polish.replace("—", "-");
      byte[] body = safe.getBytes(charset);
      String raw = "From: =?" + charset + "?Q?" + qEncode(safe.substring(0, 6), charset) + "?= <ann@example.pl>\r\n"
          + "To: help@shop.example\r\nSubject: =?UTF-8?B?"
          + java.util.Base64.getEncoder().encodeToString("Zwrot zamówienia".getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
          + "Message-ID: <cs-" + charset + "@example.pl>\r\nMIME-Version: 1.0\r\n"
          + "Content-Type: text/plain; charset=" + charset + "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
      byte[] head = raw.getBytes(StandardCharsets.US_ASCII);
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      ParsedMail m = MailParser.parse(all);
      assertThat(m.text()).as(charset).isEqualTo(safe);
      assertThat(m.subject()).isEqualTo("Zwrot zamówienia");
      assertThat(m.fromName()).isEqualTo(safe.substring(0, 6));
    }
  }

  private static String qEncode(String s, String charset) throws Exception {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(charset)) {
      int v = x & 0xff;
      b.append(v > 32 && v < 127 && v != '=' && v != '?' && v != '_' ? String.valueOf((char) v) : String.format("=%02X", v));
    }
    return b.toString();
  }
}
