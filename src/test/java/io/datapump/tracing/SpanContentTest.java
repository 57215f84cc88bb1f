package io.datapump.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No payment data in spans. What camel-opentelemetry2 4.17 records, checked on a small Camel context of the pump's
 * kind (a consumed item's route, its HTTP call to a CIS that rejects it) traced on an SDK that keeps every span:
 * neither the body nor header values become attributes or events. And before export the pump masks what could
 * still carry personal data (an exception's message in an error event).
 */
class SpanContentTest {

    static final String BODY = "{\"accountNumber\":\"DE44500105175407324931\",\"amount\":4711.93,"
            + "\"customerName\":\"Ada Lovelace\",\"email\":\"ada.lovelace@example.com\"}";
    static final List<String> PAYMENT_DATA = List.of("DE44500105175407324931", "4711.93", "Ada Lovelace",
            "ada.lovelace@example.com");

    final List<SpanData> spans = new CopyOnWriteArrayList<>();
    final List<String> traceparentsAtTheCis = new CopyOnWriteArrayList<>();
    HttpServer cis;
    DefaultCamelContext camel;

    @BeforeEach
    void tracedCamel() throws Exception {
        cis = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cis.createContext("/cis/", http -> {
            traceparentsAtTheCis.add(http.getRequestHeaders().getFirst("traceparent"));
            try (InputStream in = http.getRequestBody()) {
                in.readAllBytes();
            }
            // a rejection quoting the payment back, as real CIS error bodies do
            byte[] answer = ("{\"error\":\"declined\",\"echo\":" + BODY + "}").getBytes(StandardCharsets.UTF_8);
            http.sendResponseHeaders(400, answer.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(answer);
            }
        });
        cis.start();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(new Collecting(spans))).build();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("tracer", provider.get("test"));
        camel.getRegistry().bind("propagators", ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
        new OpenTelemetryTracer().init(camel);
        String url = "http://127.0.0.1:" + cis.getAddress().getPort() + "/cis/acme/payments";
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:item").routeId("item-consumer")
                        .removeHeaders("*")
                        .setHeader("Content-Type", constant("application/json"))
                        .setHeader("Idempotency-Key", constant("datapump-acme-42"))
                        .to(url + "?httpMethod=POST");
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        cis.stop(0);
    }

    @Test
    void spansOfADeliveryRecordNeitherTheBodyNorHeaderValuesNorTheCisAnswer() {
        // given: an item message whose body and headers carry payment and personal data
        Map<String, Object> headers = Map.of("accountNumber", "DE44500105175407324931",
                "customerName", "Ada Lovelace", "DataPumpRecordId", 42L);

        // when: it is consumed and POSTed to a CIS that rejects it, quoting it back
        camel.createProducerTemplate().send("direct:item", e -> {
            e.getMessage().setBody(BODY);
            e.getMessage().setHeaders(new java.util.HashMap<>(headers));
        });

        // then: the route's span and the HTTP call's span were made, the CIS got their trace context
        assertThat(spans).hasSizeGreaterThanOrEqualTo(2);
        assertThat(traceparentsAtTheCis).singleElement()
                .satisfies(tp -> assertThat(TraceIds.fromTraceparent(tp)).isEqualTo(spans.get(0).getTraceId()));
        // and: no attribute and no event of any span holds any of the payment data
        List<String> recorded = new ArrayList<>();
        for (SpanData span : spans) {
            recorded.add(span.getName());
            span.getAttributes().forEach((k, v) -> recorded.add(k.getKey() + "=" + v));
            span.getEvents().forEach(ev -> ev.getAttributes().forEach((k, v) -> recorded.add(k.getKey() + "=" + v)));
        }
        assertThat(recorded).as("what the spans recorded").isNotEmpty()
                .allSatisfy(value -> assertThat(value).doesNotContain(PAYMENT_DATA));
        assertThat(String.join(" ", recorded)).doesNotContain("Idempotency-Key").doesNotContain("datapump-acme-42");
    }

    @Test
    void whatIsExportedIsMaskedAsTheLogsAre() {
        // given: a span whose error event quotes a card number and an e-mail address (an exception's message)
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(new MaskingSpanExporter(new Collecting(spans)))).build();

        // when: it ends and is exported
        provider.get("test").spanBuilder("POST").setAttribute("http.url", "https://cis.example/payments")
                .startSpan()
                .addEvent("error", Attributes.of(AttributeKey.stringKey("message"),
                        "card 4111111111111111 of ada.lovelace@example.com declined"))
                .end();

        // then: the exporter sees them masked, the rest as it was
        assertThat(spans).singleElement().satisfies(span -> {
            assertThat(span.getAttributes().get(AttributeKey.stringKey("http.url")))
                    .isEqualTo("https://cis.example/payments");
            assertThat(span.getEvents()).singleElement().satisfies(ev -> assertThat(
                    ev.getAttributes().get(AttributeKey.stringKey("message")))
                    .doesNotContain("4111111111111111").doesNotContain("ada.lovelace@example.com")
                    .contains("declined"));
        });
    }

    /** Keeps every exported span. */
    private record Collecting(List<SpanData> spans) implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> exported) {
            spans.addAll(exported);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
