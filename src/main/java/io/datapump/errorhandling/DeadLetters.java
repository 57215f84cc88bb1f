package io.datapump.errorhandling;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.control.ControlRecords;
import io.datapump.failure.Failure;
import io.datapump.itemconsumer.ItemContext;
import io.datapump.message.BillerMessage;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemMessage;
import io.datapump.tracing.TraceIds;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The dead-letter channel's work (route dead-letter): an exhausted or permanent failure marks the item's control
 * record Failed with error class, message and attempt count, and the original message goes to the dead-letter queue
 * of its lane with failure headers. Messages that cannot even be parsed go there too. An expired item raises the
 * kill-date alert (ERROR log and datapump_items_expired_total).
 */
@Component("deadLetters")
public class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final FailurePolicy policy;
    private final ControlRecords controlRecords;
    private final Environment environment;
    private final MeterRegistry meters;
    private final FailingItems failing;
    private final Clock clock = Clock.systemUTC();

    public DeadLetters(FailurePolicy policy, ControlRecords controlRecords, Environment environment,
                       MeterRegistry meters, FailingItems failing) {
        this.failing = failing;
        this.policy = policy;
        this.controlRecords = controlRecords;
        this.environment = environment;
        this.meters = meters;
    }

    /** Marks the item Failed and sets the failure headers; sets {@link DataPumpHeaders#DEAD_LETTER_URI} unless the
     * message is a stale duplicate of an item that was delivered meanwhile. */
    public void prepare(Exchange exchange) {
        Failure failure = policy.classify(exchange);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ItemContext context = failing.of(exchange);
        ItemMessage item = context == null ? null : context.message();
        BillerMessage billerMessage = exchange.getProperty(DataPumpHeaders.BILLER_MESSAGE, BillerMessage.class);
        String lane = lane(exchange, item, billerMessage);
        Instant now = clock.instant();
        Message message = exchange.getMessage();

        int attempts = 0;
        Instant firstFailure = now;
        if (item != null && context.shard() != null) {
            ControlRecords.FailedItem failed = controlRecords.markFailed(context.shard(), item, TraceIds.of(exchange),
                    exchange.getProperty(DataPumpHeaders.ATTEMPT_TOKEN, String.class),
                    exchange.getProperty(DataPumpHeaders.ATTEMPT_STARTED, Instant.class), failure);
            if (failed == null) {
                LOG.info("Dropping a late message for item {}: the item was delivered already ({})", item.key(),
                        failure.errorClass());
                meters.counter("datapump.items.stale.duplicates", "biller", item.billerId()).increment();
                return;
            }
            // the attempt is over: the idempotent consumer must not release the row again
            exchange.removeProperty(DataPumpHeaders.ATTEMPT_TOKEN);
            attempts = failed.attempts();
            if (failed.firstFailure() != null) {
                firstFailure = failed.firstFailure();
            }
        }
        if (item != null) {
            message.setHeader(DataPumpHeaders.BILLER_ID, item.billerId());
            message.setHeader(DataPumpHeaders.RECORD_ID, item.recordId());
            message.setHeader(DataPumpHeaders.ITEM_TYPE, item.itemType());
        } else if (billerMessage != null) {
            message.setHeader(DataPumpHeaders.BILLER_ID, billerMessage.billerId());
            // the biller message will not be acted on: the publisher may publish the biller's work again
            failing.releaseMarker(billerMessage.billerId(), billerMessage.token());
        }
        message.setHeader(DataPumpHeaders.LANE, lane);
        message.setHeader(DataPumpHeaders.FAILURE_CLASS, failure.errorClass());
        message.setHeader(DataPumpHeaders.FAILURE_KIND, failure.kind().name());
        message.setHeader(DataPumpHeaders.FAILURE_CAUSE, cause == null ? "" : cause.getClass().getName());
        message.setHeader(DataPumpHeaders.FAILURE_MESSAGE, ControlRecords.truncate(failure.message()));
        if (failure.httpStatus() != null) {
            message.setHeader(DataPumpHeaders.FAILURE_HTTP_STATUS, failure.httpStatus());
        }
        message.setHeader(DataPumpHeaders.FAILURE_ROUTE, exchange.getFromRouteId());
        message.setHeader(DataPumpHeaders.FAILURE_ATTEMPTS, attempts);
        message.setHeader(DataPumpHeaders.FAILURE_FIRST_AT, firstFailure.toString());
        message.setHeader(DataPumpHeaders.FAILURE_LAST_AT, now.toString());
        exchange.setProperty(DataPumpHeaders.DEAD_LETTER_URI,
                environment.getRequiredProperty("datapump.endpoints." + lane + ".dead-letter-out"));

        String what = item != null ? "item " + item.key()
                : billerMessage != null ? "biller message for " + billerMessage.billerId() : "unreadable message";
        meters.counter("datapump.dead.letters", "lane", lane, "errorClass", failure.errorClass()).increment();
        if (item != null) {
            meters.counter("datapump.items.failed", "biller", item.billerId(), "lane", lane,
                    "errorClass", failure.errorClass()).increment();
        }
        if ("Expired".equals(failure.errorClass())) {
            meters.counter("datapump.items.expired", "lane", lane,
                    "biller", item != null ? item.billerId() : billerMessage != null ? billerMessage.billerId() : "unknown")
                    .increment();
            LOG.error("ALERT kill date: {} from route {} expired and was dead-lettered: {}", what,
                    exchange.getFromRouteId(), failure.message());
        } else {
            LOG.warn("Dead-lettered {} from route {} after {} attempt(s): {} ({})", what, exchange.getFromRouteId(),
                    attempts, failure.errorClass(), failure.message());
        }
    }

    private static String lane(Exchange exchange, ItemMessage item, BillerMessage billerMessage) {
        String routeLane = exchange.getProperty(DataPumpHeaders.ROUTE_LANE, String.class);
        if (routeLane != null) {
            return routeLane;
        }
        if (item != null && item.lane() != null) {
            return item.lane();
        }
        return billerMessage != null && "demo".equals(billerMessage.lane()) ? "demo" : "production";
    }
}
