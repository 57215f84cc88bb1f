package io.datapump.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.datapump.support.Chromium;
import io.datapump.support.CisStub;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestUsers;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The 3 a.m. path in a real browser (headless Chromium) on the running pump: a viewer signs in, sees the failure
 * group and cannot act; an operator opens the group and an item's timeline, reads the dead-letter queue, dry-runs a
 * replay, runs it with a canary, watches it complete on the live page and finds it in the audit trail. Each page is
 * saved as target/console/ops-walk-*.png (the screenshots in docs/operations.md).
 */
@PumpTest
class OpsBrowserTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();
    static final Set<String> BROKEN = ConcurrentHashMap.newKeySet();
    static final String REJECTION = "{\"error\":\"account closed\",\"cardNumber\":\"4111111111111111\"}";

    @LocalServerPort int port;

    @BeforeAll
    static void billers() {
        Chromium.require();
        BROKEN.add("night-water");
        CIS.replyWith(call -> BROKEN.contains(call.billerId()) ? CisStub.Reply.of(400, REJECTION)
                : CisStub.Reply.of(200));
        PUMP.biller("night-water").items(4, 0).create();
    }

    @Test
    void aViewerSeesTheFailureAndCannotActAnOperatorRunsACanaryReplayToTheEndAndFindsItAudited() throws Exception {
        // given: four payments the CIS rejected
        ShardProbe probe = PUMP.probe();
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("night-water", "Failed") == 4);
        String ops = "http://localhost:" + port + "/ops";

        // when: a viewer signs in and opens the failure group
        WebDriver viewer = Chromium.start();
        try {
            Chromium.signIn(viewer, ops + "/failures", TestUsers.VIEWER, TestUsers.VIEWER_PASSWORD);
            groupLink(viewer).click();
            wait(viewer).until(d -> !d.findElements(By.id("items")).isEmpty());

            // then: the group's items are there, and no replay form or button
            assertThat(viewer.findElement(By.id("items")).getText()).contains("CisRejected");
            assertThat(viewer.findElements(By.id("replay-form"))).isEmpty();
            assertThat(viewer.findElements(By.tagName("button"))).isEmpty();
        } finally {
            viewer.quit();
        }

        WebDriver operator = Chromium.start();
        try {
            // when: an operator signs in, opens the group and the first item's timeline
            Chromium.signIn(operator, ops + "/failures", TestUsers.OPERATOR, TestUsers.OPERATOR_PASSWORD);
            Chromium.screenshot(operator, "ops-walk-failures.png");
            groupLink(operator).click();
            wait(operator).until(d -> !d.findElements(By.id("replay-form")).isEmpty());
            Chromium.screenshot(operator, "ops-walk-group.png");
            String group = operator.getCurrentUrl();
            operator.findElement(By.cssSelector("#items a[href='/ops/items/night-water/1']")).click();
            wait(operator).until(d -> !d.findElements(By.id("attempts")).isEmpty());

            // then: the timeline shows the rejection and the CIS's answer, masked
            assertThat(operator.findElement(By.id("control")).getText()).contains("Failed");
            assertThat(operator.findElement(By.id("attempts")).getText()).contains("CisRejected")
                    .contains("account closed").doesNotContain("4111111111111111");
            Chromium.screenshot(operator, "ops-walk-item.png");

            // and: the dead-letter queue holds the four messages, masked
            operator.get(ops + "/dead-letters?lane=production&queue=dead-letter&billerId=night-water");
            wait(operator).until(d -> d.findElements(By.cssSelector("#letters > tbody > tr")).size() == 5);
            assertThat(operator.getPageSource()).doesNotContain("4111111111111111");
            Chromium.screenshot(operator, "ops-walk-dead-letters.png");

            // when: the operator dry-runs a replay of the group at 20 items/s with a canary of one
            operator.get(group);
            WebElement form = wait(operator).until(d -> d.findElement(By.id("replay-form")));
            set(form.findElement(By.name("rate")), "20");
            set(form.findElement(By.name("canary")), "1");
            set(form.findElement(By.name("reason")), "CIS reopened the accounts");
            form.findElement(By.cssSelector("button[type=submit]")).click();
            WebElement what = wait(operator).until(d -> d.findElement(By.id("what-it-will-do")));

            // then: the page says what the replay will do, and nothing is replayed yet
            assertThat(what.getText()).contains("This replays 4 failed item(s) of biller night-water")
                    .contains("20 items/s").contains("the first 1 alone");
            assertThat(probe.inState("night-water", "Failed")).isEqualTo(4);
            Chromium.screenshot(operator, "ops-walk-confirm.png");

            // when: the CIS is fixed and the operator confirms
            BROKEN.remove("night-water");
            what.findElement(By.cssSelector("button[type=submit]")).click();

            // then: the job's page follows it live to the end: canary passed, four replayed
            // (the page swaps in a fresh #status every 2 s while the job runs: one found just before a swap is stale)
            new WebDriverWait(operator, Duration.ofSeconds(60)).ignoring(StaleElementReferenceException.class)
                    .until(d -> "Completed".equals(d.findElement(By.id("status")).getText()));
            assertThat(operator.findElement(By.id("replayed")).getText()).isEqualTo("4");
            assertThat(operator.findElement(By.id("progress")).getText()).contains("canary 1: Passed");
            Chromium.screenshot(operator, "ops-walk-replay.png");
            await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("night-water", "Processed") == 4);
            assertThat(CIS.acceptedFor("night-water")).extracting(CisStub.Call::idempotencyKey).hasSize(4)
                    .doesNotHaveDuplicates();

            // and: the audit trail has the dry run and the replay, by the operator, with the reason
            operator.get(ops + "/audit");
            String audit = wait(operator).until(d -> d.findElement(By.id("audit"))).getText();
            assertThat(audit).contains("replay-dry-run").contains("CIS reopened the accounts").contains("operator");
            Chromium.screenshot(operator, "ops-walk-audit.png");
        } finally {
            operator.quit();
        }
    }

    private static WebElement groupLink(WebDriver browser) {
        return wait(browser).until(d -> d.findElement(By.cssSelector("#groups a[href*='billerId=night-water']")));
    }

    private static WebDriverWait wait(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private static void set(WebElement input, String value) {
        input.clear();
        input.sendKeys(value);
    }
}
