package io.datapump.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;
import io.datapump.tracing.TraceIds;

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
        return search(billerId, Map.of("status/find-by-correlation-id", Map.of("correlationId", correlationId)));
    }

    /**
     * The trace id a clue names, in the lower case the pump keeps it in (log viewers may show it upper-case), or null
     * when the clue is not a W3C trace id.
     */
    public static String traceId(String clue) {
        String id = clue == null ? null : clue.strip().toLowerCase(Locale.ROOT);
        return TraceIds.isTraceId(id) ? id : null;
    }

    /** Items with an attempt in this trace; {@code traceId} as {@link #traceId(String)} returns it. */
    public Result byTraceId(String traceId, String billerId) {
        return search(billerId, Map.of("status/find-by-trace-id", Map.of("traceId", traceId)));
    }

    /**
     * Items a clue of unknown kind may name, over every shard: as a correlation id, as a source's item id and, when
     * it is one, as a trace id. Each item once.
     */
    public Result byAnyId(String clue) {
        Map<String, Map<String, Object>> queries = new LinkedHashMap<>();
        queries.put("status/find-by-correlation-id", Map.of("correlationId", clue));
        queries.put("status/find-by-source-item-id", Map.of("sourceItemId", clue));
        String traceId = traceId(clue);
        if (traceId != null) {
            queries.put("status/find-by-trace-id", Map.of("traceId", traceId));
        }
        return search(null, queries);
    }

    public Result bySourceItemId(String sourceItemId, String billerId) {
        return search(billerId, Map.of("status/find-by-source-item-id", Map.of("sourceItemId", sourceItemId)));
    }

    /** Runs each query (SQL file → its parameters) on the biller's shard, or on every biller's; each item once. */
    private Result search(String billerId, Map<String, Map<String, Object>> queries) {
        List<Biller> billers = billerId == null ? registry.reload()
                : registry.findFresh(billerId).map(List::of).orElse(List.of());
        Set<Found> found = new LinkedHashSet<>();
        List<String> unreachable = new ArrayList<>();
        for (Biller biller : billers) {
            try {
                for (Map.Entry<String, Map<String, Object>> query : queries.entrySet()) {
                    shards.forBiller(biller).jdbc().queryForList(SqlFiles.get(query.getKey()), query.getValue(),
                            Long.class).forEach(id -> found.add(Found.of(biller.id(), id)));
                }
            } catch (RuntimeException e) {
                unreachable.add(biller.id());
            }
        }
        return new Result(List.copyOf(found), unreachable);
    }
}
