package io.datapump.errorhandling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.message.BillerMessage;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemPublishing;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The last resort of the failure handling (routes retry-later and dead-letter): when recording a failure cannot
 * reach the database (its shard or the registry is down), the item is published again for a later try, with a
 * growing delay (retry.delayed.*, by the DataPumpRedrives header), and the consumed message is acknowledged. This
 * keeps the item safe whatever the transport's own redelivery limit is (Service Bus dead-letters after its
 * MaxDeliveryCount); no retry of the item is spent. When the row is still {@code Processing} under the failed
 * attempt, the message names that attempt ({@link DataPumpHeaders#RESUMES_ATTEMPT}) so its consumer can take the row
 * over. A biller message is dropped instead (the publisher re-drives its biller). Only if the broker itself is down does the exchange fail, and then the broker keeps the message.
 */
@Component("redrives")
public class Redrives {

    private static final Logger LOG = LoggerFactory.getLogger(Redrives.class);
    public static final String REDRIVES = "DataPumpRedrives";

    private final ItemPublishing publishing;
    private final DataPumpProperties.Backoff backoff;
    private final MeterRegistry meters;

    private final FailingItems failing;
    /** An outage redrives every item of the biller that arrives: one warning a minute per biller is enough. */
    private final WarningThrottle warnings = new WarningThrottle(Duration.ofMinutes(1), Clock.systemUTC());

    public Redrives(ItemPublishing publishing, DataPumpProperties properties, MeterRegistry meters,
                    FailingItems failing) {
        this.failing = failing;
        this.publishing = publishing;
        this.backoff = properties.getRetry().getDelayed();
        this.meters = meters;
    }

    /** Sets {@link DataPumpHeaders#PUBLISH_URI} and the message to publish, or leaves it unset to drop the message. */
    public void prepare(Exchange exchange) throws JsonProcessingException {
        exchange.removeProperty(DataPumpHeaders.PUBLISH_URI);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // the message alone: its shard (or the registry) is why the failure could not be recorded
        ItemMessage item = failing.messageOf(exchange);
        if (item == null) {
            BillerMessage biller = exchange.getProperty(DataPumpHeaders.BILLER_MESSAGE, BillerMessage.class);
            LOG.warn("Failure handling of a {} failed ({}); dropped, the publisher publishes its biller again",
                    biller == null ? "message" : "biller message for " + biller.billerId(), cause);
            return;
        }
        Integer previous = exchange.getMessage().getHeader(REDRIVES, Integer.class);
        int redrive = (previous == null ? 0 : previous) + 1;
        Duration delay = backoff.delayBefore(redrive);
        // the row may still be Processing under this exchange's attempt (its release could not be written), its
        // claim whose answer was lost, or the attempt the consumed message already resumed: the redriven message may
        // take it over, instead of being skipped and leaving the row to the processing lease
        String resumes = failing.resumableAttempt(exchange);
        publishing.prepare(exchange, item, Instant.now().plus(delay));
        exchange.getMessage().setHeader(REDRIVES, redrive);
        if (resumes != null) {
            exchange.getMessage().setHeader(DataPumpHeaders.RESUMES_ATTEMPT, resumes);
        }
        meters.counter("datapump.items.redriven", "biller", item.billerId(), "lane", item.lane()).increment();
        int quiet = warnings.warn(item.billerId());
        if (quiet == WarningThrottle.QUIET) {
            LOG.debug("Failure handling of item {} could not finish ({}); it is published again in {}", item.key(),
                    cause == null ? "unknown" : cause.toString(), delay);
        } else {
            LOG.warn("Failure handling of item {} could not finish ({}); it is published again in {}{}", item.key(),
                    cause == null ? "unknown" : cause.toString(), delay, quiet == 0 ? ""
                            : " (" + quiet + " more of biller " + item.billerId() + " in the last minute, logged at "
                            + "DEBUG; all are counted in datapump_items_redriven_total)");
        }
    }
}
