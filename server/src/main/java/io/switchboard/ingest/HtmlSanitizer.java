package io.switchboard.ingest;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

/**
 * Customer HTML is hostile: only a relaxed set of formatting tags survives, with no scripts, no
 * event handlers, no styles and no javascript: links. The console still shows it in a sandboxed frame.
 */
public final class HtmlSanitizer {

  private static final Safelist SAFE = Safelist.relaxed()
      .removeTags("img")
      .addProtocols("a", "href", "http", "https", "mailto", "tel");

  private HtmlSanitizer() {
  }

  public static String clean(String html) {
    if (html == null) {
      return null;
    }
    Document.OutputSettings out = new Document.OutputSettings().prettyPrint(false);
    return Jsoup.clean(html, "", SAFE, out);
  }

  /** Plain text of an HTML body, for previews, search and adapters that only send text. */
  public static String text(String html) {
    return html == null ? null : Jsoup.parse(html).wholeText().strip();
  }
}
