package io.datapump.pump;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Builds the CIS request for one item: one query per item (sql/enrich-&lt;item-type&gt;.sql, joining the source row with
 * its account and customer), whose column aliases become the fields of {@code data}. See docs/cis-api.md.
 */
@Component
public class Enrichment {

    private final BillerRegistry registry;
    private final ShardDataSources shards;

    public Enrichment(BillerRegistry registry, ShardDataSources shards) {
        this.registry = registry;
        this.shards = shards;
    }

    /** The JSON-ready CIS request for the item carried by the exchange. */
    public Map<String, Object> cisRequest(@ExchangeProperty(DataPumpHeaders.ITEM) ItemMessage item) {
        ItemType type = ItemType.fromCode(item.itemType()).orElseThrow(() -> new UnknownItemTypeException(item.itemType()));
        Biller biller = registry.require(item.billerId());
        List<Map<String, Object>> rows = shards.forBiller(biller).jdbc()
                .queryForList(SqlFiles.get(type.enrichmentSql()), Map.of("sourceId", item.sourceId()));
        if (rows.isEmpty()) {
            throw new MissingEnrichmentException(item);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        rows.get(0).forEach((column, value) -> data.put(column, jsonValue(value)));
        List<String> missing = type.requiredFields().stream().filter(f -> rows.get(0).get(f) == null).toList();
        if (!missing.isEmpty()) {
            throw new InvalidSourceDataException(item, missing);
        }

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("billerId", item.billerId());
        request.put("itemType", item.itemType());
        request.put("recordId", item.recordId());
        request.put("correlationId", item.correlationId());
        request.put("data", data);
        return request;
    }

    /** Where the item goes: the biller's CIS base URL plus the item type's path. */
    public String cisUrl(@ExchangeProperty(DataPumpHeaders.ITEM) ItemMessage item) {
        ItemType type = ItemType.fromCode(item.itemType()).orElseThrow(() -> new UnknownItemTypeException(item.itemType()));
        String base = registry.require(item.billerId()).cisBaseUrl();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/" + type.cisPath();
    }

    /** Database times are UTC wall-clock values (DATETIME2); they are sent as ISO-8601 instants. */
    private static Object jsonValue(Object value) {
        if (value instanceof Timestamp ts) {
            return ts.toLocalDateTime().toInstant(ZoneOffset.UTC).toString();
        }
        if (value instanceof LocalDateTime ldt) {
            return ldt.toInstant(ZoneOffset.UTC).toString();
        }
        return value;
    }
}
