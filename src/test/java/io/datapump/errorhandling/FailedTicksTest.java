package io.datapump.errorhandling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A timer route that fails tick after tick (its database is down) warns once, counts every tick, and says when it works again. */
@ExtendWith(OutputCaptureExtension.class)
class FailedTicksTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final FailedTicks ticks = new FailedTicks(meters);
    final DefaultCamelContext camel = new DefaultCamelContext();
    long lastTickBegan;

    @Test
    void aRunOfFailedTicksWarnsOnceCountsEachAndEndsWithOneLineSayingTheRouteWorksAgain(CapturedOutput log) {
        // given: the publisher's ticks fail five times in a row, another route's once
        for (int i = 0; i < 5; i++) {
            tick("biller-publisher", true);
        }
        tick("archiver", true);

        // when: the publisher's next tick works, and the one after
        tick("biller-publisher", false);
        tick("biller-publisher", false);

        // then: one warning per route, every failure counted, and the publisher's recovery said once
        assertThat(log.getOut().lines().filter(l -> l.contains("WARN") && l.contains("Route biller-publisher failed")))
                .hasSize(1);
        assertThat(log.getOut().lines().filter(l -> l.contains("WARN") && l.contains("Route archiver failed")))
                .hasSize(1);
        assertThat(log.getOut()).contains("SQLTransientConnectionException: the registry is down");
        assertThat(meters.counter("datapump.timer.failures", "route", "biller-publisher").count()).isEqualTo(5);
        assertThat(meters.counter("datapump.timer.failures", "route", "archiver").count()).isEqualTo(1);
        assertThat(log.getOut().lines().filter(l -> l.contains("Route biller-publisher works again, after 5 failed")))
                .hasSize(1);
        assertThat(log.getOut()).doesNotContain("Route archiver works again");
    }

    @Test
    void aTickThatBeganBeforeAFailedOneDoesNotSayTheRouteWorksAgain(CapturedOutput log) {
        // given: a publisher tick that began before the registry went down (its parallel split is still running),
        // and the tick after it, which failed
        Exchange early = begin("biller-publisher");
        Exchange failing = begin("biller-publisher");
        end(failing, true);

        // when: the early tick reaches its last step, and then a tick that began after the failed one works
        end(early, false);
        String afterEarlyTick = log.getOut();
        end(begin("biller-publisher"), false);

        // then: only the later tick says the route works again
        assertThat(afterEarlyTick).doesNotContain("works again");
        assertThat(log.getOut().lines().filter(l -> l.contains("Route biller-publisher works again, after 1 failed")))
                .hasSize(1);
    }

    /** One tick of the route: it fails (the route configuration's handler), or reaches its last step. */
    private void tick(String route, boolean fails) {
        end(begin(route), fails);
    }

    /**
     * A tick of the route begins: the timer creates its exchange, in a millisecond of its own (a timer's ticks are a
     * period apart; the exchange's clock counts milliseconds).
     */
    private Exchange begin(String route) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1))
                .until(() -> System.currentTimeMillis() > lastTickBegan);
        Exchange exchange = new DefaultExchange(camel);
        lastTickBegan = exchange.getClock().getCreated();
        exchange.getExchangeExtension().setFromRouteId(route);
        return exchange;
    }

    private void end(Exchange tick, boolean fails) {
        if (fails) {
            tick.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("tick failed",
                    new SQLTransientConnectionException("the registry is down")));
            ticks.failed(tick);
        } else {
            ticks.worked(tick);
        }
    }
}
