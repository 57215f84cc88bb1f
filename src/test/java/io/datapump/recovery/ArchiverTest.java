package io.datapump.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.billerconsumer.BillerClaims;
import io.datapump.local.LocalSetup;
import io.datapump.local.SourceRows;
import io.datapump.message.KillDate;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.sql.SqlFiles;
import io.datapump.support.TestBillers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Archival on a real H2 shard, without Camel. */
class ArchiverTest {

    ShardDataSources shards;
    Archiver archiver;
    Biller biller;
    Shard shard;
    DataPumpProperties properties = new DataPumpProperties();

    @BeforeEach
    void createShard() {
        biller = new Biller("archive", "Archive", Lane.PRODUCTION, true, false,
                "jdbc:h2:file:" + TestBillers.freshDataDir().resolve("archive") + LocalSetup.H2_OPTIONS, "http://unused");
        properties.getArchive().setBatchSize(4);
        shards = new ShardDataSources(properties);
        ShardMigrations.migrateSourceTables(shards.dataSource(biller));
        ShardMigrations.migratePumpTables(shards.dataSource(biller));
        shard = shards.forBiller(biller);
        archiver = new Archiver(null, shards, new SimpleMeterRegistry(), controlRecords(properties), properties);
    }

    @AfterEach
    void close() {
        shards.destroy();
    }

    @Test
    void oldProcessedAndFailedRowsMoveWithTheirAttemptsInBatchesAndAreNeverPumpedAgain() {
        // given: 10 old Processed rows, 3 recent Processed, 3 old Failed, 2 Failed within their longer retention
        insert(10, "Processed", "DATEADD(DAY, -40, CURRENT_TIMESTAMP)");
        insert(3, "Processed", "CURRENT_TIMESTAMP");
        insert(3, "Failed", "DATEADD(DAY, -200, CURRENT_TIMESTAMP)");
        insert(2, "Failed", "DATEADD(DAY, -40, CURRENT_TIMESTAMP)");

        // when: archiving with 30-day and 180-day retentions in batches of 4
        Instant now = Instant.now();
        int moved = archiver.archive(biller, now.minusSeconds(30L * 86400), now.minusSeconds(180L * 86400));

        // then: exactly the old ones moved, with their attempts
        assertThat(moved).isEqualTo(13);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControl")).isEqualTo(5);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControlArchive")).isEqualTo(13);
        assertThat(count("SELECT COUNT(*) FROM DataPumpAttempt")).isEqualTo(5);
        assertThat(count("SELECT COUNT(*) FROM DataPumpAttemptArchive")).isEqualTo(13);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControlArchive WHERE State = 'Failed'")).isEqualTo(3);

        // and: the archived work items are not pending and cannot be claimed again
        assertThat(count(SqlFiles.get("control/count-pending").replace(":lookback", "0"))).isZero();
        assertThat(new BillerClaims(null, shards, controlRecords(properties), new io.datapump.control.OutstandingMarkers(), properties,
                new KillDate(properties)).claim(biller, 100).items()).isEmpty();
    }

    @Test
    void archivedFailureCanBeBroughtBackForReplay() {
        // given: an archived failure with two attempts
        List<Long> ids = insert(1, "Failed", "DATEADD(DAY, -200, CURRENT_TIMESTAMP)");
        shard.jdbc().update("INSERT INTO DataPumpAttempt (DataPumpRecordId, Attempt, Outcome, ErrorClass, StartedAt,"
                + " DurationMs, ProcessorId) VALUES (:id, 2, 'Failed', 'CisServerError', CURRENT_TIMESTAMP, 5, 'p')",
                Map.of("id", ids.get(0)));
        Instant now = Instant.now();
        archiver.archive(biller, now, now);

        // when
        int restored = archiver.restoreFailed(biller, ids);

        // then: the row and its history are live again, and gone from the archive
        assertThat(restored).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControl WHERE State = 'Failed'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM DataPumpAttempt")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControlArchive")).isZero();
        assertThat(count("SELECT COUNT(*) FROM DataPumpAttemptArchive")).isZero();
    }

    @Test
    void moreArchivedFailuresThanSqlServerTakesParametersAreRestoredInOneGo() {
        // given: 2,300 archived failures (one IN list of them would be refused: SQL Server takes 2,100 parameters)
        List<Long> ids = insert(2_300, "Failed", "DATEADD(DAY, -200, CURRENT_TIMESTAMP)");
        Instant now = Instant.now();
        properties.getArchive().setBatchSize(1_000);
        archiver.archive(biller, now, now);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControlArchive")).isEqualTo(2_300);

        // when
        int restored = archiver.restoreFailed(biller, ids);

        // then: every one is live again with its attempt, none left in the archive
        assertThat(restored).isEqualTo(2_300);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControl WHERE State = 'Failed'")).isEqualTo(2_300);
        assertThat(count("SELECT COUNT(*) FROM DataPumpAttempt")).isEqualTo(2_300);
        assertThat(count("SELECT COUNT(*) FROM DataPumpControlArchive")).isZero();
    }

    private List<Long> insert(int n, String state, String changedAt) {
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = SourceRows.insertWorkItem(shard, "Payment", i + 1L);
            shard.jdbc().update("INSERT INTO DataPumpControl (DataPumpRecordId, ItemType, State, StateChangedAt, Attempts,"
                    + " CreatedAt, LastErrorClass) VALUES (:id, 'Payment', :state, " + changedAt + ", 1, " + changedAt
                    + ", :error)", Map.of("id", id, "state", state, "error", state.equals("Failed") ? "CisRejected" : ""));
            shard.jdbc().update("INSERT INTO DataPumpAttempt (DataPumpRecordId, Attempt, Outcome, StartedAt, DurationMs,"
                    + " ProcessorId) VALUES (:id, 1, :outcome, " + changedAt + ", 10, 'p')",
                    Map.of("id", id, "outcome", state.equals("Failed") ? "Failed" : "Succeeded"));
            ids.add(id);
        }
        return ids;
    }

    private long count(String sql) {
        Long n = shard.jdbc().queryForObject(sql, Map.of(), Long.class);
        return n == null ? 0 : n;
    }

    private static io.datapump.control.ControlRecords controlRecords(DataPumpProperties properties) {
        return new io.datapump.control.ControlRecords(new io.datapump.control.OutstandingMarkers(), properties);
    }
}
