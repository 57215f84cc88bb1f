package io.datapump.errorhandling;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.failure.FailureRuns;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

/**
 * Failures of the timer routes (publisher, sweepers, archiver, metrics refresh), which opt into the route
 * configuration {@code datapump-timer-errors}: the next tick does the work again anyway, so a database outage must
 * not write two stack traces per route per tick. The first failure of a run is a warning (with its stack trace), the
 * ones after it are logged at DEBUG; each is counted in {@code datapump_timer_failures_total{route}}. Each timer
 * route ends with {@link #worked}, so the first tick that works again says so.
 */
@Component("failedTicks")
public class FailedTicks {

    private static final Logger LOG = LoggerFactory.getLogger(FailedTicks.class);

    private final MeterRegistry meters;
    /** Timer routes whose ticks failed in a row, and how many. */
    private final FailureRuns failing = new FailureRuns();
    /**
     * When the latest failed tick of each route began. A timer does not wait for a tick that went asynchronous (the
     * publisher's parallel split), so ticks overlap: one that began before a failed one and ends after it says
     * nothing about whether the route works now.
     */
    private final Map<String, Long> lastFailedTickBegan = new ConcurrentHashMap<>();

    public FailedTicks(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The tick failed: counted, and logged as a warning if the route's previous tick worked. */
    public void failed(Exchange exchange) {
        String route = exchange.getFromRouteId();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        meters.counter("datapump.timer.failures", "route", route).increment();
        lastFailedTickBegan.merge(route, exchange.getClock().getCreated(), Math::max);
        if (failing.failed(route)) {
            LOG.warn("Route {} failed ({}); its next tick tries again, and until one works its failures are "
                    + "counted in datapump_timer_failures_total and logged at DEBUG", route, rootOf(cause), cause);
        } else {
            LOG.debug("Route {} failed again ({})", route, rootOf(cause));
        }
    }

    /**
     * The tick worked (the route's last step): if ticks before it failed, that is said once. A tick that began no
     * later than the latest failed one (overlapping it) does not end the run; the next tick will.
     */
    public void worked(Exchange exchange) {
        String route = exchange.getFromRouteId();
        Long failedTickBegan = lastFailedTickBegan.get(route);
        if (failedTickBegan != null && exchange.getClock().getCreated() <= failedTickBegan) {
            return;
        }
        int failed = failing.ended(route);
        if (failed > 0) {
            LOG.info("Route {} works again, after {} failed tick(s)", route, failed);
        }
    }

    private static String rootOf(Throwable cause) {
        if (cause == null) {
            return "no exception";
        }
        Throwable root = NestedExceptionUtils.getMostSpecificCause(cause);
        return root == cause ? cause.toString() : cause.getClass().getSimpleName() + ": " + root;
    }
}
