package io.datapump.tracing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import io.datapump.message.PersonalDataMasker;

/**
 * Masks what leaves the process as the logs are masked: every string attribute of a span and of its events (an
 * error event carries the exception's message) goes through {@link PersonalDataMasker} (the
 * {@code datapump.masking.fields}, e-mail addresses, card numbers) before the exporter sees it. camel-opentelemetry2
 * records no message body and no header but the few its decorators name (message ids, a Service Bus correlation
 * id, the HTTP method, URL and status); this is the second line. Runs in the exporter's thread, never on a route's.
 */
final class MaskingSpanExporter implements SpanExporter {

    private final SpanExporter delegate;

    MaskingSpanExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        List<SpanData> masked = new ArrayList<>(spans.size());
        for (SpanData span : spans) {
            masked.add(mask(span));
        }
        return delegate.export(masked);
    }

    static SpanData mask(SpanData span) {
        Attributes attributes = mask(span.getAttributes());
        List<EventData> events = new ArrayList<>(span.getEvents().size());
        for (EventData event : span.getEvents()) {
            events.add(EventData.create(event.getEpochNanos(), event.getName(), mask(event.getAttributes()),
                    event.getTotalAttributeCount()));
        }
        return new DelegatingSpanData(span) {
            @Override
            public Attributes getAttributes() {
                return attributes;
            }

            @Override
            public List<EventData> getEvents() {
                return events;
            }
        };
    }

    @SuppressWarnings("unchecked")
    static Attributes mask(Attributes attributes) {
        PersonalDataMasker masker = PersonalDataMasker.current();
        AttributesBuilder builder = Attributes.builder();
        attributes.forEach((key, value) -> {
            if (key.getType() == AttributeType.STRING) {
                builder.put((AttributeKey<String>) key, masker.mask((String) value));
            } else {
                builder.put((AttributeKey<Object>) key, value);
            }
        });
        return builder.build();
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
