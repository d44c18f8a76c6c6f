package io.switchboard.channels.email;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Cuts the quoted earlier mail off an HTML reply, as {@link QuoteTrimmer} does for text: the
 * blocks mail clients mark as quotes (Gmail, Apple Mail, Thunderbird, Outlook). The server
 * sanitizes whatever remains.
 */
final class HtmlQuotes {

  private HtmlQuotes() {
  }

  /** The HTML without its quote; the input as it was when no quote is marked or nothing would remain. */
  static String trim(String html) {
    if (html == null) {
      return null;
    }
    Document doc = Jsoup.parse(html);
    boolean removed = false;
    for (Element e : doc.select("div.gmail_quote, div.gmail_extra, blockquote[type=cite], div.moz-cite-prefix, "
        + "div.yahoo_quoted, #appendonsend")) {
      e.remove();
      removed = true;
    }
    // Outlook: a header block "From: ... Sent: ..." after a rule; everything from it on is the quote.
    Element outlook = doc.selectFirst("#divRplyFwdMsg");
    if (outlook != null) {
      Element cut = outlook;
      while (cut.nextElementSibling() != null) {
        cut.nextElementSibling().remove();
      }
      Element rule = cut.previousElementSibling();
      if (rule != null && rule.tagName().equals("hr")) {
        rule.remove();
      }
      cut.remove();
      removed = true;
    }
    if (!removed || doc.body().text().isBlank() && doc.body().select("img").isEmpty()) {
      return html;
    }
    return doc.body().html();
  }

  /** Plain text of an HTML-only mail (for the text the timeline and search use). */
  static String text(String html) {
    Document doc = Jsoup.parse(html);
    doc.select("br").after("\\n");
    doc.select("p, div, li, tr, h1, h2, h3, h4, blockquote").before("\\n");
    return doc.text().replace("\\n", "\n").replaceAll("[ \\t]*\n[ \\t]*", "\n").replaceAll("\n{3,}", "\n\n").strip();
  }
}
