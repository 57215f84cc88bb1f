package io.datapump.support;

import java.util.Map;

import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.shard.Shard;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** What a process leaves behind when it dies: rows it holds in a shard, and its heartbeat in the registry. */
public final class HeldRows {

    private HeldRows() {
    }

    /**
     * A work item with a control row in a state, held by a processor, claimed just now (in one transaction, so the
     * publisher never sees the work item without its control row). Returns its record id.
     */
    public static long control(Shard shard, String state, String processorId, int attempts) {
        return shard.tx().execute(tx -> {
            long id = SourceRows.insert(shard, ItemType.PAYMENT);
            shard.jdbc().update("INSERT INTO DataPumpControl (DataPumpRecordId, ItemType, State, ClaimToken,"
                    + " ProcessorId, ClaimedAt, StateChangedAt, Attempts, CreatedAt) VALUES (:id, 'Payment', :state,"
                    + " :token, :processor, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :attempts, CURRENT_TIMESTAMP)",
                    Map.of("id", id, "state", state, "token", "token-" + id, "processor", processorId,
                            "attempts", attempts));
            return id;
        });
    }

    /** A processor's heartbeat row; {@code lastBeat} is an SQL expression, e.g. a minute ago. */
    public static void heartbeat(NamedParameterJdbcTemplate registry, String processorId, String lastBeat,
                                 boolean stopped) {
        registry.update("INSERT INTO ProcessorHeartbeat (ProcessorId, Roles, StartedAt, LastBeatAt, Beats, StoppedAt)"
                + " VALUES (:id, 'item-consumer', CURRENT_TIMESTAMP, " + lastBeat + ", 7, "
                + (stopped ? "CURRENT_TIMESTAMP" : "NULL") + ")", Map.of("id", processorId));
    }
}
