package io.datapump.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven through ChromeDriver (Debian's chromium and chromium-driver, installed by
 * scripts/install-test-tools.sh): a test that needs it is skipped with the reason where the build could not install
 * them. Screenshots go to target/console.
 */
public final class Chromium {

    static final Path BINARY = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    /** Returns when Chromium and ChromeDriver are there; otherwise skips or fails as {@link TestTools} says. */
    public static void require() {
        TestTools.require(Files.isExecutable(BINARY), "chromium", "the browser tests need Chromium at " + BINARY
                + " (Debian package chromium): run scripts/install-test-tools.sh, or set -Dchromium.binary");
        TestTools.require(Files.isExecutable(DRIVER), "chromium-driver", "the browser tests need ChromeDriver at "
                + DRIVER + " (Debian package chromium-driver): run scripts/install-test-tools.sh, or set "
                + "-Dchromedriver.binary");
    }

    /** A fresh headless browser (its own profile, so no session is shared), 1600 x 1000. */
    public static WebDriver start() throws Exception {
        require();
        Path profile = Files.createTempDirectory("console-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1600,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Opens {@code url}, signs in on the login form it is sent to, and waits to be back on {@code url}'s path. */
    public static void signIn(WebDriver browser, String url, String user, String password) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(url);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        String path = java.net.URI.create(url).getPath();
        wait.until(d -> d.getCurrentUrl().contains(path));
    }

    /** Saves what the browser shows as target/console/{@code name}. */
    public static void screenshot(WebDriver browser, String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "console"));
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
