package io.datapump.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParseException;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** Failure classification without Camel or Spring: what an operator sees, and how each failure is handled. */
class FailureClassifierTest {

    final FailureClassifier classifier = new FailureClassifier();

    @Test
    void thePumpsOwnFailuresCarryTheirKindAndGroup() {
        // given / when
        Failure missing = classifier.classify(new MissingEnrichmentException("Payment 7 of work item 3"));
        Failure deferred = classifier.classify(new ShardUnavailableException("acme", Duration.ofSeconds(4)));

        // then
        assertThat(missing.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(missing.errorClass()).isEqualTo("MissingEnrichment");
        assertThat(missing.message()).contains("Payment 7 of work item 3 was not found in the shard");
        assertThat(deferred.kind()).isEqualTo(FailureKind.DEFERRED);
        assertThat(deferred.errorClass()).isEqualTo("ShardUnavailable");
        assertThat(deferred.retryAfter()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void everyFailureOfThePumpsOwnIsAPumpFailureWithAGroup() {
        // given: one of each of the pump's own failures
        PumpFailure[] own = {new BillerDisabledException("a"), new ExpiredException("item", java.time.Instant.EPOCH),
            new InvalidSourceDataException("x", java.util.List.of("email")), new MalformedMessageException("m"),
            new MissingEnrichmentException("x"), new OversizedMessageException(10, 5), new SchemaViolationException("s"),
            new UnknownBillerException("b"), new UnknownItemTypeException("Refund"), new WrongModeException("w"),
            new DeferredFailure("BillerBusy", Duration.ofSeconds(1), "busy"), new ShardUnavailableException("a", Duration.ZERO)};

        // then: each is classified by what it says about itself
        for (PumpFailure failure : own) {
            Failure classified = classifier.classify(failure);
            assertThat(classified.errorClass()).as(failure.getClass().getSimpleName()).isEqualTo(failure.errorClass());
            assertThat(classified.kind()).isEqualTo(failure.kind());
        }
    }

    @Test
    void aCisAnswerIsJudgedByItsStatus() {
        assertThat(classifier.classify(http(503, Map.of()))).extracting(Failure::kind, Failure::errorClass, Failure::httpStatus)
                .containsExactly(FailureKind.TRANSIENT, "CisServerError", 503);
        assertThat(classifier.classify(http(408, Map.of())).errorClass()).isEqualTo("CisTimeout");
        assertThat(classifier.classify(http(400, Map.of()))).extracting(Failure::kind, Failure::errorClass)
                .containsExactly(FailureKind.PERMANENT, "CisRejected");
        assertThat(classifier.classify(http(401, Map.of()))).extracting(Failure::kind, Failure::errorClass)
                .containsExactly(FailureKind.PERMANENT, "CisUnauthorized");
        assertThat(classifier.classify(http(403, Map.of())).message()).contains("credentials").contains("replay");
        Failure limited = classifier.classify(http(429, Map.of("Retry-After", "7")));
        assertThat(limited.errorClass()).isEqualTo("CisRateLimited");
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aCisAnswerKeepsTheBodyTheCisSentAndKeepsItWhenDeferred() {
        HttpOperationFailedException rejected = new HttpOperationFailedException("http://cis/payments", 422,
                "Unprocessable", null, Map.of(), "{\"error\":\"amount exceeds limit\"}");

        Failure failure = classifier.classify(rejected);

        assertThat(failure.cisAnswer()).isEqualTo("{\"error\":\"amount exceeds limit\"}");
        assertThat(failure.as(FailureKind.DEFERRED, "breaker open", Duration.ofSeconds(30)))
                .extracting(Failure::kind, Failure::errorClass, Failure::httpStatus, Failure::cisAnswer)
                .containsExactly(FailureKind.DEFERRED, "CisRejected", 422, "{\"error\":\"amount exceeds limit\"}");
        assertThat(classifier.classify(new IllegalStateException("no CIS involved")).cisAnswer()).isNull();
    }

    @Test
    void retryAfterReadsSecondsAndHttpDatesAndIgnoresGarbage() {
        String inAMinute = ZonedDateTime.now().plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);

        assertThat(FailureClassifier.retryAfter(Map.of("retry-after", "3"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(FailureClassifier.retryAfter(Map.of("Retry-After", inAMinute)))
                .isBetween(Duration.ofSeconds(50), Duration.ofSeconds(61));
        assertThat(FailureClassifier.retryAfter(Map.of("Retry-After", "soon"))).isNull();
        assertThat(FailureClassifier.retryAfter(Map.of())).isNull();
    }

    @Test
    void libraryExceptionsAreLookedUpByTypeThroughTheCauseChain() {
        assertThat(classifier.classify(new IOException("wrapped", new ConnectException("refused"))).errorClass())
                .isEqualTo("CisUnreachable");
        assertThat(classifier.classify(new SocketTimeoutException("read timed out")).errorClass()).isEqualTo("CisTimeout");
        assertThat(classifier.classify(new CannotGetJdbcConnectionException("down")).errorClass())
                .isEqualTo("DatabaseUnavailable");
        assertThat(classifier.classify(new SQLTransientConnectionException("busy")).errorClass())
                .isEqualTo("DatabaseTransient");
        assertThat(classifier.classify(new JsonParseException(null, "not json"))).extracting(Failure::kind,
                Failure::errorClass).containsExactly(FailureKind.PERMANENT, "MalformedMessage");
    }

    @Test
    void anUnrecognisedFailureIsTransientUnderItsOwnName() {
        Failure unknown = classifier.classify(new IllegalStateException("odd"));

        assertThat(unknown.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(unknown.errorClass()).isEqualTo("IllegalStateException");
        assertThat(classifier.classify(null).errorClass()).isEqualTo("Unknown");
    }

    private static HttpOperationFailedException http(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://cis/payments", status, "status " + status, null, headers, "");
    }
}
