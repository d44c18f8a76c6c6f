package io.switchboard.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * Pictures of the demo-like console at phone, laptop and wide-screen sizes, for docs/screenshots/.
 * A command of its own, skipped in an ordinary test run:
 * {@code SWITCHBOARD_SCREENSHOT_SIZES=1 mvn -pl server -am test -Dtest=ConsoleScreenshots -Dsurefire.failIfNoSpecifiedTests=false}
 * writes the PNGs to server/target/screenshots/; copy the ones worth keeping by hand.
 */
@EnabledIfEnvironmentVariable(named = "SWITCHBOARD_SCREENSHOT_SIZES", matches = ".+")
@DisplayName("Screenshots of the console for the docs")
class ConsoleScreenshots {

  @Test
  @DisplayName("phone, laptop and wide screen")
  void capture() throws Exception {
    Path out = Path.of("target", "screenshots");
    Files.createDirectories(out);
    List<BrowserContext> contexts = new ArrayList<>();
    try (TestServer server = TestServer.start("screenshots"); Browser browser = new Browser()) {
      ConsoleDemo demo = new ConsoleDemo(server);
      Page phone = open(browser, server, contexts, demo.agent, 360, 740);
      shot(phone, out.resolve("phone-360-inbox.png"));

      Page phone390 = open(browser, server, contexts, demo.agent, 390, 844);
      conversation(phone390, demo);
      shot(phone390, out.resolve("phone-390-conversation.png"));

      for (int[] size : new int[][] {{1280, 720}, {1920, 1080}, {2560, 1440}}) {
        Page page = open(browser, server, contexts, demo.agent, size[0], size[1]);
        conversation(page, demo);
        assertThat(page.locator("#contact-panel .contact-name")).isVisible();
        shot(page, out.resolve("console-" + size[0] + "x" + size[1] + ".png"));
      }

      Page search = open(browser, server, contexts, demo.agent, 1280, 720);
      search.fill("#search", "601 234 567");
      assertThat(search.locator("#search-people .person-row")).hasCount(1);
      shot(search, out.resolve("search-1280x720.png"));

      Page supervisor = ConsoleDemo.signIn(browser, server, contexts, demo.supervisor, 1280, 720);
      assertThat(supervisor.locator("#dash-tiles .tile").first()).isVisible();
      shot(supervisor, out.resolve("dashboard-1280x720.png"));
    } finally {
      contexts.forEach(BrowserContext::close);
    }
  }

  private static Page open(Browser browser, TestServer server, List<BrowserContext> contexts, Person person, int width,
      int height) {
    Page page = ConsoleDemo.signIn(browser, server, contexts, person, width, height);
    page.click("[data-view=all]");
    return page;
  }

  private static void conversation(Page page, ConsoleDemo demo) {
    page.click(".conv-row[data-id=\"" + demo.richConversation + "\"]");
    assertThat(page.locator("#timeline .msg")).hasCount(3);
  }

  /** The page as it stands, once fonts and pending layout have settled (no moving caret or animation). */
  private static void shot(Page page, Path file) {
    page.evaluate("() => document.fonts.ready");
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setAnimations(
        com.microsoft.playwright.options.ScreenshotAnimations.DISABLED).setCaret(
        com.microsoft.playwright.options.ScreenshotCaret.HIDE));
  }
}
