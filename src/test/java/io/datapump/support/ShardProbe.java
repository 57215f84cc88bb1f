package io.datapump.support;

import java.util.List;
import java.util.Map;

import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;

/** Reads a biller's shard directly, the way an operator with a SQL client would. */
public final class ShardProbe {

    private final BillerRegistry registry;
    private final ShardDataSources shards;

    public ShardProbe(BillerRegistry registry, ShardDataSources shards) {
        this.registry = registry;
        this.shards = shards;
    }

    public Shard shard(String billerId) {
        return shards.forBiller(registry.require(billerId));
    }

    public long count(String billerId, String sql) {
        Long n = shard(billerId).jdbc().queryForObject(sql, Map.of(), Long.class);
        return n == null ? 0 : n;
    }

    public long workItems(String billerId) {
        return count(billerId, "SELECT COUNT(*) FROM DataPumpRecord");
    }

    public long inState(String billerId, String state) {
        return shard(billerId).jdbc().queryForObject("SELECT COUNT(*) FROM DataPumpControl WHERE State = :s",
                Map.of("s", state), Long.class);
    }

    public long controlRows(String billerId) {
        return count(billerId, "SELECT COUNT(*) FROM DataPumpControl");
    }

    public Map<String, Object> control(String billerId, long recordId) {
        return shard(billerId).jdbc().queryForMap("SELECT * FROM DataPumpControl WHERE DataPumpRecordId = :id",
                Map.of("id", recordId));
    }

    public String state(String billerId, long recordId) {
        List<String> states = shard(billerId).jdbc().queryForList(
                "SELECT State FROM DataPumpControl WHERE DataPumpRecordId = :id", Map.of("id", recordId), String.class);
        return states.isEmpty() ? null : states.get(0);
    }

    public List<Map<String, Object>> attempts(String billerId, long recordId) {
        return shard(billerId).jdbc().queryForList(
                "SELECT * FROM DataPumpAttempt WHERE DataPumpRecordId = :id ORDER BY AttemptId", Map.of("id", recordId));
    }
}
