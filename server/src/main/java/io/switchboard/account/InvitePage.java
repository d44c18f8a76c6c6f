package io.switchboard.account;

/**
 * The invitee's public page and the invitation mail. Plain HTML that works on a phone, no inline
 * script or style (the server's CSP allows neither): /invite-page.js posts the form. Every dynamic
 * value is escaped.
 */
final class InvitePage {

  private InvitePage() {
  }

  static String form(String accountName, String email, String name) {
    return page("Join " + accountName, "<h1>Join " + escape(accountName) + " on Switchboard</h1>"
        + "<p>You were invited as <strong>" + escape(email) + "</strong>. Choose the name your colleagues see "
        + "and a password.</p>"
        + "<form id=\"join\" novalidate>"
        + "<label for=\"join-name\">Your name</label>"
        + "<input id=\"join-name\" name=\"name\" type=\"text\" autocomplete=\"name\" maxlength=\"200\" required value=\""
        + escape(name) + "\">"
        + "<input type=\"email\" name=\"username\" autocomplete=\"username\" value=\"" + escape(email)
        + "\" hidden>"
        + "<label for=\"join-password\">Password (at least 8 characters)</label>"
        + "<input id=\"join-password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" "
        + "maxlength=\"200\" required>"
        + "<label for=\"join-confirm\">Password again</label>"
        + "<input id=\"join-confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required>"
        + "<button type=\"submit\">Join and sign in</button>"
        + "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p></form>");
  }

  /** A person who forgot their password asks for a link (/reset). */
  static String resetRequest() {
    return page("Reset your password", "<h1>Reset your password</h1>"
        + "<p>Enter the email address you sign in with. If it belongs to an account, a link to choose a new "
        + "password is on its way (it works once, for 24 hours).</p>"
        + "<form id=\"reset-request\" novalidate>"
        + "<label for=\"reset-email\">Email</label>"
        + "<input id=\"reset-email\" name=\"email\" type=\"email\" autocomplete=\"username\" maxlength=\"254\" required>"
        + "<button type=\"submit\">Send the link</button>"
        + "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p></form>"
        + "<p><a href=\"/\">Back to sign-in</a></p>");
  }

  /** The link's page (/reset/{token}): a new password, twice. */
  static String resetForm() {
    return page("Choose a new password", "<h1>Choose a new password</h1>"
        + "<p>You will be signed out everywhere else.</p>"
        + "<form id=\"reset\" novalidate>"
        + "<label for=\"join-password\">New password (at least 8 characters)</label>"
        + "<input id=\"join-password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" "
        + "minlength=\"8\" maxlength=\"200\" required>"
        + "<label for=\"join-confirm\">New password again</label>"
        + "<input id=\"join-confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required>"
        + "<button type=\"submit\">Save and sign in</button>"
        + "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p></form>");
  }

  static StaffMail.Letter resetLetter(String to, String url) {
    String text = "Someone (we hope you) asked to reset your Switchboard password.\n\n"
        + "Choose a new one here (the link works once, for 24 hours):\n" + url + "\n\n"
        + "If it was not you, ignore this mail: your password stays as it is.\n";
    String html = "<p>Someone (we hope you) asked to reset your Switchboard password.</p><p><a href=\""
        + escape(url) + "\">Choose a new password</a> (the link works once, for 24 hours).</p><p>" + escape(url)
        + "</p><p>If it was not you, ignore this mail: your password stays as it is.</p>";
    return new StaffMail.Letter(to, "Reset your Switchboard password", text, html);
  }

  /** Writes a page; never cached, and its URL (the token) is not sent on as a Referer. */
  static void send(io.vertx.ext.web.RoutingContext ctx, int status, String html) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(html);
  }

  static String message(String title, String text) {
    return page(title, "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p>"
        + "<p><a href=\"/\">Go to the sign-in page</a></p>");
  }

  /** The invitation mail: plain text and HTML, the link in both. */
  static StaffMail.Letter letter(String to, String accountName, String inviter, String url) {
    String subject = "You are invited to " + accountName + " on Switchboard";
    String text = inviter + " invited you to join " + accountName + " on Switchboard, the support console.\n\n"
        + "Set your name and password here (the link works once, for 24 hours):\n" + url + "\n";
    String html = "<p>" + escape(inviter) + " invited you to join <strong>" + escape(accountName)
        + "</strong> on Switchboard, the support console.</p><p><a href=\"" + escape(url)
        + "\">Set your name and password</a> (the link works once, for 24 hours).</p><p>" + escape(url) + "</p>";
    return new StaffMail.Letter(to, subject.replaceAll("[\\r\\n]", " "), text, html);
  }

  private static String page(String title, String body) {
    return io.switchboard.http.Html.page(title, "/invite-page.css", "join", body, "/invite-page.js");
  }

  static String escape(String s) {
    return io.switchboard.http.Html.escape(s);
  }

}
