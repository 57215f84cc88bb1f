package io.datapump.billerconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords;
import io.datapump.control.OutstandingMarkers;
import io.datapump.local.LocalSetup;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemMessage;
import io.datapump.message.KillDate;
import io.datapump.recovery.Archiver;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.support.TestBillers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims look for unseen work items only above the claim mark (the highest row claimed so far, less the late-row
 * lookback), so their cost does not grow with the history; a row whose insert commits after later rows were
 * claimed is still claimed. On a real H2 shard, without Camel.
 */
class ClaimMarkTest {

    DataPumpProperties properties = new DataPumpProperties();
    ShardDataSources shards;
    Biller biller;
    Shard shard;

    @BeforeEach
    void createShard() {
        biller = new Biller("mark", "Mark", Lane.PRODUCTION, true, false,
                "jdbc:h2:file:" + TestBillers.freshDataDir().resolve("mark") + LocalSetup.H2_OPTIONS, "http://unused");
        shards = new ShardDataSources(properties);
        ShardMigrations.migrateSourceTables(shards.dataSource(biller));
        ShardMigrations.migratePumpTables(shards.dataSource(biller));
        shard = shards.forBiller(biller);
    }

    @AfterEach
    void close() {
        shards.destroy();
    }

    @Test
    void claimsMoveTheMarkAndNeverTakeARowTwice() {
        // given: 25 work items
        List<Long> ids = insert(25);

        // when: claimed 10 at a time until nothing is left
        List<Long> claimed = new ArrayList<>();
        List<ItemMessage> batch;
        while (!(batch = claims().claim(biller, 10).items()).isEmpty()) {
            batch.forEach(i -> claimed.add(i.recordId()));
        }

        // then: each row once, in order, and the mark at the highest
        assertThat(claimed).containsExactlyElementsOf(ids);
        assertThat(mark()).isEqualTo(ids.get(24));
        assertThat(pending()).isZero();
    }

    @Test
    void aClaimOfMoreRowsThanSqlServerTakesParametersIsClaimedInChunksEachRowOnce() {
        // given: 2,500 unseen work items and a biller allowed to claim them all at once
        properties.getBillerConsumer().setMaxInFlightPerBiller(3_000);
        List<Long> ids = insert(2_500);

        // when: one claim of 2,500 (one IN list of 2,500 ids would be refused: SQL Server takes 2,100 parameters)
        List<ItemMessage> batch = claims().claim(biller, 2_500).items();

        // then: every row claimed once, in order
        assertThat(batch).extracting(ItemMessage::recordId).containsExactlyElementsOf(ids);
        assertThat(pending()).isZero();
    }

    @Test
    void aRowCommittedAfterLaterRowsWereClaimedIsClaimedWithinTheLookback() {
        // given: rows 1-10 claimed while row 5's insert had not committed yet
        List<Long> ids = insert(10);
        long late = ids.get(4);
        Map<String, Object> row = takeOut(late);
        assertThat(claims().claim(biller, 100).size()).isEqualTo(9);

        // when: row 5's insert commits
        putBack(row);

        // then: it is pending, and the next claim takes it
        assertThat(pending()).isEqualTo(1);
        assertThat(claims().claim(biller, 100).items()).extracting(ItemMessage::recordId).containsExactly(late);
    }

    @Test
    void aRowCommittedLaterThanTheLookbackReachesIsFoundByTheArchiver() {
        // given: no lookback, rows 1-10 claimed while row 3's insert had not committed, then it commits
        properties.getBillerConsumer().setLateRowLookback(0);
        List<Long> ids = insert(10);
        long late = ids.get(2);
        Map<String, Object> row = takeOut(late);
        assertThat(claims().claim(biller, 100).size()).isEqualTo(9);
        putBack(row);
        assertThat(claims().claim(biller, 100).items()).isEmpty();

        // when: the archiver runs
        Instant longAgo = Instant.now().minusSeconds(86_400);
        new Archiver(null, shards, new SimpleMeterRegistry(), controlRecords(), properties)
                .archive(biller, longAgo, longAgo);

        // then: the next claim takes the late row
        assertThat(claims().claim(biller, 100).items()).extracting(ItemMessage::recordId).containsExactly(late);
    }

