package io.datapump.admin;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.DataPumpProperties;
import io.datapump.billerconsumer.ClaimedBatch;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemType;
import io.datapump.publisher.PublisherCycles;
import io.datapump.sql.SqlFiles;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Run reports (how each run reports its results): every publisher cycle and every biller batch
 * leaves a row in the registry's RunReport table, served at GET /api/runs and kept for datapump.runs.retention.
 * Writing a report never fails the work it reports on: a registry hiccup costs the report (logged, counted), not
 * the batch.
 */
@Service("runReports")
public class RunReports {

    private static final Logger LOG = LoggerFactory.getLogger(RunReports.class);
    private static final int PURGE_CHUNK = 5_000;

    private final NamedParameterJdbcTemplate registry;
    private final DataPumpProperties properties;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final String processorId;
    private final Clock clock = Clock.systemUTC();

    public RunReports(NamedParameterJdbcTemplate registry, DataPumpProperties properties, ObjectMapper json,
                      MeterRegistry meters) {
        this.registry = registry;
        this.properties = properties;
        this.json = json;
        this.meters = meters;
        this.processorId = properties.resolvedProcessorId();
    }

    /** A publisher cycle: billers scanned, published, skipped and why. */
    public void publisherCycle(PublisherCycles.Cycle cycle) {
        Map<String, Object> p = base("publisher-cycle", null, null, cycle.started(), cycle.duration());
        int skipped = cycle.skipped().values().stream().mapToInt(Integer::intValue).sum();
        p.put("billersScanned", cycle.scanned());
        p.put("billersPublished", cycle.published());
        p.put("billersSkipped", skipped);
        p.put("skipReasons", toJson(cycle.skipped()));
        insert(p);
    }

    /** A biller batch, at its end: the rows claimed, published to the item topics, and failed (unknown item type). */
    public void billerBatch(Exchange exchange) {
        ClaimedBatch batch = exchange.getProperty(DataPumpHeaders.CLAIM, ClaimedBatch.class);
        if (batch == null || batch.items().isEmpty()) {
            // an empty claim (throttled, paused, nothing left) is not worth a report: it is the continuation's wait
            return;
        }
        Instant started = Instant.ofEpochMilli(exchange.getClock().getCreated());
        int claimed = batch.size();
        // an item of a type no item topic handles ended Failed in the split; every other one was published (its row
        // is Queued, or already further along when an item consumer was quicker than the batch)
        int failed = (int) batch.items().stream().filter(i -> ItemType.fromCode(i.itemType()).isEmpty()).count();
        Map<String, Object> p = base("biller-batch", batch.billerId(), batch.lane(), started,
                Duration.between(started, clock.instant()));
        p.put("itemsClaimed", claimed);
        p.put("itemsQueued", claimed - failed);
        p.put("itemsFailed", failed);
        p.put("continued", batch.needsContinuation());
        insert(p);
    }

    /** The newest reports, optionally of one kind ("publisher-cycle", "biller-batch") and one biller. */
    public List<Map<String, Object>> recent(String kind, String billerId, Instant since, int limit) {
        if (kind != null && !kind.isBlank() && !List.of("publisher-cycle", "biller-batch").contains(kind)) {
            throw ApiException.badRequest("kind must be publisher-cycle or biller-batch");
        }
        Map<String, Object> p = new HashMap<>();
        p.put("kind", kind == null ? "" : kind);
        p.put("billerId", billerId == null ? "" : billerId);
        p.put("since", Timestamp.from(since == null ? Instant.EPOCH : since));
        p.put("limit", limit);
        return registry.queryForList(SqlFiles.get("registry/run-recent"), p);
    }

    /** Deletes run reports and audit entries older than their retention; returns the rows deleted. */
    public int purge() {
        int deleted = purge("registry/run-purge", properties.getRuns().getRetention());
        deleted += purge("registry/audit-purge", properties.getRuns().getAuditRetention());
        if (deleted > 0) {
            LOG.info("Purged {} run report(s) and audit entries past their retention", deleted);
        }
        return deleted;
    }

    private int purge(String sql, Duration retention) {
        Map<String, Object> p = Map.of("chunk", PURGE_CHUNK,
                "before", Timestamp.from(clock.instant().minus(retention)));
        int total = 0;
        int n;
        do {
            n = registry.update(SqlFiles.get(sql), p);
            total += n;
        } while (n == PURGE_CHUNK);
        return total;
    }

    private Map<String, Object> base(String kind, String billerId, String lane, Instant started, Duration took) {
        Map<String, Object> p = new HashMap<>();
        p.put("kind", kind);
        p.put("processorId", processorId);
        p.put("billerId", billerId);
        p.put("lane", lane);
        p.put("startedAt", Timestamp.from(started));
        p.put("durationMs", took.toMillis());
        for (String column : List.of("billersScanned", "billersPublished", "billersSkipped", "skipReasons",
                "itemsClaimed", "itemsQueued", "itemsFailed", "continued")) {
            p.put(column, null);
        }
        return p;
    }

    private void insert(Map<String, Object> p) {
        try {
            registry.update(SqlFiles.get("registry/run-insert"), p);
        } catch (RuntimeException e) {
            meters.counter("datapump.run.reports.lost").increment();
            LOG.warn("Could not write a {} run report ({}); the work itself is unaffected", p.get("kind"), e.toString());
        }
    }

    private String toJson(Object value) {
        try {
            String text = json.writeValueAsString(value);
            return text.length() <= 4000 ? text : text.substring(0, 4000);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
