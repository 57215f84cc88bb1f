package io.datapump.itemconsumer;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.datapump.failure.InvalidSourceDataException;
import io.datapump.failure.MissingEnrichmentException;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.sql.SqlFiles;

import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Builds the CIS request for one item: one query per item (sql/enrich-&lt;item-type&gt;.sql, joining the source row with
 * its account and customer), whose column aliases become the fields of {@code data}. See docs/cis-api.md.
 */
@Component
public class Enrichment {

    /** The JSON-ready CIS request for the item carried by the exchange. */
    public Map<String, Object> cisRequest(@Variable(ItemContext.VARIABLE) ItemContext context) {
        ItemMessage item = context.message();
        ItemType type = context.type();
        List<Map<String, Object>> rows = context.shard().jdbc()
                .queryForList(SqlFiles.get(type.enrichmentSql()), Map.of("sourceId", item.sourceId()));
        if (rows.isEmpty()) {
            throw new MissingEnrichmentException(item.itemType() + " " + item.sourceId() + " referenced by work item "
                    + item.recordId() + " of biller " + item.billerId());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        rows.get(0).forEach((column, value) -> data.put(column, jsonValue(value)));
        List<String> missing = type.requiredFields().stream().filter(f -> rows.get(0).get(f) == null).toList();
        if (!missing.isEmpty()) {
            throw new InvalidSourceDataException(item.itemType() + " " + item.sourceId() + " of work item "
                    + item.recordId() + " (biller " + item.billerId() + ")", missing);
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
    public String cisUrl(@Variable(ItemContext.VARIABLE) ItemContext context) {
        String base = context.biller().cisBaseUrl();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/" + context.type().cisPath();
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
