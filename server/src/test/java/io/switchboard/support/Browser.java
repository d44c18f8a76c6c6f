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

  public static boolean available() {
    return Files.isExecutable(CHROMIUM);
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
