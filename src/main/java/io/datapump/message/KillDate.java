package io.datapump.message;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.datapump.DataPumpProperties;
import io.datapump.failure.ExpiredException;

import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Kill dates: every biller and item message carries a deadline, datapump.kill-after.&lt;lane&gt; after it was
 * first published. Work found past its deadline is not started; the dead-letter channel marks it Failed with error
 * class Expired, sends it to the dead-letter queue and raises the expired-items alert.
 */
@Component
public class KillDate {

    private final DataPumpProperties properties;
    private final Clock clock = Clock.systemUTC();

    public KillDate(DataPumpProperties properties) {
        this.properties = properties;
    }

    public Instant deadline(String lane) {
        return clock.instant().plus(killAfter(lane));
    }

    public Duration killAfter(String lane) {
        return "demo".equals(lane) ? properties.getKillAfter().getDemo() : properties.getKillAfter().getProduction();
    }

    public void checkBiller(@ExchangeProperty(DataPumpHeaders.BILLER_MESSAGE) BillerMessage message) {
        if (message.deadline() != null && clock.instant().isAfter(message.deadline())) {
            throw new ExpiredException("biller message for " + message.billerId(), message.deadline());
        }
    }

    public void checkItem(ItemMessage item) {
        if (item.deadline() != null && clock.instant().isAfter(item.deadline())) {
            throw new ExpiredException("item " + item.key(), item.deadline());
        }
    }
}
