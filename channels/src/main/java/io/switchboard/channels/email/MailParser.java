package io.switchboard.channels.email;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a raw mail with Angus Mail: headers (RFC 2047 subjects and names), the plain and HTML
 * bodies in their declared charsets (ISO-8859-2, Windows-1250, ...), attachments and inline images.
 * Blocking: call it on a worker thread. Bounded: at most {@link #MAX_PARTS} parts, nested at most
 * {@link #MAX_DEPTH} deep; the caller bounds the raw size.
 */
public final class MailParser {

  static final int MAX_PARTS = 200;
  static final int MAX_DEPTH = 12;
  private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");

  private static final Session SESSION = Session.getInstance(properties());

  private MailParser() {
  }

  private static Properties properties() {
    Properties p = new Properties();
    // Real mail is often not quite to the standard: encoded words inside words, unquoted specials.
    p.setProperty("mail.mime.decodetext.strict", "false");
    p.setProperty("mail.mime.address.strict", "false");
    p.setProperty("mail.mime.parameters.strict", "false");
    p.setProperty("mail.mime.base64.ignoreerrors", "true");
    p.setProperty("mail.mime.uudecode.ignoreerrors", "true");
    p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
    p.setProperty("mail.mime.multipart.allowempty", "true");
    return p;
  }

  public static ParsedMail parse(byte[] raw) {
    try {
      MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
      String fromName = null;
      String fromEmail = null;
      Address[] from = safe(m::getFrom);
      if (from != null && from.length > 0 && from[0] instanceof InternetAddress a) {
        fromEmail = a.getAddress() == null ? null : a.getAddress().trim();
        fromName = a.getPersonal();
      }
      Walk w = new Walk();
      w.visit(m, 0);
      List<String> refs = ids(header(m, "References"));
      List<String> inReplyTo = ids(header(m, "In-Reply-To"));
      String[] auth = m.getHeader("Authentication-Results");
      java.util.Date sent = safe(m::getSentDate);
      return new ParsedMail(first(ids(header(m, "Message-ID"))), first(inReplyTo), refs, subject(m),
          clean(fromName), fromEmail, sent == null ? null : sent.toInstant(), w.text, w.html, List.copyOf(w.files),
          auth == null ? List.of() : Arrays.asList(auth), Loops.autoSubmitted(m, fromEmail));
    } catch (MessagingException e) {
      throw new IllegalArgumentException("not a readable mail: " + e.getMessage(), e);
    }
  }

  /** Walks the MIME tree: first text/plain and text/html bodies, the rest as files. */
  private static final class Walk {
    String text;
    String html;
    final List<ParsedMail.Part> files = new ArrayList<>();
    int parts;

    void visit(Part p, int depth) throws MessagingException {
      if (++parts > MAX_PARTS || depth > MAX_DEPTH) {
        return;
      }
      String type = baseType(p);
      Object content;
      if (type.startsWith("multipart/")) {
        try {
          content = p.getContent();
        } catch (IOException e) {
          return;
        }
        if (content instanceof Multipart mp) {
          for (int i = 0; i < mp.getCount(); i++) {
            BodyPart b = mp.getBodyPart(i);
            visit(b, depth + 1);
          }
        }
        return;
      }
      String disposition = p.getDisposition();
      String filename = filename(p);
      boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || (filename != null && !type.startsWith("text/"));
      if (!attachment && type.equals("text/plain") && text == null) {
        text = readText(p);
        return;
      }
      if (!attachment && type.equals("text/html") && html == null) {
        html = readText(p);
        return;
      }
      byte[] bytes = readBytes(p);
      String cid = null;
      String[] ids = p.getHeader("Content-ID");
      if (ids != null && ids.length > 0) {
        cid = ids[0].trim().replaceAll("^<|>$", "");
      }
      boolean inline = cid != null && !Part.ATTACHMENT.equalsIgnoreCase(disposition);
      String name = filename != null ? filename : defaultName(type, files.size() + 1);
      files.add(new ParsedMail.Part(name, type, bytes, cid, inline));
    }
  }

  /** A text part in its declared charset; an unknown charset is read as Windows-1252, never fails. */
  static String readText(Part p) throws MessagingException {
    String charset = null;
    try {
      charset = new ContentType(p.getContentType()).getParameter("charset");
    } catch (MessagingException | RuntimeException e) {
      // an unparseable Content-Type: the fallback below
    }
    byte[] bytes = readBytes(p);
    Charset cs = StandardCharsets.US_ASCII;
    if (charset != null) {
      try {
        cs = Charset.forName(MimeUtility.javaCharset(charset.trim()));
      } catch (RuntimeException e) {
        cs = Charset.forName("windows-1252");
      }
    } else if (!isAscii(bytes)) {
      cs = StandardCharsets.UTF_8; // undeclared 8-bit text: today's mail is almost always UTF-8
    }
    return new String(bytes, cs);
  }

  private static byte[] readBytes(Part p) throws MessagingException {
    try (InputStream in = p.getInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static boolean isAscii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  private static String baseType(Part p) throws MessagingException {
    try {
      return new ContentType(p.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
    } catch (MessagingException | RuntimeException e) {
      return "text/plain"; // RFC 2045: a broken Content-Type is read as plain text
    }
  }

  private static String filename(Part p) {
    try {
      String name = p.getFileName();
      return name == null ? null : clean(MimeUtility.decodeText(name));
    } catch (MessagingException | java.io.UnsupportedEncodingException | RuntimeException e) {
      return null;
    }
  }

  private static String defaultName(String type, int n) {
    return switch (type) {
      case "message/rfc822" -> "message-" + n + ".eml";
      case "message/delivery-status" -> "delivery-status-" + n + ".txt";
      case "text/calendar" -> "invite-" + n + ".ics";
      default -> "part-" + n + (type.startsWith("image/") ? "." + type.substring(6).replaceAll("[^a-z0-9]", "") : ".bin");
    };
  }

  private static String subject(MimeMessage m) {
    try {
      return clean(m.getSubject());
    } catch (MessagingException e) {
      return null;
    }
  }

  private static String header(MimeMessage m, String name) throws MessagingException {
    return m.getHeader(name, " ");
  }

  /** The message ids in a header, in order, each with its angle brackets. */
  static List<String> ids(String header) {
    List<String> out = new ArrayList<>();
    if (header == null) {
      return out;
    }
    Matcher matcher = MSG_ID.matcher(header);
    while (matcher.find() && out.size() < 100) {
      String id = matcher.group();
      if (id.length() <= 998 && !out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private static String first(List<String> ids) {
    return ids.isEmpty() ? null : ids.get(0);
  }

  /** Control characters out (a header can carry any), whitespace runs folded. */
  static String clean(String s) {
    if (s == null) {
      return null;
    }
    String c = s.replaceAll("[\\p{Cntrl}&&[^\\t]]", " ").replaceAll("\\s+", " ").trim();
    return c.isEmpty() ? null : c;
  }

  private interface Get<T> {
    T get() throws MessagingException;
  }

  private static <T> T safe(Get<T> get) {
    try {
      return get.get();
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }
}
