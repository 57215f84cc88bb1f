package io.datapump.control;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.datapump.shard.Shard;
import io.datapump.sql.SqlFiles;

import org.springframework.stereotype.Component;

/** What a shard's control records add up to, for the status API and the backlog gauges (reads only). */
@Component
public class ControlCounts {

    private final Map<String, Object> lookback;

    public ControlCounts(ControlRecords controlRecords) {
        this.lookback = Map.of("lookback", controlRecords.lookback());
    }

    /** The states counted, as GET /api/billers and datapump_backlog name them. */
    public static final List<String> STATES = List.of("New", "Fetched", "Queued", "Processing", "Processed", "Failed",
            "Archived");

    /** Work items per state (lower case; {@code new} includes rows with no control record), every state present. */
    public Map<String, Long> byState(Shard shard) {
        Map<String, Long> counts = new LinkedHashMap<>();
        STATES.forEach(s -> counts.put(s.toLowerCase(Locale.ROOT), 0L));
        shard.jdbc().query(SqlFiles.get("status/count-by-state"), lookback, rs -> {
            String key = rs.getString("State").toLowerCase(Locale.ROOT);
            counts.merge(key, rs.getLong("Items"), Long::sum);
        });
        return counts;
    }

    /** When the oldest work item not yet delivered was first seen, or null when nothing is pending. */
    public Instant oldestPending(Shard shard) {
        Timestamp oldest = shard.jdbc().queryForObject(SqlFiles.get("status/oldest-pending"), lookback,
                Timestamp.class);
        return oldest == null ? null : oldest.toInstant();
    }
}
