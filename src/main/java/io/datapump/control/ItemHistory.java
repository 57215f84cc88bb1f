package io.datapump.control;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.datapump.message.PersonalDataMasker;
import io.datapump.shard.Shard;
import io.datapump.sql.SqlFiles;

import org.springframework.stereotype.Component;

/**
 * One item's story for troubleshooting: its control row and every delivery attempt, live or archived (reads only).
 * Texts leave here masked, whatever an older row holds.
 */
@Component
public class ItemHistory {

    /** The control row, whether it is archived, and the attempts oldest first. */
    public record Item(long recordId, String itemType, String state, boolean archived, Instant archivedAt,
                       String processorId, Instant claimedAt, Instant stateChangedAt, int attempts,
                       String lastErrorClass, String lastError, Instant createdAt, List<Attempt> history) {
    }

    /**
     * One delivery attempt; {@code cisAnswer} is the masked excerpt of a rejection, {@code confirmationId} a
     * success's, {@code correlationId} the handled message's (the CIS's X-Correlation-Id), {@code traceId} the W3C
     * trace id of the attempt (the trace of the traceparent the CIS received), null before tracing or without one.
     */
    public record Attempt(long attemptId, int attempt, String outcome, String errorClass, String errorMessage,
                          Integer httpStatus, String cisAnswer, String confirmationId, Instant startedAt,
                          long durationMs, String processorId, String correlationId, String traceId,
                          boolean archived) {
    }

    /** The item's history, or empty when the shard has no control row for it (never seen, or not yet claimed). */
    public Optional<Item> of(Shard shard, long recordId) {
        Map<String, Object> params = Map.of("recordId", recordId);
        List<Attempt> attempts = shard.jdbc().query(SqlFiles.get("status/item-attempts"), params,
                (rs, n) -> attempt(rs));
        return shard.jdbc().query(SqlFiles.get("status/item-control"), params, (rs, n) -> item(rs, attempts))
                .stream().findFirst();
    }

    private static Item item(ResultSet rs, List<Attempt> attempts) throws SQLException {
        Instant archivedAt = instant(rs, "ArchivedAt");
        return new Item(rs.getLong("DataPumpRecordId"), rs.getString("ItemType"), rs.getString("State"),
                archivedAt != null, archivedAt, rs.getString("ProcessorId"), instant(rs, "ClaimedAt"),
                instant(rs, "StateChangedAt"), rs.getInt("Attempts"), rs.getString("LastErrorClass"),
                mask(rs.getString("LastError")), instant(rs, "CreatedAt"), attempts);
    }

    private static Attempt attempt(ResultSet rs) throws SQLException {
        int status = rs.getInt("HttpStatus");
        Integer httpStatus = rs.wasNull() ? null : status;
        return new Attempt(rs.getLong("AttemptId"), rs.getInt("Attempt"), rs.getString("Outcome"),
                rs.getString("ErrorClass"), mask(rs.getString("ErrorMessage")), httpStatus,
                mask(rs.getString("CisAnswer")), rs.getString("CisConfirmationId"), instant(rs, "StartedAt"),
                rs.getLong("DurationMs"), rs.getString("ProcessorId"), rs.getString("CorrelationId"), rs.getString("TraceId"),
                instant(rs, "ArchivedAt") != null);
    }

    private static String mask(String text) {
        return text == null ? null : PersonalDataMasker.current().mask(text);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
