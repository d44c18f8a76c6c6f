package io.switchboard.support;

import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Headless Debian Chromium driven by Playwright (no browser download: the system one is used). */
public final class Browser implements AutoCloseable {

  public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));

  private final Playwright playwright;
  public final com.microsoft.playwright.Browser browser;

  public Browser() {
    this.playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    this.browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(CHROMIUM)
        .setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage")));
  }

  /**
   * A console signed in as the person in a new 1440x900 context (closed with the context), once its
   * live stream is connected, showing every conversation it may see.
   */
  public com.microsoft.playwright.Page console(java.util.List<com.microsoft.playwright.BrowserContext> contexts,
      String baseUrl, String email, String password) {
    com.microsoft.playwright.BrowserContext context = browser.newContext(
        new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1440, 900));
    contexts.add(context);
    com.microsoft.playwright.Page page = context.newPage();
    page.onPageError(e -> System.out.println("[browser error] " + e));
    page.navigate(baseUrl + "/");
    page.fill("#login-email", email);
    page.fill("#login-password", password);
    page.click("#login-submit");
    com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator("#connection-state"))
        .hasAttribute("data-state", "connected",
            new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
    // Admins and supervisors land on their own pages: these tests work in the inbox.
    page.evaluate("location.hash = '#/'");
    page.click("[data-view=all]");
    return page;
  }

  public static boolean available() {
    return Files.isExecutable(CHROMIUM);
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
