package io.datapump.billerconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.datapump.DataPumpProperties;
import io.datapump.local.LocalSetup;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemMessage;
import io.datapump.message.KillDate;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.support.TestBillers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The biller consumer's claim on a real H2 shard, without Camel: concurrent claimers never share a row. */
class BillerClaimsConcurrencyTest {

    static final int ROWS = 2_000;
    static final int RESET_TO_NEW = 300;
    static final int CLAIMERS = 8;
    static final int BATCH = 37;

    ShardDataSources shards;
    DataPumpProperties properties;
    BillerClaims claims;
    Biller biller;
    Shard shard;

    @BeforeEach
    void createShard() {
        Path dir = TestBillers.freshDataDir();
        biller = new Biller("claims", "Claims", Lane.PRODUCTION, true, false,
                "jdbc:h2:file:" + dir.resolve("claims") + LocalSetup.H2_OPTIONS, "http://unused");
        properties = new DataPumpProperties();
        properties.setProcessorId("test");
        // these tests are about claim safety, not the in-flight cap (which has its own test)
        properties.getBillerConsumer().setMaxInFlightPerBiller(Integer.MAX_VALUE);
        shards = new ShardDataSources(properties);
        ShardMigrations.migrateSourceTables(shards.dataSource(biller));
        ShardMigrations.migratePumpTables(shards.dataSource(biller));
        shard = shards.forBiller(biller);
        // the registry is not needed for claims of a known biller
        claims = new BillerClaims(null, shards, controlRecords(properties), new io.datapump.control.OutstandingMarkers(), properties,
                new KillDate(properties));
    }

    @AfterEach
    void close() {
        shards.destroy();
    }

    @Test
    void concurrentClaimersTakeEveryRowExactlyOnce() throws Exception {
        // given: work items without control records, and some whose control record was reset to New
        for (int i = 0; i < ROWS; i++) {
            SourceRows.insertWorkItem(shard, i % 3 == 0 ? "PaperlessRegistration" : "Payment", i + 1L);
        }
        claims.claim(biller, RESET_TO_NEW);
        shard.jdbc().update("UPDATE DataPumpControl SET State = 'New', ClaimToken = NULL", Map.of());

        // when: eight consumers claim batches at the same time until nothing is left
        ConcurrentLinkedQueue<ClaimedBatch> batches = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLAIMERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLAIMERS; c++) {
            running.add(pool.submit(() -> {
                start.await();
                ClaimedBatch batch;
                do {
                    batch = claims.claim(biller, BATCH);
                    batches.add(batch);
                } while (!batch.items().isEmpty());
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();

        // then: no row is in two claims and none is missed
        Set<Long> claimed = new HashSet<>();
        int total = 0;
        for (ClaimedBatch batch : batches) {
            assertThat(batch.items()).hasSizeLessThanOrEqualTo(BATCH);
            for (ItemMessage item : batch.items()) {
                total++;
                claimed.add(item.recordId());
            }
        }
        assertThat(total).as("rows claimed, counting repeats").isEqualTo(ROWS);
        assertThat(claimed).hasSize(ROWS);

        // and: every row is Fetched under the token of the one claim that returned it
        for (ClaimedBatch batch : batches) {
            if (batch.items().isEmpty()) {
                continue;
            }
            Long rows = shard.jdbc().queryForObject(
                    "SELECT COUNT(*) FROM DataPumpControl WHERE ClaimToken = :t AND State = 'Fetched'",
                    Map.of("t", batch.claimToken()), Long.class);
            assertThat(rows).isEqualTo(batch.items().size());
        }
        assertThat(shard.jdbc().queryForObject("SELECT COUNT(*) FROM DataPumpControl WHERE State <> 'Fetched'",
                Map.of(), Long.class)).isZero();
    }

    @Test
    void claimsStopAtTheBillersInFlightCapAndResumeAsItemsFinish() {
        // given: 100 work items and a cap of 30 items in flight
        properties.getBillerConsumer().setMaxInFlightPerBiller(30);
        claims = new BillerClaims(null, shards, controlRecords(properties), new io.datapump.control.OutstandingMarkers(), properties,
                new KillDate(properties));
        for (int i = 0; i < 100; i++) {
            SourceRows.insertWorkItem(shard, "Payment", i + 1L);
        }

        // when: batches of 25 are claimed and nothing finishes
        ClaimedBatch first = claims.claim(biller, 25);
        ClaimedBatch second = claims.claim(biller, 25);
        ClaimedBatch third = claims.claim(biller, 25);

        // then: the second stops at the cap and asks to come back later; the third claims nothing
        assertThat(first.items()).hasSize(25);
        assertThat(second.items()).hasSize(5);
        assertThat(second.throttled()).isTrue();
        assertThat(third.items()).isEmpty();
        assertThat(third.throttled()).isTrue();
        assertThat(third.needsContinuation()).isTrue();

        // when: twenty of them are delivered
        shard.jdbc().update("UPDATE DataPumpControl SET State = 'Processed' WHERE DataPumpRecordId <= 20", Map.of());

        // then: there is room for twenty more
        assertThat(claims.claim(biller, 25).items()).hasSize(20);
    }

    @Test
    void fullBatchAsksForContinuationAndLastBatchDoesNot() {
        // given
        for (int i = 0; i < 10; i++) {
            SourceRows.insertWorkItem(shard, "Payment", i + 1L);
        }

        // when
        ClaimedBatch first = claims.claim(biller, 6);
        ClaimedBatch second = claims.claim(biller, 6);
        ClaimedBatch third = claims.claim(biller, 6);

        // then
        assertThat(first.items()).hasSize(6);
        assertThat(first.full()).isTrue();
        assertThat(second.items()).hasSize(4);
        assertThat(second.full()).isFalse();
        assertThat(third.items()).isEmpty();
        assertThat(first.items()).extracting(ItemMessage::recordId).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    private static io.datapump.control.ControlRecords controlRecords(DataPumpProperties properties) {
        return new io.datapump.control.ControlRecords(new io.datapump.control.OutstandingMarkers(), properties);
    }
}
