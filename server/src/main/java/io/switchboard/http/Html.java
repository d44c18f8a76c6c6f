package io.switchboard.http;

/** Escaping for the few pages the server writes itself (survey, invitation): text and attribute values. */
public final class Html {

  private Html() {
  }

  /**
   * A whole page for people outside the console (a customer, an invitee): works on a phone, no
   * inline script or style (the CSP allows neither), its own stylesheet and module script.
   */
  public static String page(String title, String stylesheet, String mainClass, String body, String script) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex\"><title>" + escape(title) + "</title>"
        + "<link rel=\"stylesheet\" href=\"" + stylesheet + "\"></head><body><main class=\"" + mainClass + "\">" + body
        + "</main><script type=\"module\" src=\"" + script + "\"></script></body></html>";
  }

  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
