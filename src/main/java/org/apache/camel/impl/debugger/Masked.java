package org.apache.camel.impl.debugger;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.camel.CamelContext;

/** Holder of the masked backlog tracer. */
public final class Masked {

    private Masked() {
    }

    /**
     * Camel's backlog tracer (what the console's Trace view and {@code dumpTracedMessagesAsXml/JSon} show), with every
     * traced message masked before it is kept: header, property and variable values and the body. Camel 4.17 applies no
     * masking to the backlog tracer ({@code camel.main.log-mask} covers the Log EIP and the log component only), and its
     * constructor is package-private, hence this class lives in Camel's package. Its simple name is Camel's own, so
     * JMX registers it as {@code org.apache.camel:context=...,type=tracer,name=BacklogTracer}, where the console looks.
     */
    public static class BacklogTracer extends org.apache.camel.impl.debugger.BacklogTracer {

        private final UnaryOperator<String> mask;
        private final java.util.function.Predicate<String> sensitiveName;

        public BacklogTracer(CamelContext camelContext, UnaryOperator<String> mask,
                             java.util.function.Predicate<String> sensitiveName) {
            super(camelContext);
            this.mask = mask;
            this.sensitiveName = sensitiveName;
        }

        @Override
        public void traceEvent(DefaultBacklogTracerEventMessage event) {
            // asJSon() hands out the event's own message map: masking it masks what XML and JSON dumps render
            if (event.asJSon().get("message") instanceof Map<?, ?> message) {
                maskMessage(message);
            }
            super.traceEvent(event);
        }

        @SuppressWarnings("unchecked")
        private void maskMessage(Map<?, ?> message) {
            for (String section : List.of("headers", "exchangeProperties", "exchangeVariables")) {
                if (message.get(section) instanceof List<?> entries) {
                    for (Object entry : entries) {
                        if (entry instanceof Map<?, ?> e && e.get("value") instanceof String value) {
                            Object key = e.get("key");
                            String masked = sensitiveName.test(key == null ? null : key.toString())
                                    ? "*****" : mask.apply(value);
                            ((Map<String, Object>) e).put("value", masked);
                        }
                    }
                }
            }
            if (message.get("body") instanceof Map<?, ?> body && body.get("value") instanceof String value) {
                ((Map<String, Object>) body).put("value", mask.apply(value));
            }
        }
    }
}
