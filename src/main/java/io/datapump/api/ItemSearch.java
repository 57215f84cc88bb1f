package io.datapump.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;

import org.springframework.stereotype.Component;

/**
 * Finds items by what an operator has in hand: an idempotency key (from the CIS's logs), a correlation id (from the
 * pump's logs or the CIS's X-Correlation-Id), a trace id (from a tracing backend, or the traceparent the CIS logged)
 * or a source's item id (directly published items). Searches the one
 * biller given, or every biller's shard; a shard that cannot be read is named in the answer, not fatal.
 */
@Component
public class ItemSearch {

    private static final String KEY_PREFIX = "datapump-";

    /** One item found, with where its history is. */
    public record Found(String billerId, long recordId, String history) {
        static Found of(String billerId, long recordId) {
            return new Found(billerId, recordId, "/api/billers/" + billerId + "/items/" + recordId);
        }
    }

    /** What a search found, and the billers whose shard could not be searched. */
    public record Result(List<Found> items, List<String> unreachable) {
    }

    private final BillerRegistry registry;
    private final ShardDataSources shards;

    public ItemSearch(BillerRegistry registry, ShardDataSources shards) {
        this.registry = registry;
        this.shards = shards;
    }

    /**
     * The item an idempotency key names (datapump-{billerId}-{recordId}), or null when the key is not one of the
     * pump's or its biller is unknown.
     */
    public Found byIdempotencyKey(String key) {
        int last = key.lastIndexOf('-');
        if (!key.startsWith(KEY_PREFIX) || last <= KEY_PREFIX.length()) {
            return null;
        }
        String billerId = key.substring(KEY_PREFIX.length(), last);
        try {
            long recordId = Long.parseLong(key.substring(last + 1));
            return registry.find(billerId).map(b -> Found.of(b.id(), recordId)).orElse(null);
        } catch (NumberFormatException notOurs) {
            return null;
        }
    }

    public Result byCorrelationId(String correlationId, String billerId) {
        return search(billerId, "status/find-by-correlation-id", Map.of("correlationId", correlationId));
    }

    /** Whether a clue is a W3C trace id: 32 hex digits, not all zero. */
    public static boolean isTraceId(String clue) {
        return clue != null && clue.matches("[0-9a-fA-F]{32}") && !clue.matches("0{32}");
    }

    /** Items with an attempt in this trace (a trace id in any case; the pump keeps them in lower case). */
    public Result byTraceId(String traceId, String billerId) {
        return search(billerId, "status/find-by-trace-id", Map.of("traceId", traceId.toLowerCase(Locale.ROOT)));
    }

    public Result bySourceItemId(String sourceItemId, String billerId) {
        return search(billerId, "status/find-by-source-item-id", Map.of("sourceItemId", sourceItemId));
    }

    private Result search(String billerId, String sql, Map<String, Object> params) {
        List<Biller> billers = billerId == null ? registry.reload()
                : registry.findFresh(billerId).map(List::of).orElse(List.of());
        List<Found> found = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (Biller biller : billers) {
            try {
                shards.forBiller(biller).jdbc().queryForList(SqlFiles.get(sql), params, Long.class)
                        .forEach(id -> found.add(Found.of(biller.id(), id)));
            } catch (RuntimeException e) {
                unreachable.add(biller.id());
            }
        }
        return new Result(found, unreachable);
    }
}
