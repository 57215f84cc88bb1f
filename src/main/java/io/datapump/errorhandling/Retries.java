package io.datapump.errorhandling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords;
import io.datapump.failure.Failure;
import io.datapump.failure.FailureClassifier;
import io.datapump.failure.FailureKind;
import io.datapump.itemconsumer.CisGuard;
import io.datapump.itemconsumer.ItemContext;
import io.datapump.message.BillerMessage;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemPublishing;
import io.datapump.tracing.TraceIds;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Durable delayed retries (routes/error-handling.camel.yaml, route retry-later). After the quick in-process
 * redeliveries are spent, an item is released (Processing -> Queued, attempt recorded) and its message is published
 * again on its item topic for delivery after a growing delay (datapump.retry.delayed.*), honouring a CIS's
 * Retry-After. The broker holds it durably meanwhile; no consumer thread waits. When the delayed retries are spent
 * the item goes to the dead-letter channel. Deferrals (breaker open, biller busy) are re-published the same way
 * without spending a retry. A biller message is given up on (its publisher publishes the biller again), unless its
 * database is unreachable: then it is re-published after the shard back-off, still holding the biller's marker.
 */
@Component("retries")
public class Retries {

    private static final Logger LOG = LoggerFactory.getLogger(Retries.class);

    private final FailurePolicy policy;
    private final ControlRecords controlRecords;
    private final DataPumpProperties properties;
    private final ItemPublishing publishing;
    private final MeterRegistry meters;
    private final CisGuard cisGuard;
    private final FailingItems failing;
    private final Clock clock = Clock.systemUTC();

    public Retries(FailurePolicy policy, ControlRecords controlRecords, DataPumpProperties properties,
                   ItemPublishing publishing, MeterRegistry meters, CisGuard cisGuard,
                   FailingItems failing) {
        this.failing = failing;
        this.policy = policy;
        this.controlRecords = controlRecords;
        this.properties = properties;
        this.publishing = publishing;
        this.meters = meters;
        this.cisGuard = cisGuard;
    }

    /**
     * Prepares the exchange for its durable retry: on return either {@link DataPumpHeaders#PUBLISH_URI} names where to
     * publish the body, or {@link DataPumpHeaders#EXHAUSTED} says the item goes to the dead-letter channel, or
     * neither (a biller message given up on, which the publisher re-drives). A biller message whose database is
     * unreachable is deferred instead: {@link DataPumpHeaders#PUBLISH_URI} names its biller topic.
     */
    public void schedule(Exchange exchange) throws JsonProcessingException {
        Failure failure = policy.classify(exchange);
        ItemContext context = failing.of(exchange);
        ItemMessage item = context == null ? null : context.message();
        Instant now = clock.instant();
        if (item == null) {
            BillerMessage message = exchange.getProperty(DataPumpHeaders.BILLER_MESSAGE, BillerMessage.class);
            String lane = exchange.getProperty(DataPumpHeaders.ROUTE_LANE, String.class);
            if (message != null && lane != null && waitsForItsDatabase(failure)) {
                deferBillerMessage(exchange, message, lane, failure, now);
            } else {
                dropBillerMessage(exchange, failure);
            }
            return;
        }
        if (failure.isTransient() && cisGuard.isOpen(item.billerId())) {
            // the biller's CIS is known to be down: wait for its breaker instead of spending a retry
            failure = failure.as(FailureKind.DEFERRED, failure.message() + " (CIS breaker open)",
                    properties.getCis().getCircuitBreaker().getWaitInOpen());
        } else if (failure.isTransient() && FailureClassifier.INFRASTRUCTURE.contains(failure.errorClass())) {
            // the pump's own database or broker is down: not the item's fault, so no retry is spent on it
            failure = failure.as(FailureKind.DEFERRED, failure.message(),
                    properties.getRetry().getDelayed().getInitialDelay());
        }
        boolean deferred = failure.isDeferred();
        ItemMessage next = deferred ? item.deferred(now) : item.nextRetry(now);
        if (!deferred && next.retry() > properties.getRetry().getDelayed().getAttempts()) {
            exchange.setProperty(DataPumpHeaders.EXHAUSTED, true);
            return;
        }
        Duration delay = deferred ? orZero(failure.retryAfter())
                : max(properties.getRetry().getDelayed().delayBefore(next.retry()), failure.retryAfter());

        String token = exchange.getProperty(DataPumpHeaders.ATTEMPT_TOKEN, String.class);
        // without a claim of its own (none made, or its answer lost), the message passes on the attempt that may
        // hold the row: the one the message resumed, or its own claim written before the connection broke
        String resumes = token == null ? failing.resumableAttempt(exchange) : null;
        if (token != null) {
            // (a claim was made, so the item was admitted and its shard is known)
            controlRecords.releaseAfterFailure(context.shard(), item, TraceIds.of(exchange), token,
                    exchange.getProperty(DataPumpHeaders.ATTEMPT_STARTED, Instant.class), failure);
            exchange.removeProperty(DataPumpHeaders.ATTEMPT_TOKEN);
        }
        publishing.prepare(exchange, next, now.plus(delay));
        if (resumes != null) {
            exchange.getMessage().setHeader(DataPumpHeaders.RESUMES_ATTEMPT, resumes);
        }

        meters.counter(deferred ? "datapump.items.deferred" : "datapump.items.retries",
                "biller", item.billerId(), "lane", item.lane(), "errorClass", failure.errorClass()).increment();
        if (deferred) {
            LOG.debug("Item {} deferred for {} ({}: {})", item.key(), delay, failure.errorClass(), failure.message());
        } else {
            LOG.info("Item {} scheduled for retry {} in {} ({}: {})", item.key(), next.retry(), delay,
                    failure.errorClass(), failure.message());
        }
    }

