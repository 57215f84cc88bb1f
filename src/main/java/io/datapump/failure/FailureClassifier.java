package io.datapump.failure;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import com.fasterxml.jackson.core.JacksonException;

import jakarta.jms.JMSException;


import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * The one place that decides whether a failure is transient, permanent or a deferral, and under which failure
 * group (error class) an operator sees it. The pump's own failures say so themselves ({@link PumpFailure}); a CIS
 * answer is judged by its status; other libraries' exceptions by a table of rules. The cause chain is searched, so
 * wrapped exceptions classify like their cause. An exception nobody recognises is treated as transient (it gets its
 * retries, then ends Failed).
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
        if (t instanceof PumpFailure own) {
            return new Failure(own.kind(), own.errorClass(), describe(t), null, own.retryAfter());
        }
        if (t instanceof HttpOperationFailedException http) {
            return http(http);
        }
        for (Rule rule : RULES) {
            if (rule.type().isInstance(t)) {
                return new Failure(rule.kind(), rule.errorClass(), describe(t), null, null);
            }
        }
        return null;
    }

    /** How an exception of a library (or the JDK) is handled; the first rule whose type matches applies. */
    private record Rule(Class<? extends Throwable> type, FailureKind kind, String errorClass) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(JacksonException.class, FailureKind.PERMANENT, "MalformedMessage"),
            new Rule(PessimisticLockingFailureException.class, FailureKind.TRANSIENT, "DatabaseDeadlock"),
            new Rule(CannotGetJdbcConnectionException.class, FailureKind.TRANSIENT, "DatabaseUnavailable"),
            new Rule(RecoverableDataAccessException.class, FailureKind.TRANSIENT, "DatabaseUnavailable"),
            new Rule(SQLRecoverableException.class, FailureKind.TRANSIENT, "DatabaseUnavailable"),
            new Rule(SQLNonTransientConnectionException.class, FailureKind.TRANSIENT, "DatabaseUnavailable"),
            new Rule(DataAccessResourceFailureException.class, FailureKind.TRANSIENT, "DatabaseUnavailable"),
            new Rule(QueryTimeoutException.class, FailureKind.TRANSIENT, "DatabaseTransient"),
            new Rule(TransientDataAccessException.class, FailureKind.TRANSIENT, "DatabaseTransient"),
            new Rule(SQLTransientException.class, FailureKind.TRANSIENT, "DatabaseTransient"),
            // SocketTimeoutException, ConnectTimeoutException, HTTP client request timeouts
            new Rule(InterruptedIOException.class, FailureKind.TRANSIENT, "CisTimeout"),
            new Rule(ConnectException.class, FailureKind.TRANSIENT, "CisUnreachable"),
            new Rule(NoRouteToHostException.class, FailureKind.TRANSIENT, "CisUnreachable"),
            new Rule(UnknownHostException.class, FailureKind.TRANSIENT, "CisUnreachable"),
            new Rule(SocketException.class, FailureKind.TRANSIENT, "CisUnreachable"),
            // Camel refuses to continue an exchange after the shutdown's drain timeout
            new Rule(RejectedExecutionException.class, FailureKind.TRANSIENT, "Abandoned"),
            new Rule(JMSException.class, FailureKind.TRANSIENT, "BrokerUnavailable"));

    private static Failure http(HttpOperationFailedException http) {
        int status = http.getStatusCode();
        String text = "CIS answered " + status + " " + nullToEmpty(http.getStatusText()) + " for " + http.getUri();
        String answer = http.getResponseBody();
        if (status == 429) {
            return new Failure(FailureKind.TRANSIENT, "CisRateLimited", text, status,
                    retryAfter(http.getResponseHeaders()), answer);
        }
        if (status == 408) {
            return new Failure(FailureKind.TRANSIENT, "CisTimeout", text, status, null, answer);
        }
        if (status >= 500) {
            return new Failure(FailureKind.TRANSIENT, "CisServerError", text, status,
                    retryAfter(http.getResponseHeaders()), answer);
        }
        if (status == 401 || status == 403) {
            // the CIS does not accept the pump's credentials for this biller: every item of it fails the same way
            // until they are fixed, then a replay of the group delivers them
            return new Failure(FailureKind.PERMANENT, "CisUnauthorized", text + " (the CIS refused the pump's "
                    + "credentials for this biller; fix them, then replay this failure group)", status, null, answer);
        }
        return new Failure(FailureKind.PERMANENT, "CisRejected", text, status, null, answer);
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

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
