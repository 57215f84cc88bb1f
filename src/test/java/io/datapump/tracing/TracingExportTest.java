package io.datapump.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;

import io.datapump.DataPumpProperties;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * The pump's OpenTelemetry SDK (TracingConfiguration): spans with real ids whether or not anything is exported, and
 * OTLP/HTTP export, masked, once datapump.tracing.otlp-endpoint names a collector (a local stand-in here).
 */
class TracingExportTest {

    /** Every request the stand-in collector received: its path and its body (OTLP protobuf) as ISO-8859-1 text. */
    final List<String> received = new CopyOnWriteArrayList<>();
    HttpServer collector;

    @BeforeEach
    void collector() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", http -> {
            try (InputStream in = http.getRequestBody()) {
                received.add(http.getRequestURI().getPath() + " "
                        + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            http.sendResponseHeaders(200, -1);
            http.close();
        });
        collector.start();
    }

    @AfterEach
    void stop() {
        collector.stop(0);
    }

    @Test
    void withoutAnEndpointSpansAreRealAndNothingIsSent() {
        // given: the default, no OTLP endpoint
        DataPumpProperties properties = new DataPumpProperties();

        // when: a span is made and ended
        OpenTelemetrySdk sdk = new TracingConfiguration().dataPumpOpenTelemetry(properties, new MockEnvironment());
        Span span = sdk.getTracer("test").spanBuilder("item Payment").startSpan();
        span.end();
        sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
        sdk.close();

        // then: it had ids to propagate, and no request left the process
        assertThat(span.getSpanContext().isValid()).isTrue();
        assertThat(received).isEmpty();
    }

    @Test
    void switchedOffAClaimedItemStartsNoTrace() {
        // given: datapump.tracing.enabled false, and a claimed item on its way to be published
        DataPumpProperties properties = new DataPumpProperties();
        properties.getTracing().setEnabled(false);
        OpenTelemetrySdk sdk = new TracingConfiguration().dataPumpOpenTelemetry(properties, new MockEnvironment());
        ItemTraces traces = new ItemTraces(sdk.getTracer("test"), sdk.getPropagators(), properties);
        Exchange item = new DefaultExchange(new DefaultCamelContext());
        item.getMessage().setHeader("DataPumpBillerId", "acme");

        // when: the biller consumer's step for it runs
        traces.begin(item);

        // then: the message carries no trace context
        assertThat(item.getMessage().getHeader(TraceIds.TRACEPARENT)).isNull();
        sdk.close();
    }

    @Test
    void withAnEndpointSpansGoToItsTracesPathMasked() {
        // given: the collector's base URL as datapump.tracing.otlp-endpoint (as OTEL_EXPORTER_OTLP_ENDPOINT gives it)
        DataPumpProperties properties = new DataPumpProperties();
        properties.getTracing().setOtlpEndpoint("http://127.0.0.1:" + collector.getAddress().getPort());
        OpenTelemetrySdk sdk = new TracingConfiguration().dataPumpOpenTelemetry(properties,
                new MockEnvironment().withProperty("spring.application.name", "data-pump"));

        // when: a span with an error event quoting a card number ends, and the batch is flushed
        sdk.getTracer("test").spanBuilder("item Payment").startSpan()
                .addEvent("error", Attributes.of(AttributeKey.stringKey("message"), "card 4111111111111111 declined"))
                .end();
        sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        sdk.close();

        // then: the collector got it on /v1/traces, with the service name, and without the card number
        assertThat(received).singleElement().satisfies(request -> assertThat(request)
                .startsWith("/v1/traces ").contains("item Payment").contains("data-pump")
                .contains("declined").doesNotContain("4111111111111111"));
    }
}
