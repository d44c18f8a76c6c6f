package io.switchboard.channels.email;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.util.Locale;

/**
 * Mail that a machine sent on its own (RFC 3834): auto-replies, bounces, delivery reports, bulk
 * mail. It is stored with autoSubmitted: true, so it opens nothing and Switchboard never answers
 * it (two auto-responders answering each other is the loop this prevents).
 */
final class Loops {

  private Loops() {
  }

  static boolean autoSubmitted(MimeMessage m, String fromEmail) throws MessagingException {
    String auto = m.getHeader("Auto-Submitted", ",");
    if (auto != null && !auto.trim().toLowerCase(Locale.ROOT).startsWith("no")) {
      return true;
    }
    String precedence = m.getHeader("Precedence", ",");
    if (precedence != null && precedence.trim().toLowerCase(Locale.ROOT).matches("(bulk|junk|auto_reply|list).*")) {
      return true;
    }
    if (m.getHeader("X-Autoreply") != null || m.getHeader("X-Autorespond") != null) {
      return true;
    }
    String returnPath = m.getHeader("Return-Path", ",");
    if (returnPath != null && returnPath.replaceAll("\\s", "").equals("<>")) {
      return true; // the null sender: a bounce or another report
    }
    if (fromEmail != null) {
      String local = fromEmail.substring(0, Math.max(0, fromEmail.indexOf('@'))).toLowerCase(Locale.ROOT);
      if (local.equals("mailer-daemon") || local.equals("postmaster") || local.startsWith("noreply")
          || local.startsWith("no-reply")) {
        return true;
      }
    }
    try {
      ContentType type = new ContentType(m.getContentType());
      if (type.match("multipart/report")) {
        return true; // delivery status (RFC 3464) and disposition (read receipt) reports
      }
    } catch (MessagingException | RuntimeException e) {
      // no readable Content-Type: not a report
    }
    return false;
  }
}
