package io.datapump.tracing;

import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import io.datapump.DataPumpProperties;
import io.datapump.message.DataPumpHeaders;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.telemetry.SpanStorageManagerExchange;
import org.springframework.stereotype.Component;

/**
 * One trace per item. The biller consumer claims a batch of items under one biller message, whose trace (the
 * publisher's cycle) would otherwise take in every item of the batch; before an item is published, {@link #begin}
 * starts a trace of the item's own: a root span {@code item <type>} with the biller, record id and type as
 * attributes and a link to the batch's span, on which the item message's publish span, the item consumer's span,
 * its CIS call and any retries of the item follow. Nothing when datapump.tracing.enabled is false.
 */
@Component("itemTraces")
public class ItemTraces {

    private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
            Object value = carrier == null ? null : carrier.get(key);
            return value instanceof String text ? text : null;
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean enabled;

    public ItemTraces(Tracer tracer, ContextPropagators propagators, DataPumpProperties properties) {
        this.tracer = tracer;
        this.propagator = propagators.getTextMapPropagator();
        this.enabled = properties.getTracing().isEnabled();
    }

    /**
     * The claimed item on this (split) exchange starts its own trace: the exchange no longer carries the batch's
     * span, and its {@code traceparent} names the item's root span, so the publish span camel-opentelemetry2 makes
     * next continues the item's trace.
     */
    public void begin(Exchange exchange) {
        if (!enabled) {
            return;
        }
        Message message = exchange.getMessage();
        SpanContext batch = Span.fromContext(propagator.extract(Context.root(), message.getHeaders(), HEADERS))
                .getSpanContext();
        SpanBuilder builder = tracer.spanBuilder("item " + message.getHeader(DataPumpHeaders.ITEM_TYPE, String.class))
                .setNoParent()
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("datapump.biller", message.getHeader(DataPumpHeaders.BILLER_ID, "", String.class))
                .setAttribute("datapump.record_id", message.getHeader(DataPumpHeaders.RECORD_ID, 0L, Long.class))
                .setAttribute("datapump.item_type", message.getHeader(DataPumpHeaders.ITEM_TYPE, "", String.class));
        if (batch.isValid()) {
            builder.addLink(batch);
        }
        Span item = builder.startSpan();
        // the item's first span marks where its way starts; the spans of its publish, delivery and CIS call follow
        item.end();
        exchange.removeProperty(ActiveSpan.PROPERTY);
        message.removeHeader(TraceIds.TRACEPARENT);
        message.removeHeader("tracestate");
        propagator.inject(Context.root().with(item), message, (carrier, key, value) -> carrier.setHeader(key, value));
    }

    /** The exchange property camel-telemetry keeps an exchange's current span in (a child span's parent). */
    private static final class ActiveSpan extends SpanStorageManagerExchange {
        static final String PROPERTY = ACTIVE_SPAN;
    }
}