    @Test
    void aBillerWithRoomForFewerThanTheLowWaterMarkIsThrottledAndClaimsNothing() {
        // given: a cap of 30 in flight and 25 rows claimed and unfinished, 35 more waiting
        insert(60);
        ControlRecords control = controlRecords();
        assertThat(control.claim(shard, "first", 25, 1, 30, null).rows()).hasSize(25);

        // when: the next claim asks for 20 with a low-water mark of 15 (room for 5 only)
        ControlRecords.Claim claim = control.claim(shard, "second", 20, 15, 30, null);

        // then: nothing is claimed and the claim reports the throttle; with room for 15 it claims again
        assertThat(claim.rows()).isEmpty();
        assertThat(claim.throttled()).isTrue();
        shard.jdbc().update("UPDATE DataPumpControl SET State = 'Processed' WHERE ClaimToken = 'first'"
                + " AND DataPumpRecordId IN (SELECT DataPumpRecordId FROM DataPumpControl WHERE ClaimToken = 'first'"
                + " ORDER BY DataPumpRecordId OFFSET 0 ROWS FETCH NEXT 10 ROWS ONLY)", Map.of());
        assertThat(control.claim(shard, "third", 20, 15, 30, null).rows()).hasSize(15);
    }

    @Test
    void aLowWaterMarkAboveHalfTheCapLetsTheBillerRefillAtHalfTheCap() {
        // given: a cap of 16 in flight, all 16 claimed and unfinished, 40 more waiting, and a low-water mark of 50
        insert(56);
        ControlRecords control = controlRecords();
        assertThat(control.claim(shard, "first", 25, 50, 16, null).rows()).hasSize(16);

        // when: half the cap finishes
        shard.jdbc().update("UPDATE DataPumpControl SET State = 'Processed' WHERE DataPumpRecordId IN (SELECT"
                + " DataPumpRecordId FROM DataPumpControl WHERE ClaimToken = 'first' ORDER BY DataPumpRecordId"
                + " OFFSET 0 ROWS FETCH NEXT 8 ROWS ONLY)", Map.of());

        // then: the biller is claimed again for the free half, without waiting for the pipeline to drain
        assertThat(control.claim(shard, "second", 25, 50, 16, null).rows()).hasSize(8);
    }

    private BillerClaims claims() {
        return new BillerClaims(null, shards, controlRecords(), new OutstandingMarkers(), properties,
                new KillDate(properties));
    }

    private ControlRecords controlRecords() {
        return new ControlRecords(new OutstandingMarkers(), properties);
    }

    private List<Long> insert(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(SourceRows.insertWorkItem(shard, "Payment", i + 1L));
        }
        return ids;
    }

    /** A row whose insert has not committed yet: not there, for now. */
    private Map<String, Object> takeOut(long id) {
        Map<String, Object> row = shard.jdbc().queryForMap("SELECT * FROM DataPumpRecord WHERE DataPumpRecordId = :id",
                Map.of("id", id));
        shard.jdbc().update("DELETE FROM DataPumpRecord WHERE DataPumpRecordId = :id", Map.of("id", id));
        return row;
    }

    /** Its insert commits, with the identity it was given when it started. */
    private void putBack(Map<String, Object> row) {
        shard.jdbc().update("INSERT INTO DataPumpRecord (DataPumpRecordId, ItemType, SourceId, CreatedAt)"
                + " VALUES (:DataPumpRecordId, :ItemType, :SourceId, :CreatedAt)", row);
    }

    private long mark() {
        return shard.jdbc().queryForObject("SELECT ClaimedThrough FROM DataPumpClaimMark", Map.of(), Long.class);
    }

    private long pending() {
        return new io.datapump.publisher.PendingWork(null, shards, new SimpleMeterRegistry(), new KillDate(properties),
                new OutstandingMarkers(), properties).count(biller);
    }
}
