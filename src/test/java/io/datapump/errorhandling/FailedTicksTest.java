package io.datapump.errorhandling;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;

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

    /** One tick of the route: it fails (the route configuration's handler), or reaches its last step. */
    private void tick(String route, boolean fails) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getExchangeExtension().setFromRouteId(route);
        if (fails) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("tick failed",
                    new SQLTransientConnectionException("the registry is down")));
            ticks.failed(exchange);
        } else {
            ticks.worked(exchange);
        }
    }
}
