package io.datapump.errorhandling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.datapump.DataPumpProperties;

import org.junit.jupiter.api.Test;

/** The retry delays the defaults give, without Camel or Spring. */
class RetryDelaysTest {

    final DataPumpProperties.Retry retry = new DataPumpProperties().getRetry();

    @Test
    void durableRetriesGrowFourfoldUpToHalfAnHour() {
        DataPumpProperties.Backoff delayed = retry.getDelayed();

        assertThat(java.util.stream.IntStream.rangeClosed(1, delayed.getAttempts()).mapToObj(delayed::delayBefore))
                .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(8),
                        Duration.ofMinutes(30), Duration.ofMinutes(30));
    }

    @Test
    void quickRedeliveriesDoubleFrom200Milliseconds() {
        DataPumpProperties.Backoff immediate = retry.getImmediate();

        assertThat(immediate.delayBefore(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(immediate.delayBefore(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(immediate.delayBefore(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(immediate.delayBefore(10)).isEqualTo(immediate.getMaxDelay());
    }

    @Test
    void aBillerMessageWaitsForItsDatabaseWhateverFormTheOutageTakesAndIsDroppedOtherwise() {
        for (String database : java.util.List.of("ShardUnavailable", "ShardMisconfigured", "DatabaseUnavailable",
                "DatabaseTransient", "DatabaseDeadlock")) {
            assertThat(Retries.waitsForItsDatabase(failure(database))).as(database).isTrue();
        }
        for (String other : java.util.List.of("MalformedMessage", "BrokerUnavailable", "IllegalStateException")) {
            assertThat(Retries.waitsForItsDatabase(failure(other))).as(other).isFalse();
        }
    }

    private static io.datapump.failure.Failure failure(String errorClass) {
        return new io.datapump.failure.Failure(io.datapump.failure.FailureKind.TRANSIENT, errorClass, "test", null,
                null);
    }
}
