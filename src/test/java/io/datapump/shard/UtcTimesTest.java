package io.datapump.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import io.datapump.DataPumpProperties;
import io.datapump.local.LocalSetup;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.sql.SqlFiles;
import io.datapump.support.TestBillers;

import org.junit.jupiter.api.Test;

/**
 * Times are written and compared in UTC, whatever the database server's time zone: the statements take "now" from
 * SYSUTCDATETIME() (defined on H2 by UtcClock). Here the shard's sessions run at UTC+14 (Pacific/Kiritimati), where
 * CURRENT_TIMESTAMP would be 14 hours off.
 */
class UtcTimesTest {

    @Test
    void aShardInAnotherTimeZoneStillGetsUtcTimes() {
        // given: a migrated shard whose clock runs at UTC+14
        DataPumpProperties properties = new DataPumpProperties();
        ShardDataSources shards = new ShardDataSources(properties);
        Biller biller = new Biller("kiritimati", "Kiritimati", Lane.PRODUCTION, true, false, "jdbc:h2:file:"
                + TestBillers.freshDataDir().resolve("kiritimati") + LocalSetup.H2_OPTIONS
                + ";TIME ZONE=Pacific/Kiritimati", "http://unused");
        try {
            ShardMigrations.migrateSourceTables(shards.dataSource(biller));
            ShardMigrations.migratePumpTables(shards.dataSource(biller));
            Shard shard = shards.forBiller(biller);

            // when: a claim takes the shard's claim lock, which records when
            shard.jdbc().update(SqlFiles.get("marker/claim-lock"), Map.of("claimToken", "utc-check"));

            // then: the time written is UTC, not the server's local time
            LocalDateTime written = shard.jdbc().getJdbcTemplate().queryForObject(
                    "SELECT LastClaimAt FROM DataPumpClaimLock WHERE LockId = 1", LocalDateTime.class);
            LocalDateTime local = shard.jdbc().getJdbcTemplate().queryForObject(
                    "SELECT CAST(CURRENT_TIMESTAMP AS DATETIME2)", LocalDateTime.class);
            LocalDateTime utcNow = LocalDateTime.now(ZoneOffset.UTC);
            assertThat(Duration.between(written, utcNow).abs()).isLessThan(Duration.ofMinutes(1));
            assertThat(Duration.between(local, utcNow).abs()).as("the server's own clock is 14 hours ahead")
                    .isGreaterThan(Duration.ofHours(13));
        } finally {
            shards.destroy();
        }
    }
}
