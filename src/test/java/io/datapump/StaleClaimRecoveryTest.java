package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.ShardProbe;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sweeper recovers what a crashed process left behind, with the default leases: the crash is reproduced by
 * writing the rows a dead process leaves, with claim times older than the leases.
 */
@PumpTest
class StaleClaimRecoveryTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    @BeforeAll
    static void billers() {
        PUMP.biller("crashed").create();
    }

    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;

    @Test
    void rowsLeftBehindByADeadProcessAreRecoveredAndLiveOnesAreLeftAlone() {
        // given: what a process killed at each step boundary leaves, and two rows a live process is working on
        ShardProbe probe = new ShardProbe(registry, shards);
        Shard shard = probe.shard("crashed");
        long afterClaim = control(shard, "Fetched", "DATEADD(MINUTE, -10, CURRENT_TIMESTAMP)", 0);
        long midCisCall = control(shard, "Processing", "DATEADD(MINUTE, -10, CURRENT_TIMESTAMP)", 1);
        long lostMessage = control(shard, "Queued", "DATEADD(DAY, -4, CURRENT_TIMESTAMP)", 0);
        long liveAttempt = control(shard, "Processing", "CURRENT_TIMESTAMP", 1);
        long liveClaim = control(shard, "Fetched", "CURRENT_TIMESTAMP", 0);

        // when: the sweeper (and the publisher, for the claim returned to New) run

        // then: the three dead rows are delivered, each once
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("crashed", "Processed") == 3);
        assertThat(probe.state("crashed", afterClaim)).isEqualTo("Processed");
        assertThat(probe.state("crashed", midCisCall)).isEqualTo("Processed");
        assertThat(probe.state("crashed", lostMessage)).isEqualTo("Processed");
        assertThat(CIS.acceptedPerKey()).hasSize(3).allSatisfy((key, n) -> assertThat(n).isEqualTo(1L));
        // the abandoned attempt counts as an attempt
        assertThat(probe.attempts("crashed", midCisCall)).extracting(a -> a.get("ErrorClass"))
                .containsExactly("Abandoned", null);
        assertThat(((Number) probe.control("crashed", midCisCall).get("Attempts")).intValue()).isEqualTo(2);
        // and the rows of the live process were not touched
        assertThat(probe.state("crashed", liveAttempt)).isEqualTo("Processing");
        assertThat(probe.state("crashed", liveClaim)).isEqualTo("Fetched");
    }

    /**
     * A work item with a control row in the given state, claimed (or last changed) at the given time; in one
     * transaction, so the publisher never sees the work item without its control row.
     */
    private static long control(Shard shard, String state, String at, int attempts) {
        return shard.tx().execute(tx -> {
            long id = SourceRows.insert(shard, ItemType.PAYMENT);
            shard.jdbc().update("INSERT INTO DataPumpControl (DataPumpRecordId, ItemType, State, ClaimToken,"
                    + " ProcessorId, ClaimedAt, StateChangedAt, Attempts, CreatedAt) VALUES (:id, 'Payment', :state,"
                    + " :token, 'dead-pod', " + at + ", " + at + ", :attempts, CURRENT_TIMESTAMP)",
                    Map.of("id", id, "state", state, "token", "token-" + id, "attempts", attempts));
            return id;
        });
    }
}
