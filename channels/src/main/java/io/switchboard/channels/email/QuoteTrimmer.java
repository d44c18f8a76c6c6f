package io.switchboard.channels.email;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts the quoted earlier mail off a reply, so the timeline shows what the customer wrote now.
 * It looks for the first line that starts a quote (an attribution "On ... wrote:", in the
 * languages customers here write, an Outlook header block, a forwarded-message marker, or a run
 * of "&gt;" lines that lasts to the end) and keeps what is above it. When nothing would remain,
 * the text is kept whole: a mail that is all quote is better shown than lost.
 */
public final class QuoteTrimmer {

  private static final List<Pattern> STARTS = List.of(
      Pattern.compile("(?i)^\\s*on\\b.{0,300}\\bwrote:\\s*$"),
      Pattern.compile("(?i)^\\s*(w dniu|dnia)\\b.{0,300}\\b(pisze|napisał\\(a\\)|napisał|napisała):\\s*$"),
      Pattern.compile("(?i)^\\s*am\\b.{0,300}\\bschrieb.{0,100}:\\s*$"),
      Pattern.compile("(?i)^\\s*le\\b.{0,300}\\ba écrit\\s*:\\s*$"),
      Pattern.compile("(?i)^\\s*-{2,}\\s*(original message|wiadomość oryginalna|ursprüngliche nachricht|forwarded message"
          + "|wiadomość przekazana dalej)\\s*-{2,}\\s*$"),
      Pattern.compile("(?i)^\\s*_{10,}\\s*$"),
      Pattern.compile("(?i)^\\s*(from|od):\\s.+$"));

  private QuoteTrimmer() {
  }

  public static String trim(String text) {
    if (text == null) {
      return null;
    }
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int cut = lines.length;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (startsQuote(lines, i)) {
        cut = i;
        break;
      }
      if (line.startsWith(">") && quotedToEnd(lines, i)) {
        cut = attribution(lines, i);
        break;
      }
    }
    // An attribution can wrap over two lines ("On Mon, ... Ann <ann@x>\nwrote:").
    if (cut < lines.length && cut > 0 && lines[cut].trim().toLowerCase().endsWith("wrote:")
        && !lines[cut].trim().toLowerCase().startsWith("on ") && lines[cut - 1].trim().toLowerCase().startsWith("on ")) {
      cut--;
    }
    StringBuilder kept = new StringBuilder();
    for (int i = 0; i < cut; i++) {
      kept.append(lines[i]).append('\n');
    }
    String result = kept.toString().strip();
    return result.isEmpty() ? text.strip() : result;
  }

  private static boolean startsQuote(String[] lines, int i) {
    String line = lines[i];
    if (line.length() > 400) {
      return false;
    }
    for (int p = 0; p < STARTS.size(); p++) {
      if (STARTS.get(p).matcher(line).matches()) {
        // "From:" alone starts a quote only as the first line of an Outlook header block.
        if (p == STARTS.size() - 1) {
          return i + 1 < lines.length && lines[i + 1].matches("(?i)^\\s*(sent|date|wysłano|data|to|do):\\s.*$");
        }
        return true;
      }
    }
    // "On Mon, 3 Nov 2025 at 10:00, Ann" + next line "<ann@example.com> wrote:"
    return line.trim().toLowerCase().startsWith("on ") && i + 1 < lines.length
        && lines[i + 1].trim().toLowerCase().endsWith("wrote:") && lines[i + 1].length() < 300;
  }

  private static final Pattern DATE = Pattern.compile("\\d{1,4}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{1,2}:\\d{2}");

  /**
   * The start of the attribution above a bottom quote, in any language: the last line before it
   * ends with ":", and the line above that belongs to it when it carries a date, a time or an address.
   */
  private static int attribution(String[] lines, int quote) {
    int i = quote - 1;
    while (i >= 0 && lines[i].isBlank()) {
      i--;
    }
    if (i < 0 || !lines[i].trim().endsWith(":") || lines[i].length() > 300) {
      return quote;
    }
    int start = i;
    if (!DATE.matcher(lines[i]).find() && i > 0 && !lines[i - 1].isBlank()
        && (DATE.matcher(lines[i - 1]).find() || lines[i - 1].contains("@")) && lines[i - 1].length() < 300) {
      start = i - 1;
    }
    return start;
  }

  /** From this line on, only quoted or blank lines (a signature-less bottom quote). */
  private static boolean quotedToEnd(String[] lines, int from) {
    for (int i = from; i < lines.length; i++) {
      String l = lines[i].trim();
      if (!l.isEmpty() && !l.startsWith(">")) {
        return false;
      }
    }
    return true;
  }
}
