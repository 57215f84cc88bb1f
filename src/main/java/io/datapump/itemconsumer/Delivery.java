package io.datapump.itemconsumer;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords;
import io.datapump.message.DataPumpHeaders;
import io.datapump.tracing.TraceIds;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The last step of a delivery: the CIS accepted the item, so its row is Processed and the attempt recorded. */
@Component("delivery")
public class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final ControlRecords controlRecords;
    private final MeterRegistry meters;
    /** datapump_items_processed_total per biller and lane, created once each. */
    private final Map<String, Counter> processed = new ConcurrentHashMap<>();

    private final String confirmationField;

    public Delivery(ControlRecords controlRecords, MeterRegistry meters, DataPumpProperties properties) {
        this.controlRecords = controlRecords;
        this.meters = meters;
        this.confirmationField = properties.getCis().getConfirmationField();
    }

    public void delivered(Exchange exchange, @Variable(ItemContext.VARIABLE) ItemContext item) {
        boolean held = controlRecords.markProcessed(item.shard(), item.message(), TraceIds.of(exchange),
                exchange.getProperty(DataPumpHeaders.ATTEMPT_TOKEN, String.class),
                exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class),
                CisConfirmation.from(exchange.getMessage().getBody(String.class), confirmationField),
                exchange.getProperty(DataPumpHeaders.ATTEMPT_STARTED, Instant.class));
        processed.computeIfAbsent(item.biller().id() + "|" + item.biller().lane().id(), k -> meters.counter(
                "datapump.items.processed", "biller", item.biller().id(), "lane", item.biller().lane().id()))
                .increment();
        if (!held) {
            // the CIS call succeeded, so this must not fail the exchange (a retry would call the CIS again)
            LOG.warn("Item {} was delivered but its control record no longer held this attempt", item.key());
        }
    }
}
