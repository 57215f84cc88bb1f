package io.datapump.local;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The built-in CIS simulator behind harness/cis-simulator.camel.yaml: answers every biller's CIS API, fails a
 * configurable share of requests with 503, and keeps a count of what it received (GET /cis-sim/received).
 */
@Component
@Profile("local")
public class CisSimulator {

    private final LocalProperties.CisSimulator settings;
    private final Map<String, AtomicLong> byBiller = new ConcurrentHashMap<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public CisSimulator(LocalProperties local) {
        this.settings = local.getCisSimulator();
    }

    /** Handles one POST /cis-sim/{billerId}/{resource}. */
    public Map<String, Object> receive(Exchange exchange) {
        Message in = exchange.getMessage();
        String billerId = in.getHeader("billerId", String.class);
        String key = in.getHeader("Idempotency-Key", String.class);
        Map<String, Object> response = new LinkedHashMap<>();
        if (settings.getFailureRate() > 0 && ThreadLocalRandom.current().nextDouble() < settings.getFailureRate()) {
            failed.incrementAndGet();
            in.setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
            response.put("error", "simulated CIS failure");
            return response;
        }
        received.incrementAndGet();
        byBiller.computeIfAbsent(billerId, k -> new AtomicLong()).incrementAndGet();
        boolean duplicate = key != null && !keys.add(key);
        if (duplicate) {
            duplicates.incrementAndGet();
        }
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        response.put("status", duplicate ? "duplicate" : "accepted");
        response.put("confirmationId", "SIM-" + key);
        response.put("receivedAt", Instant.now().toString());
        return response;
    }

    /** What the simulator has seen since start. */
    public Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("received", received.get());
        stats.put("duplicates", duplicates.get());
        stats.put("failedOnPurpose", failed.get());
        Map<String, Long> per = new TreeMap<>();
        byBiller.forEach((k, v) -> per.put(k, v.get()));
        stats.put("byBiller", per);
        return stats;
    }
}
