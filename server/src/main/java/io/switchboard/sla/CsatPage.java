package io.switchboard.sla;

/**
 * The public survey page: plain HTML that works on a phone, no inline script or style (the
 * server's CSP allows neither); /csat-survey.js posts the answer. Every dynamic value is escaped.
 */
final class CsatPage {

  private CsatPage() {
  }

  static String form(String accountName, Integer preselected) {
    StringBuilder stars = new StringBuilder();
    String[] words = {"", "Very poor", "Poor", "OK", "Good", "Great"};
    for (int i = 1; i <= 5; i++) {
      stars.append("<label class=\"rating\"><input type=\"radio\" name=\"rating\" value=\"").append(i).append('"')
          .append(preselected != null && preselected == i ? " checked" : "").append(" required><span class=\"num\">")
          .append(i).append("</span><span class=\"word\">").append(words[i]).append("</span></label>");
    }
    return page("How did we do?", "<h1>How did " + escape(accountName) + " do?</h1>"
        + "<form id=\"survey\" novalidate><fieldset><legend>Your rating</legend><div class=\"ratings\">" + stars
        + "</div></fieldset><label class=\"comment\">Anything you would like to add? (optional)"
        + "<textarea name=\"comment\" maxlength=\"2000\" rows=\"4\"></textarea></label>"
        + "<button type=\"submit\">Send</button><p id=\"status\" role=\"status\" aria-live=\"polite\"></p></form>");
  }

  static String message(String title, String text) {
    return page(title, "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p>");
  }

  private static String page(String title, String body) {
    return io.switchboard.http.Html.page(title, "/csat-survey.css", "survey", body, "/csat-survey.js");
  }

  static String escape(String s) {
    return io.switchboard.http.Html.escape(s);
  }

}
