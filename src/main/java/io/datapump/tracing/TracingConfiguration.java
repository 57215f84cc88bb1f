package io.datapump.tracing;

import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

import io.datapump.DataPumpProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The OpenTelemetry SDK behind camel-opentelemetry2, which makes a span for every message a route consumes or sends
 * and puts the W3C {@code traceparent} of the span on what it sends (a message's headers, the CIS request's HTTP
 * headers). camel-opentelemetry2 4.17 takes the {@link Tracer} and the {@link ContextPropagators} from the registry,
 * else from the global OpenTelemetry, a no-op (CAMEL-23343), so both are beans here; the SDK is not made global. Spans are always made and propagated; they leave
 * the process only when {@code datapump.tracing.otlp-endpoint} names a collector (OTLP over HTTP, batched, with
 * payment and personal data masked as in the logs: {@link MaskingSpanExporter}).
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TracingConfiguration.class);
    static final String INSTRUMENTATION = "io.datapump";

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk dataPumpOpenTelemetry(DataPumpProperties properties, Environment environment) {
        String service = environment.getProperty("OTEL_SERVICE_NAME",
                environment.getProperty("spring.application.name", "data-pump"));
        SdkTracerProviderBuilder tracing = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), service,
                        AttributeKey.stringKey("service.instance.id"), properties.resolvedProcessorId()))));
        String endpoint = properties.getTracing().getOtlpEndpoint();
        // an SDK without span processors hands out the no-op tracer (no ids, nothing to propagate): with no exporter
        // this processor, which asks for nothing, keeps the spans real
        tracing.addSpanProcessor(new PropagateOnly());
        if (endpoint != null && !endpoint.isBlank()) {
            String url = tracesUrl(endpoint.strip());
            tracing.addSpanProcessor(BatchSpanProcessor.builder(new MaskingSpanExporter(
                    OtlpHttpSpanExporter.builder().setEndpoint(url).setTimeout(10, TimeUnit.SECONDS).build()))
                    .build());
            LOG.info("Tracing: spans are exported to {}", url);
        } else {
            LOG.info("Tracing: W3C trace context is propagated; no span is exported (datapump.tracing.otlp-endpoint "
                    + "is blank)");
        }
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracing.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** The tracer camel-opentelemetry2 makes its spans with (and {@link ItemTraces} the item's first one). */
    @Bean
    Tracer dataPumpTracer(OpenTelemetrySdk openTelemetry) {
        return openTelemetry.getTracer(INSTRUMENTATION);
    }

    /** W3C trace context only: no baggage, so nothing a source put in a message's baggage travels on. */
    @Bean
    ContextPropagators dataPumpPropagators(OpenTelemetrySdk openTelemetry) {
        return openTelemetry.getPropagators();
    }

    /** A span processor that needs neither the start nor the end of a span: spans are made, nothing is kept. */
    static final class PropagateOnly implements SpanProcessor {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }

    /** The OTLP/HTTP traces URL of a base URL, as OTEL_EXPORTER_OTLP_ENDPOINT is read: {@code <base>/v1/traces}. */
    static String tracesUrl(String base) {
        if (base.endsWith("/v1/traces")) {
            return base;
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    }
}
