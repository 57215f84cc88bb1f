package io.datapump.failure;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;

import io.datapump.pump.InvalidItemMessageException;
import io.datapump.pump.MissingEnrichmentException;
import io.datapump.pump.UnknownItemTypeException;
import io.datapump.registry.UnknownBillerException;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * The one place that decides whether a failure is transient, permanent or a deferral, and under which failure
 * group (error class) an operator sees it. The cause chain is searched, so wrapped exceptions classify like their
 * cause. An exception nobody recognises is treated as transient (it gets its retries, then ends Failed).
 */
@Component
public class FailureClassifier {

    /** Failure groups that are the pump's own infrastructure (shard, registry, broker) being unavailable. */
    public static final java.util.Set<String> INFRASTRUCTURE =
            java.util.Set.of("DatabaseUnavailable", "DatabaseDeadlock", "DatabaseTransient", "BrokerUnavailable");

    public Failure classify(Throwable failure) {
        if (failure == null) {
            return new Failure(FailureKind.TRANSIENT, "Unknown", "failed without an exception", null, null);
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Failure known = known(t);
            if (known != null) {
                return known;
            }
        }
        return new Failure(FailureKind.TRANSIENT, failure.getClass().getSimpleName(), describe(failure), null, null);
    }

    private Failure known(Throwable t) {
        String message = describe(t);
        if (t instanceof DeferredException d) {
            return new Failure(FailureKind.DEFERRED, d.reason(), message, null, d.delay());
        }
        if (t instanceof HttpOperationFailedException http) {
            return http(http, message);
        }
        if (t instanceof ExpiredException) {
            return permanent("Expired", message);
        }
        if (t instanceof UnknownItemTypeException) {
            return permanent("UnknownItemType", message);
        }
        if (t instanceof MissingEnrichmentException) {
            return permanent("MissingEnrichment", message);
        }
        if (t instanceof UnknownBillerException) {
            return permanent("UnknownBiller", message);
        }
        if (t instanceof BillerDisabledException) {
            return permanent("BillerDisabled", message);
        }
        if (t instanceof io.datapump.pump.OversizedMessageException) {
            return permanent("OversizedMessage", message);
        }
        if (t instanceof io.datapump.pump.InvalidSourceDataException) {
            return permanent("InvalidSourceData", message);
        }
        if (t instanceof io.datapump.pump.SchemaViolationException) {
            return permanent("SchemaViolation", message);
        }
        if (t instanceof io.datapump.pump.WrongModeException) {
            return permanent("WrongMode", message);
        }
        if (t instanceof InvalidItemMessageException || t instanceof JacksonException) {
            return permanent("MalformedMessage", message);
        }
        if (t instanceof PessimisticLockingFailureException) {
            return transientFailure("DatabaseDeadlock", message);
        }
        if (t instanceof CannotGetJdbcConnectionException || t instanceof RecoverableDataAccessException
                || t instanceof SQLRecoverableException || t instanceof java.sql.SQLNonTransientConnectionException
                || t instanceof org.springframework.dao.DataAccessResourceFailureException) {
            return transientFailure("DatabaseUnavailable", message);
        }
        if (t instanceof QueryTimeoutException || t instanceof TransientDataAccessException
                || t instanceof SQLTransientException) {
            return transientFailure("DatabaseTransient", message);
        }
        if (t instanceof InterruptedIOException) {
            // SocketTimeoutException, ConnectTimeoutException, HTTP client request timeouts
            return transientFailure("CisTimeout", message);
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                || t instanceof SocketException) {
            return transientFailure("CisUnreachable", message);
        }
        if (t instanceof java.util.concurrent.RejectedExecutionException) {
            // Camel refuses to continue an exchange after the shutdown's drain timeout
            return transientFailure("Abandoned", message);
        }
        if (t instanceof jakarta.jms.JMSException) {
            return transientFailure("BrokerUnavailable", message);
        }
        return null;
    }

    private static Failure http(HttpOperationFailedException http, String message) {
        int status = http.getStatusCode();
        String text = "CIS answered " + status + " " + nullToEmpty(http.getStatusText()) + " for " + http.getUri();
        if (status == 429) {
            return new Failure(FailureKind.TRANSIENT, "CisRateLimited", text, status, retryAfter(http.getResponseHeaders()));
        }
        if (status == 408) {
            return new Failure(FailureKind.TRANSIENT, "CisTimeout", text, status, null);
        }
        if (status >= 500) {
            return new Failure(FailureKind.TRANSIENT, "CisServerError", text, status, retryAfter(http.getResponseHeaders()));
        }
        return new Failure(FailureKind.PERMANENT, "CisRejected", text, status, null);
    }

    /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        String value = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static Failure permanent(String errorClass, String message) {
        return new Failure(FailureKind.PERMANENT, errorClass, message, null, null);
    }

    private static Failure transientFailure(String errorClass, String message) {
        return new Failure(FailureKind.TRANSIENT, errorClass, message, null, null);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
