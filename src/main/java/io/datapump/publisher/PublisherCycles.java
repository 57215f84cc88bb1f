package io.datapump.publisher;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The end of a publisher cycle: its duration and the time of the last successful cycle (the dead-man's switch an
 * alert watches), and a summary of what was published and skipped, and why.
 */
@Component("publisherCycles")
public class PublisherCycles {

    private static final Logger LOG = LoggerFactory.getLogger(PublisherCycles.class);

    private final Timer cycle;
    private final AtomicLong lastSuccess = new AtomicLong();

    /** What one cycle did. */
    public record Cycle(Instant started, Duration duration, int scanned, int published,
                        Map<String, Integer> skipped) {
    }

    public PublisherCycles(MeterRegistry meters) {
        this.cycle = Timer.builder("datapump.publisher.cycle").description("duration of a biller publisher cycle")
                .register(meters);
        Gauge.builder("datapump.publisher.last.success", lastSuccess, AtomicLong::get)
                .description("epoch seconds of the last publisher cycle that completed").baseUnit("seconds")
                .register(meters);
    }

    public Cycle finished(@Body List<?> scans, @ExchangeProperty("DataPumpCycleStarted") Date started) {
        Instant begin = started == null ? Instant.now() : started.toInstant();
        Duration took = Duration.between(begin, Instant.now());
        int published = 0;
        Map<String, Integer> skipped = new LinkedHashMap<>();
        for (Object o : scans == null ? List.of() : scans) {
            if (o instanceof PendingWork.Scan scan) {
                if (scan.message() != null) {
                    published++;
                } else {
                    skipped.merge(scan.skipped(), 1, Integer::sum);
                }
            }
        }
        cycle.record(took);
        lastSuccess.set(Instant.now().getEpochSecond());
        Cycle result = new Cycle(begin, took, scans == null ? 0 : scans.size(), published, skipped);
        LOG.debug("Publisher cycle: {}", result);
        return result;
    }
}
