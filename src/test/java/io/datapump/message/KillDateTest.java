package io.datapump.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import io.datapump.DataPumpProperties;
import io.datapump.failure.ExpiredException;

import org.junit.jupiter.api.Test;

/** Kill dates without Camel or Spring. */
class KillDateTest {

    final DataPumpProperties properties = new DataPumpProperties();
    final KillDate killDate = new KillDate(properties);

    @Test
    void eachLaneHasItsOwnKillAfter() {
        assertThat(killDate.killAfter("production")).isEqualTo(Duration.ofHours(24));
        assertThat(killDate.killAfter("demo")).isEqualTo(Duration.ofHours(72));
        assertThat(killDate.deadline("production")).isBetween(Instant.now().plus(Duration.ofHours(24)).minusSeconds(5),
                Instant.now().plus(Duration.ofHours(24)));
    }

    @Test
    void anItemPastItsDeadlineIsNotStartedAndOneWithoutADeadlineIs() {
        ItemMessage late = item(Instant.now().minusSeconds(1));
        ItemMessage inTime = item(Instant.now().plusSeconds(60));
        ItemMessage noDeadline = item(null);

        assertThatThrownBy(() -> killDate.checkItem(late)).isInstanceOf(ExpiredException.class)
                .hasMessageContaining("acme:7");
        assertThatCode(() -> killDate.checkItem(inTime)).doesNotThrowAnyException();
        assertThatCode(() -> killDate.checkItem(noDeadline)).doesNotThrowAnyException();
    }

    @Test
    void aBillerMessagePastItsDeadlineIsNotActedOn() {
        BillerMessage late = new BillerMessage("acme", "production", BillerMessage.SCAN, Instant.now(),
                Instant.now().minusSeconds(1), null);

        assertThatThrownBy(() -> killDate.checkBiller(late)).isInstanceOf(ExpiredException.class);
    }

    private static ItemMessage item(Instant deadline) {
        return new ItemMessage("acme", "production", "Payment", 7, 70, "c", Instant.now(), deadline, 0);
    }
}
