package io.datapump.admin;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Failure groups across all billers' shards: what failed, where, why, how many, since when. */
@Service
public class FailureGroups {

    private static final Logger LOG = LoggerFactory.getLogger(FailureGroups.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;

    public FailureGroups(BillerRegistry registry, ShardDataSources shards) {
        this.registry = registry;
        this.shards = shards;
    }

    /** Every group, largest first. A shard that cannot be read is skipped (and logged). */
    public List<FailureGroup> all() {
        List<FailureGroup> groups = new ArrayList<>();
        for (Biller biller : registry.reload()) {
            try {
                for (Map<String, Object> row : shards.forBiller(biller).jdbc()
                        .queryForList(SqlFiles.get("status/failure-groups"), Map.of())) {
                    groups.add(new FailureGroup(biller.id(), biller.lane().id(), (String) row.get("ItemType"),
                            (String) row.get("ErrorClass"), ((Number) row.get("Items")).longValue(),
                            ((Timestamp) row.get("FirstSeen")).toInstant(), ((Timestamp) row.get("LastSeen")).toInstant()));
                }
            } catch (RuntimeException e) {
                LOG.warn("Failure groups: biller {} skipped, its shard could not be read ({})", biller.id(), e.toString());
            }
        }
        groups.sort(Comparator.comparingLong(FailureGroup::count).reversed());
        return groups;
    }
}
