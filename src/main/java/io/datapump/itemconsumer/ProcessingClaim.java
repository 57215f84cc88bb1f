package io.datapump.itemconsumer;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.datapump.control.ControlRecords;
import io.datapump.failure.FailureClassifier;
import io.datapump.message.DataPumpHeaders;
import io.datapump.tracing.TraceIds;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The processing claim: the Idempotent Consumer's repository in routes/item-consumer.camel.yaml, backed by the
 * control records in each biller's shard instead of a separate store. Adding a key is the claim (Fetched/Queued ->
 * Processing under a fresh attempt token); a key that cannot be added is a duplicate and is skipped. Removing a key
 * after a failed exchange releases the row for redelivery. Keys are {@code <billerId>:<recordId>}; the item itself is
 * the exchange's {@link ItemContext}.
 */
@Component("processingClaim")
public class ProcessingClaim extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingClaim.class);

    private final ControlRecords controlRecords;
    private final FailureClassifier classifier;
    private final Clock clock = Clock.systemUTC();

    public ProcessingClaim(ControlRecords controlRecords, FailureClassifier classifier) {
        this.controlRecords = controlRecords;
        this.classifier = classifier;
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        ItemContext item = item(exchange, key);
        // a claim whose connection broke before its answer came may have been written: its retry claims with the
        // same token, and finds the row held by it instead of taking itself for a duplicate
        String attemptToken = exchange.getProperty(DataPumpHeaders.CLAIMING_ATTEMPT, String.class);
        if (attemptToken == null) {
            attemptToken = UUID.randomUUID().toString();
            exchange.setProperty(DataPumpHeaders.CLAIMING_ATTEMPT, attemptToken);
        }
        // a redriven message may take the row over from the attempt whose failure could not be recorded
        String resumes = exchange.getMessage().getHeader(DataPumpHeaders.RESUMES_ATTEMPT, String.class);
        boolean claimed = controlRecords.startProcessing(item.shard(), item.message(), attemptToken, resumes);
        exchange.removeProperty(DataPumpHeaders.CLAIMING_ATTEMPT);
        if (!claimed) {
            return false;
        }
        exchange.setProperty(DataPumpHeaders.ATTEMPT_TOKEN, attemptToken);
        exchange.setProperty(DataPumpHeaders.ATTEMPT_STARTED, clock.instant());
        return true;
    }

    /**
     * Called when the exchange failed, handled or not: the row returns to Queued if this attempt still holds it (the
     * error handling has usually moved it on already). If its database is down this cannot be written; that is
     * logged in one line, since the row is not lost: a message published again for the item names this attempt and
     * takes the row over, and otherwise the processing lease frees it.
     */
    @Override
    public boolean remove(Exchange exchange, String key) {
        String token = exchange.getProperty(DataPumpHeaders.ATTEMPT_TOKEN, String.class);
        if (token == null) {
            return false;
        }
        ItemContext item = item(exchange, key);
        try {
            return controlRecords.releaseAfterFailure(item.shard(), item.message(), TraceIds.of(exchange), token,
                    exchange.getProperty(DataPumpHeaders.ATTEMPT_STARTED, Instant.class),
                    classifier.classify(exchange.getException()));
        } catch (RuntimeException e) {
            LOG.warn("The processing claim of item {} could not be released ({}: {}); a message published again for "
                    + "it takes the row over, else its processing lease frees it", key,
                    e.getClass().getSimpleName(), e.getMessage());
            return false;
        }
    }

    @Override
    public boolean confirm(Exchange exchange, String key) {
        // the route marks the row Processed explicitly once the CIS accepted it
        return true;
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        throw new UnsupportedOperationException("use eager mode: the claim itself is the duplicate check");
    }

    @Override
    public boolean add(String key) {
        throw new UnsupportedOperationException("needs the exchange carrying the item");
    }

    @Override
    public boolean contains(String key) {
        throw new UnsupportedOperationException("use eager mode: the claim itself is the duplicate check");
    }

    @Override
    public boolean remove(String key) {
        throw new UnsupportedOperationException("needs the exchange carrying the item");
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("control records are never cleared by the idempotent consumer");
    }

    private static ItemContext item(Exchange exchange, String key) {
        ItemContext item = ItemContext.of(exchange).orElse(null);
        if (item == null || !item.key().equals(key)) {
            throw new IllegalStateException("exchange does not carry the item for key " + key);
        }
        return item;
    }
}
