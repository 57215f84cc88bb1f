package io.datapump.pump;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The biller publisher's work: which billers to scan, how much each has pending, and the message to publish. */
@Component
public class PendingWork {

    private static final Logger LOG = LoggerFactory.getLogger(PendingWork.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final MeterRegistry meters;
    private final KillDate killDate;
    private final Clock clock = Clock.systemUTC();

    /** A biller and the number of its work items waiting to be pumped. */
    public record Pending(Biller biller, long count) {
    }

    public PendingWork(BillerRegistry registry, ShardDataSources shards, MeterRegistry meters, KillDate killDate) {
        this.registry = registry;
        this.shards = shards;
        this.meters = meters;
        this.killDate = killDate;
    }

    /** Enabled, unpaused billers, read fresh from the registry. */
    public List<Biller> activeBillers() {
        return registry.active();
    }

    /** Rows of the biller's shard with no control record or a control record in state New. */
    public Pending count(Biller biller) {
        Long count = shards.forBiller(biller).jdbc().queryForObject(SqlFiles.get("count-pending"), Map.of(), Long.class);
        return new Pending(biller, count == null ? 0 : count);
    }

    /** The biller message for a biller with pending work. */
    public BillerMessage message(Pending pending) {
        String lane = pending.biller().lane().id();
        return new BillerMessage(pending.biller().id(), lane, BillerMessage.SCAN, clock.instant(),
                killDate.deadline(lane));
    }

    /** A shard could not be scanned: logged and counted; the other billers carry on. */
    public void scanFailed(Exchange exchange) {
        Biller biller = exchange.getMessage().getBody(Biller.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String billerId = biller == null ? "unknown" : biller.id();
        meters.counter("datapump.publisher.scan.failures", "biller", billerId).increment();
        LOG.warn("Skipping biller {} this cycle: its shard could not be scanned ({})", billerId,
                cause == null ? "unknown error" : cause.toString());
    }
}
