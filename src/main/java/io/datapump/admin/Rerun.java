package io.datapump.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.control.OutstandingMarkers;
import io.datapump.message.BillerMessage;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.KillDate;
import io.datapump.publisher.PendingWork;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;

import org.apache.camel.ProducerTemplate;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

/**
 * Re-runs one biller's workload now (per-biller granular recovery): its pending items are claimed at once
 * instead of at the next publisher cycle, and optionally its Failed items are replayed too.
 */
@Service
public class Rerun {

    private final BillerRegistry registry;
    private final PendingWork pendingWork;
    private final KillDate killDate;
    private final Replays replays;
    private final ProducerTemplate producer;
    private final Environment environment;
    private final ObjectMapper json;
    private final ShardDataSources shards;
    private final OutstandingMarkers markers;

    public Rerun(BillerRegistry registry, PendingWork pendingWork, KillDate killDate, Replays replays,
                 ProducerTemplate producer, Environment environment, ObjectMapper json, ShardDataSources shards,
                 OutstandingMarkers markers) {
        this.shards = shards;
        this.markers = markers;
        this.registry = registry;
        this.pendingWork = pendingWork;
        this.killDate = killDate;
        this.replays = replays;
        this.producer = producer;
        this.environment = environment;
        this.json = json;
    }

    public Map<String, Object> rerun(String billerId, boolean includeFailed, String actor) throws JsonProcessingException {
        Biller biller = registry.reload().stream().filter(b -> b.id().equals(billerId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("unknown biller '" + billerId + "'"));
        if (!biller.enabled()) {
            throw ApiException.conflict("biller '" + billerId + "' has the data pump disabled; enable it first");
        }
        if (biller.paused()) {
            throw ApiException.conflict("biller '" + billerId + "' is paused; resume it first");
        }
        String lane = biller.lane().id();
        long pending = pendingWork.count(biller);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("billerId", billerId);
        result.put("pending", pending);
        if (pending > 0) {
            // a rerun takes the biller's outstanding-message marker whatever it held: an operator asked for it now
            String token = java.util.UUID.randomUUID().toString();
            markers.hold(shards.forBiller(biller), token);
            BillerMessage message = new BillerMessage(billerId, lane, BillerMessage.RERUN, Instant.now(),
                    killDate.deadline(lane), token);
            producer.sendBodyAndHeaders(environment.getRequiredProperty("datapump.endpoints." + lane + ".biller-out"),
                    json.writeValueAsString(message),
                    Map.of(DataPumpHeaders.BILLER_ID, billerId, DataPumpHeaders.LANE, lane));
        }
        result.put("published", pending > 0);
        if (includeFailed) {
            ReplayStatus replay = replays.start(new ReplaySelection(billerId, null, null, null, null, null, null, null,
                    null, null, "rerun of biller " + billerId), actor);
            result.put("replay", replay);
        }
        return result;
    }
}
