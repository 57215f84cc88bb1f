package io.datapump.errorhandling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** During an outage each biller gets one warning a minute; the next one says how many lines went to DEBUG meanwhile. */
class WarningThrottleTest {

    Instant now = Instant.parse("2026-12-07T03:00:00Z");
    final WarningThrottle throttle = new WarningThrottle(Duration.ofMinutes(1), new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void oneWarningPerKeyAMinuteTheNextCountingTheQuietOnes() {
        // given: the first redrive of biller alpha, then 40 more within the minute, and one of biller bravo
        int first = throttle.warn("alpha");
        int quiet = 0;
        for (int i = 0; i < 40; i++) {
            now = now.plusMillis(1000);
            if (throttle.warn("alpha") == WarningThrottle.QUIET) {
                quiet++;
            }
        }
        int bravo = throttle.warn("bravo");

        // when: the minute since alpha's warning has passed
        now = Instant.parse("2026-12-07T03:01:00Z");
        int next = throttle.warn("alpha");

        // then: alpha warned once, its 40 others were quiet, and its next warning counts them; bravo warned on its own
        assertThat(first).isZero();
        assertThat(quiet).isEqualTo(40);
        assertThat(bravo).isZero();
        assertThat(next).isEqualTo(40);
        assertThat(throttle.warn("alpha")).isEqualTo(WarningThrottle.QUIET);
    }
}
