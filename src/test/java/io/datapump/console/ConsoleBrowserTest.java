package io.datapump.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.DataPumpApplication;
import io.datapump.support.Chromium;
import io.datapump.support.Ports;
import io.datapump.support.TestBillers;
import io.datapump.support.TestUsers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser on the real console: the application runs as its own process on the local profile (its own JVM,
 * so the console sees exactly its Camel context), headless Chromium (Debian's chromium and chromium-driver, installed
 * by scripts/install-test-tools.sh; skipped with the reason where the build could not install them) logs in on the
 * login page, opens Hawtio's Camel routes page and finds there every
 * route of the running Camel context; the page is saved as target/console/routes.png.
 */
// its own pump process and no Spring context: runs beside the other test classes (junit-platform.properties)
@Execution(ExecutionMode.CONCURRENT)
class ConsoleBrowserTest {

    static Process app;
    static int port;

    @BeforeAll
    static void startThePump() throws Exception {
        Chromium.require();
        port = Ports.free();
        Path dir = Files.createDirectories(Path.of("target", "console"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                DataPumpApplication.class.getName(), "--spring.profiles.active=local", "--server.port=" + port,
                "--datapump.local.data-dir=" + TestBillers.freshDataDir());
        pb.environment().put("DATAPUMP_VIEWER_PASSWORD", TestUsers.VIEWER_PASSWORD);
        pb.environment().put("DATAPUMP_OPERATOR_PASSWORD", TestUsers.OPERATOR_PASSWORD);
        app = pb.redirectErrorStream(true).redirectOutput(dir.resolve("app.log").toFile()).start();
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            assertThat(app.isAlive()).as("the pump process (see target/console/app.log)").isTrue();
            return get("/actuator/health/liveness", null).statusCode() == 200;
        });
    }

    @AfterAll
    static void stopThePump() throws Exception {
        if (app != null) {
            app.destroy();
            app.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aViewerLogsInAndSeesEveryRouteOnTheCamelRoutesPage() throws Exception {
        // given: the routes of the running pump's Camel context (through its actuator), and a headless Chromium
        List<String> routeIds = routeIds();
        assertThat(routeIds).contains("biller-publisher", "item-consumer-payment-production");
        WebDriver browser = Chromium.start();
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
            Files.writeString(Path.of("target", "console", "routes-found.txt"), String.join("\n", routeIds) + "\n");
        } finally {
            dump(browser);
            browser.quit();
        }
    }

    @Test
    void aViewerSignsInAndReadsTheOperationsPagesAtDesktopAndPhoneWidthWithNoActionOffered() throws Exception {
        // given: the running pump with its local billers, and a headless Chromium
        WebDriver browser = Chromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

            // when: the viewer opens the operations pages and logs in
            Chromium.signIn(browser, "http://localhost:" + port + "/ops/billers", TestUsers.VIEWER,
                    TestUsers.VIEWER_PASSWORD);
            wait.until(d -> !d.findElements(By.id("biller-acme-water")).isEmpty());

            // then: every local biller is listed with its health, and no action is offered to a viewer
            String billers = browser.findElement(By.id("billers")).getText();
            assertThat(billers).contains("acme-water", "city-power", "demo-utility", "metro-transit");
            assertThat(browser.findElements(By.cssSelector("#billers button"))).isEmpty();
            Chromium.screenshot(browser, "ops-billers.png");
            // at a phone's width the page still works (the table scrolls sideways)
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            browser.navigate().refresh();
            wait.until(d -> !d.findElements(By.id("biller-acme-water")).isEmpty());
            Chromium.screenshot(browser, "ops-billers-phone.png");
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
            browser.get("http://localhost:" + port + "/ops/failures");
            wait.until(d -> !d.findElements(By.id("groups")).isEmpty());
            Chromium.screenshot(browser, "ops-failures.png");
            browser.get("http://localhost:" + port + "/ops/audit");
            wait.until(d -> !d.findElements(By.id("audit")).isEmpty());
            Chromium.screenshot(browser, "ops-audit.png");
        } finally {
            browser.quit();
        }
    }


    /** The route ids of the pump's Camel context, from its camelroutes actuator endpoint. */
    private static List<String> routeIds() throws Exception {
        HttpResponse<String> response = get("/actuator/camelroutes",
                TestUsers.basic(TestUsers.VIEWER, TestUsers.VIEWER_PASSWORD));
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(response.body()).forEach(route -> ids.add(route.get("id").asText()));
        Collections.sort(ids);
        return ids;
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return new FailedResponse(e);
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

    /** "Nothing answers yet" while the pump starts. */
    private record FailedResponse(Exception cause) implements HttpResponse<String> {
        @Override public int statusCode() { return -1; }
        @Override public HttpRequest request() { return null; }
        @Override public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        @Override public java.net.http.HttpHeaders headers() { return null; }
        @Override public String body() { return null; }
        @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        @Override public URI uri() { return null; }
        @Override public HttpClient.Version version() { return null; }
    }

}
