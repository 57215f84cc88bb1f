package io.datapump.publisher;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.control.OutstandingMarkers;
import io.datapump.failure.FailureRuns;
import io.datapump.message.BillerMessage;
import io.datapump.message.KillDate;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The biller publisher's work: which billers to scan, and for each whether to publish a biller message. A biller
 * gets at most one outstanding biller message: while one is out (its marker in the shard is live) the biller is not
 * even counted; otherwise its pending rows are counted and, if there are any, the marker is taken and a message
 * holding it is published.
 */
@Component
public class PendingWork {

    private static final Logger LOG = LoggerFactory.getLogger(PendingWork.class);

    public static final String OUTSTANDING = "message outstanding";
    public static final String NOTHING_PENDING = "nothing pending";
    public static final String UNREACHABLE = "shard unreachable";

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final MeterRegistry meters;
    private final KillDate killDate;
    private final OutstandingMarkers markers;
    private final Duration lease;
    private final Clock clock = Clock.systemUTC();
    /** Billers whose scans failed in a row, and how many: only the first of a run is a warning. */
    private final FailureRuns failedInARow = new FailureRuns();

    /**
     * One biller's scan: its pending count (-1 when not counted), the message to publish (null if none) and why
     * nothing is published.
     */
    public record Scan(Biller biller, long pending, BillerMessage message, String skipped) {
    }

    private final long lookback;

    public PendingWork(BillerRegistry registry, ShardDataSources shards, MeterRegistry meters, KillDate killDate,
                       OutstandingMarkers markers, DataPumpProperties properties) {
        this.markers = markers;
        this.registry = registry;
        this.shards = shards;
        this.meters = meters;
        this.killDate = killDate;
        this.lease = properties.getPublisher().getOutstandingLease();
        this.lookback = properties.getBillerConsumer().getLateRowLookback();
    }

    /** Enabled, unpaused billers in adapter mode, read fresh from the registry (direct billers are not polled). */
    public List<Biller> activeBillers() {
        return registry.polled();
    }

    /** Rows of the biller's shard with no control record or a control record in state New. */
    public long count(Biller biller) {
        Long count = shards.forBiller(biller).jdbc().queryForObject(SqlFiles.get("control/count-pending"),
                Map.of("lookback", lookback), Long.class);
        return count == null ? 0 : count;
    }

    /** Scans one biller: a biller message to publish, or the reason there is none. */
    public Scan scan(Biller biller) {
        Shard shard = shards.forBiller(biller);
        boolean outstanding = markers.live(shard, lease);
        scannedAgain(biller);
        if (outstanding) {
            return new Scan(biller, -1, null, OUTSTANDING);
        }
        long pending = count(biller);
        if (pending == 0) {
            return new Scan(biller, 0, null, NOTHING_PENDING);
        }
        String token = UUID.randomUUID().toString();
        if (!markers.take(shard, token, lease)) {
            return new Scan(biller, pending, null, OUTSTANDING);
        }
        String lane = biller.lane().id();
        return new Scan(biller, pending, new BillerMessage(biller.id(), lane, BillerMessage.SCAN, clock.instant(),
                killDate.deadline(lane), token), null);
    }

    /** The exchange property the publisher route keeps a scan in while it publishes the scan's message. */
    public static final String SCAN_PROPERTY = "DataPumpScan";

    /** A shard could not be scanned, or the message could not be published: logged and counted; the other
     * billers carry on. */
    public Scan scanFailed(Exchange exchange) {
        Biller biller = exchange.getMessage().getBody() instanceof Biller b ? b : null;
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String billerId = biller == null ? "unknown" : biller.id();
        // the marker may have been taken for a message that was never published (broker down): give it back
        Scan taken = exchange.getProperty(SCAN_PROPERTY, Scan.class);
        if (taken != null && taken.message() != null) {
            biller = taken.biller();
            billerId = biller.id();
            markers.releaseQuietly(shards.forBiller(biller), taken.message().token());
        }
        meters.counter("datapump.publisher.scan.failures", "biller", billerId).increment();
        // a shard that is down fails every cycle: warn once, then count (the outage itself is logged by its pool)
        if (failedInARow.failed(billerId)) {
            LOG.warn("Skipping biller {} this cycle: its shard could not be scanned ({}); until it can be, each "
                    + "cycle skipping it is counted in datapump_publisher_scan_failures_total and logged at DEBUG",
                    billerId, cause == null ? "unknown error" : cause.toString());
        } else {
            LOG.debug("Skipping biller {} this cycle: its shard could not be scanned ({})", billerId,
                    cause == null ? "unknown error" : cause.toString());
        }
        return new Scan(biller, -1, null, UNREACHABLE);
    }

    private void scannedAgain(Biller biller) {
        int skipped = failedInARow.ended(biller.id());
        if (skipped > 0) {
            LOG.info("Biller {} is scanned again, after {} skipped cycle(s)", biller.id(), skipped);
        }
    }
}
