package io.datapump.errorhandling;

import java.time.Instant;

import io.datapump.control.ControlRecords;
import io.datapump.failure.Failure;
import io.datapump.failure.FailureClassifier;
import io.datapump.itemconsumer.ItemContext;
import io.datapump.message.DataPumpHeaders;
import io.datapump.tracing.TraceIds;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Runs before every in-process redelivery: the attempt that just failed goes into the history and the control
 * record's attempt counter moves on, so the history shows every attempt, quick ones included.
 */
@Component("attemptRecorder")
public class AttemptRecorder implements Processor {

    private final ControlRecords controlRecords;
    private final FailureClassifier classifier;

    public AttemptRecorder(ControlRecords controlRecords, FailureClassifier classifier) {
        this.controlRecords = controlRecords;
        this.classifier = classifier;
    }

    @Override
    public void process(Exchange exchange) {
        ItemContext item = ItemContext.of(exchange).orElse(null);
        String token = exchange.getProperty(DataPumpHeaders.ATTEMPT_TOKEN, String.class);
        if (item == null || token == null) {
            return;
        }
        Failure failure = classifier.classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        controlRecords.failedAttemptBeforeRedelivery(item.shard(), item.message(), TraceIds.of(exchange), token,
                exchange.getProperty(DataPumpHeaders.ATTEMPT_STARTED, Instant.class), failure);
        exchange.setProperty(DataPumpHeaders.ATTEMPT_STARTED, Instant.now());
    }
}
