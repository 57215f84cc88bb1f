package io.datapump.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.datapump.support.CisStub;
import io.datapump.support.TestBillers;
import io.datapump.support.TestUsers;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real browser on the real console: headless Chromium (Debian's chromium and chromium-driver, installed by
 * scripts/install-test-tools.sh) logs in on the login page, opens Hawtio's Camel routes page and finds there every
 * route the running Camel context has; the page is saved as target/console/routes.png.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class ConsoleBrowserTest {

    static final CisStub CIS = new CisStub();
    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        TestBillers.into(registry).biller("acme", false, true, 5, 2, CIS);
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @LocalServerPort int port;
    @Autowired CamelContext camel;

    @Test
    void aViewerLogsInAndSeesEveryRouteOnTheCamelRoutesPage() throws Exception {
        // given: the running pump's routes, and a headless Chromium
        List<String> routeIds = camel.getRoutes().stream().map(Route::getRouteId).sorted().toList();
        assertThat(routeIds).isNotEmpty();
        WebDriver browser = chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

            // when: the viewer opens the console, logs in, and opens the Camel routes page
            browser.get("http://localhost:" + port + "/actuator/hawtio/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
            browser.findElement(By.name("username")).sendKeys(TestUsers.VIEWER);
            browser.findElement(By.name("password")).sendKeys(TestUsers.VIEWER_PASSWORD);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(d -> d.getCurrentUrl().contains("/actuator/hawtio"));
            browser.get("http://localhost:" + port + "/actuator/hawtio/camel/routes");
            wait.until(d -> !d.findElements(By.cssSelector("main table tbody tr")).isEmpty()
                    && routeIds.stream().allMatch(tableText(d)::contains));

            // then: every route id is in the page's routes table, which shows their state and statistics
            String table = tableText(browser);
            assertThat(routeIds).allSatisfy(id -> assertThat(table).contains(id));
            assertThat(table).contains("Started");
        } finally {
            dump(browser);
            browser.quit();
        }
    }

    private static String tableText(WebDriver browser) {
        return String.join("\n", browser.findElements(By.cssSelector("main table")).stream()
                .map(org.openqa.selenium.WebElement::getText).toList());
    }

    private static void dump(WebDriver browser) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "console"));
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), dir.resolve("routes.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("routes.txt"), browser.getCurrentUrl() + "\n"
                + browser.findElement(By.tagName("body")).getText());
        Files.writeString(dir.resolve("routes.html"), browser.getPageSource());
    }

    private static WebDriver chromium() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The console browser test needs Chromium at " + CHROMIUM
                    + " and its driver at " + CHROMEDRIVER + " (Debian packages chromium and chromium-driver): run "
                    + "scripts/install-test-tools.sh, or set -Dchromium.binary / -Dchromedriver.binary");
        }
        Path profile = Files.createTempDirectory("console-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1600,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