    /** Neither the biller message nor its biller is at fault: the shard or the registry is unreachable. */
    /**
     * Whether the biller message failed because its database could not be used now: unreachable, kept out of service,
     * or failing transiently (a pool that timed out while the shard went down reports no cause, so an outage can look
     * like a busy pool). It then waits for the database instead of being dropped.
     */
    static boolean waitsForItsDatabase(Failure failure) {
        return switch (failure.errorClass()) {
            case "ShardUnavailable", "ShardMisconfigured", "DatabaseUnavailable", "DatabaseTransient",
                 "DatabaseDeadlock" -> true;
            default -> false;
        };
    }

    /**
     * Its database is down, so the biller message cannot release the biller's outstanding marker: dropping it would
     * leave the biller unpublished until the marker's lease ran out. It is published again, with the same marker
     * token, after the shard back-off (or what the back-off has left), until it gets through or its kill date.
     */
    private void deferBillerMessage(Exchange exchange, BillerMessage message, String lane, Failure failure,
                                    Instant now) throws JsonProcessingException {
        // what is left of the shard's back-off, else a whole back-off; never a tight loop
        Duration delay = failure.retryAfter() != null ? max(failure.retryAfter(), Duration.ofSeconds(1))
                : properties.getShards().getUnavailableBackoff();
        publishing.prepare(exchange, message, lane, now.plus(delay));
        meters.counter("datapump.biller.messages.deferred", "biller", message.billerId(), "errorClass",
                failure.errorClass()).increment();
        LOG.info("Biller message for {} deferred for {}: {} ({})", message.billerId(), delay, failure.errorClass(),
                failure.message());
    }

    private void dropBillerMessage(Exchange exchange, Failure failure) {
        BillerMessage message = exchange.getProperty(DataPumpHeaders.BILLER_MESSAGE, BillerMessage.class);
        String billerId = message == null ? "unknown" : message.billerId();
        if (message != null) {
            failing.releaseMarker(billerId, message.token());
        }
        meters.counter("datapump.biller.messages.dropped", "biller", billerId, "errorClass", failure.errorClass())
                .increment();
        LOG.warn("Biller message for {} given up after transient failures ({}: {}); its rows stay pending and the "
                + "publisher publishes it again", billerId, failure.errorClass(), failure.message());
    }

    private static Duration max(Duration a, Duration b) {
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration orZero(Duration d) {
        return d == null ? Duration.ZERO : d;
    }
}
