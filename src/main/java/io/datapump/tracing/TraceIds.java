package io.datapump.tracing;

import org.apache.camel.Exchange;

/**
 * The trace id an exchange belongs to, as each delivery attempt records it: the 32 hex digits of the W3C
 * {@code traceparent} header. When camel-opentelemetry2 starts the span of a consumed message it continues the
 * message's trace and puts its own span's {@code traceparent} on the message, so at the first step of a route the
 * header names the trace of this exchange. {@link #keep} copies it into the exchange variable {@value #VARIABLE},
 * which lasts while the route removes every header before the CIS call and while the error handling goes back to
 * the original message.
 */
public final class TraceIds {

    /** The W3C trace context header (the same name on JMS, as a Service Bus application property and over HTTP). */
    public static final String TRACEPARENT = "traceparent";
    /** The exchange variable holding the exchange's trace id. */
    public static final String VARIABLE = "traceId";

    private TraceIds() {
    }

    /** Keeps the exchange's trace id (from its {@code traceparent}) for the steps after it; returns it, or null. */
    public static String keep(Exchange exchange) {
        String traceId = fromTraceparent(exchange.getMessage().getHeader(TRACEPARENT, String.class));
        if (traceId != null) {
            exchange.setVariable(VARIABLE, traceId);
        }
        return traceId;
    }

    /** The exchange's trace id: the one kept, else the one its {@code traceparent} names; null when neither. */
    public static String of(Exchange exchange) {
        if (exchange == null) {
            return null;
        }
        String kept = exchange.getVariable(VARIABLE, String.class);
        return kept != null ? kept : fromTraceparent(exchange.getMessage().getHeader(TRACEPARENT, String.class));
    }

    /**
     * The trace id of a {@code traceparent} value ({@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}),
     * or null when it is missing, malformed or the invalid all-zero id.
     */
    public static String fromTraceparent(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-'
                || traceparent.charAt(35) != '-') {
            return null;
        }
        String id = traceparent.substring(3, 35);
        return isTraceId(id) ? id : null;
    }

    /** Whether a value is a valid W3C trace id: 32 lower-case hex digits, not all zero. */
    public static boolean isTraceId(String id) {
        if (id == null || id.length() != 32) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }
}
