package io.datapump.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.datapump.DataPumpProperties;
import io.datapump.failure.ShardUnavailableException;
import io.datapump.local.LocalSetup;
import io.datapump.local.SourceRows;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.support.Ports;
import io.datapump.support.TestBillers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** Shard pools on a real H2 shard: closed when idle, reopened by the next use, never under a running statement. */
class ShardPoolsTest {

    ShardDataSources shards;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Biller biller;

    @BeforeEach
    void createShard() {
        DataPumpProperties properties = new DataPumpProperties();
        properties.getShards().setIdlePoolTimeout(Duration.ofMillis(400));
        biller = new Biller("pools", "Pools", Lane.PRODUCTION, true, false,
                "jdbc:h2:file:" + TestBillers.freshDataDir().resolve("pools") + LocalSetup.H2_OPTIONS, "http://unused");
        shards = new ShardDataSources(properties, meters);
        ShardMigrations.migrateSourceTables(shards.dataSource(biller));
        ShardMigrations.migratePumpTables(shards.dataSource(biller));
    }

    @AfterEach
    void close() {
        shards.destroy();
    }

    @Test
    void poolIdlePastTheTimeoutIsClosedAndTheShardStillWorksAfterwards() {
        // given: a shard used once, holding a work item
        Shard shard = shards.forBiller(biller);
        SourceRows.insertWorkItem(shard, "Payment", 1L);
        assertThat(shards.poolOpen("pools")).isTrue();

        // when: nobody uses it for longer than the idle-pool timeout
        await().atMost(Duration.ofSeconds(10)).until(() -> !shards.poolOpen("pools"));

        // then: it is closed, and the same Shard (held since before) opens it again on its next use
        assertThat(shards.openPools()).isZero();
        Long items = shard.jdbc().queryForObject("SELECT COUNT(*) FROM DataPumpRecord", Map.of(), Long.class);
        assertThat(items).isEqualTo(1L);
        assertThat(shards.poolOpen("pools")).isTrue();
        assertThat(shards.forBiller(biller).jdbc().queryForObject("SELECT COUNT(*) FROM DataPumpRecord", Map.of(),
                Long.class)).isEqualTo(1L);
    }

    @Test
    void poolWithAConnectionOutIsNotClosedWhateverItsIdleTime() throws Exception {
        // given: a connection taken out of the shard's pool
        try (Connection connection = shards.dataSource(biller).getConnection()) {

            // when: it stays out for well past the idle-pool timeout
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> shards.poolOpen("pools"));

            // then: it still works
            try (ResultSet rs = connection.createStatement().executeQuery("SELECT COUNT(*) FROM DataPumpControl")) {
                assertThat(rs.next()).isTrue();
            }
        }
        // and once it is back, the pool closes when idle
        await().atMost(Duration.ofSeconds(10)).until(() -> !shards.poolOpen("pools"));
    }

    @Test
    void everyStatementOnAShardIsCountedPerBiller() {
        // given: the counter as it stands after set-up
        double before = statements();
        Shard shard = shards.forBiller(biller);

        // when: three statements run, one of them a batch of two rows
        shard.jdbc().queryForObject("SELECT COUNT(*) FROM DataPumpRecord", Map.of(), Long.class);
        shard.jdbc().update("UPDATE DataPumpClaimLock SET LastClaimAt = CURRENT_TIMESTAMP", Map.of());
        shard.jdbc().getJdbcTemplate().batchUpdate(
                "INSERT INTO DataPumpRecord (ItemType, SourceId, CreatedAt) VALUES ('Payment', 1, CURRENT_TIMESTAMP)",
                "INSERT INTO DataPumpRecord (ItemType, SourceId, CreatedAt) VALUES ('Payment', 2, CURRENT_TIMESTAMP)");

        // then: the biller's counter grew by three round trips
        assertThat(statements() - before).isEqualTo(3.0);
    }

    @Test
    void aStatementRunningPastTheQueryTimeoutIsCancelled() {
        // given: a shard whose statements may run for one second
        DataPumpProperties properties = new DataPumpProperties();
        properties.getShards().setQueryTimeout(Duration.ofSeconds(1));
        ShardDataSources timed = new ShardDataSources(properties, meters);
        try {
            Shard shard = timed.forBiller(biller);

            // when: a query needs far longer than that
            long started = System.nanoTime();
            org.assertj.core.api.ThrowableAssert.ThrowingCallable slow = () -> shard.jdbc().queryForObject(
                    "SELECT SUM(a.X * b.X) FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b", Map.of(),
                    Long.class);

            // then: it is cancelled after about the timeout, as a query timeout the failure handling knows
            org.assertj.core.api.Assertions.assertThatThrownBy(slow)
                    .isInstanceOf(org.springframework.dao.QueryTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            timed.destroy();
        }
    }

    @Test
    void theQueryTimeoutIsAConnectionSettingOfTheDriversThatHaveOne() {
        assertThat(ShardDataSources.queryTimeoutSetting("jdbc:sqlserver://db:1433;databaseName=b", Duration.ofSeconds(30)))
                .isEqualTo(Map.entry("queryTimeout", "30"));
        assertThat(ShardDataSources.queryTimeoutSetting("jdbc:h2:file:./b", Duration.ofSeconds(30)))
                .isEqualTo(Map.entry("QUERY_TIMEOUT", "30000"));
        assertThat(ShardDataSources.queryTimeoutSetting("jdbc:postgresql://db/b", Duration.ofSeconds(30))).isNull();
    }

    @Test
    void shardConnectionsStayWithinTheBudgetTheLeastRecentlyUsedIdleOnesMakingRoom() throws Exception {
        // given: a budget of two connections for the whole process and three shards, each used once and left idle
        DataPumpProperties properties = new DataPumpProperties();
        properties.getShards().setConnectionBudget(2);
        properties.getShards().setConnectionTimeout(Duration.ofSeconds(3));
        // meters of its own: the gauge follows the first ShardDataSources registered with a registry
        SimpleMeterRegistry ownMeters = new SimpleMeterRegistry();
        ShardDataSources budgeted = new ShardDataSources(properties, ownMeters);
        try {
            java.util.List<Biller> three = java.util.stream.IntStream.rangeClosed(1, 3).mapToObj(i -> new Biller(
                    "budget-" + i, "Budget " + i, Lane.PRODUCTION, true, false, "jdbc:h2:file:"
                    + TestBillers.freshDataDir().resolve("budget-" + i) + LocalSetup.H2_OPTIONS, "http://unused"))
                    .toList();

            // when: each shard runs a statement in turn, twice round
            for (int round = 0; round < 2; round++) {
                for (Biller b : three) {
                    assertThat(budgeted.forBiller(b).jdbc().queryForObject("SELECT 1", Map.of(), Integer.class))
                            .isEqualTo(1);
                }
            }

            // then: every statement ran, and never were more than two connections open
            assertThat(budgeted.peakConnections()).isEqualTo(2);
            assertThat(budgeted.openConnections()).isLessThanOrEqualTo(2);
            assertThat(ownMeters.get(ShardDataSources.CONNECTIONS_METRIC).gauge().value()).isLessThanOrEqualTo(2);
        } finally {
            budgeted.destroy();
        }
    }

    @Test
    void aShardWaitingForAFullBudgetIsBusyNotUnreachable() throws Exception {
        // given: a budget of one connection, held by another shard's transaction
        DataPumpProperties properties = new DataPumpProperties();
        properties.getShards().setConnectionBudget(1);
        properties.getShards().setConnectionTimeout(Duration.ofMillis(500));
        ShardDataSources budgeted = new ShardDataSources(properties, meters);
        Biller other = new Biller("budget-held", "Held", Lane.PRODUCTION, true, false, "jdbc:h2:file:"
                + TestBillers.freshDataDir().resolve("budget-held") + LocalSetup.H2_OPTIONS, "http://unused");
        try (Connection held = budgeted.dataSource(other).getConnection()) {
            assertThat(held.isValid(1)).isTrue();

            // when: the first shard needs a connection
            org.assertj.core.api.ThrowableAssert.ThrowingCallable query = () -> budgeted.forBiller(biller).jdbc()
                    .queryForObject("SELECT 1", Map.of(), Integer.class);

            // then: it fails after the connection timeout as a busy shard, and is not put in the unreachable back-off
            org.assertj.core.api.Assertions.assertThatThrownBy(query)
                    .isInstanceOf(org.springframework.jdbc.CannotGetJdbcConnectionException.class);
            assertThat(budgeted.unavailable(biller.id())).isFalse();
            // and once the other shard's connection is back and idle, it makes room
            held.close();
            assertThat(budgeted.forBiller(biller).jdbc().queryForObject("SELECT 1", Map.of(), Integer.class))
                    .isEqualTo(1);
            assertThat(budgeted.peakConnections()).isEqualTo(1);
        } finally {
            budgeted.destroy();
        }
    }

    @Test
    void anUnreachableShardRefusesAtOnceDuringItsBackOffAndAfterItOneCallerProbesWhileTheOthersAreDeferred()
            throws Exception {
        // given: a biller whose shard server is not running (H2's client keeps retrying the connect for longer than
        // the connection timeout, as a host that drops packets would), tried once through a Shard held since before,
        // as an exchange holds it through its quick retries: the try waits connection-timeout and starts the back-off
        DataPumpProperties properties = new DataPumpProperties();
        properties.getShards().setUnavailableBackoff(Duration.ofSeconds(2));
        properties.getShards().setConnectionTimeout(Duration.ofSeconds(1));
        ShardDataSources down = new ShardDataSources(properties, meters);
        Biller gone = new Biller("gone", "Gone", Lane.PRODUCTION, true, false, "jdbc:h2:tcp://127.0.0.1:"
                + Ports.free() + "/gone;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE", "http://unused");
        try {
            Shard held = down.forBiller(gone);
            assertThatThrownBy(() -> one(held)).isInstanceOf(CannotGetJdbcConnectionException.class);
            assertThat(down.unavailable("gone")).isTrue();

            // when: the held Shard is used again during the back-off
            // then: it is refused at once, as a deferral, without trying the server
            assertThatThrownBy(() -> one(held)).isInstanceOf(ShardUnavailableException.class);

            // when: the back-off has run out and four callers use the shard at the same moment
            await().atMost(Duration.ofSeconds(10)).until(() -> !down.unavailable("gone"));
            ExecutorService callers = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Throwable>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(callers.submit(() -> {
                    start.await();
                    try {
                        one(held);
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Class<?>> outcomes = new ArrayList<>();
            for (Future<Throwable> call : calls) {
                outcomes.add(call.get(10, TimeUnit.SECONDS).getClass());
            }
            callers.shutdown();

            // then: one of them tried the server (and failed, starting the next back-off); the others were deferred
            assertThat(outcomes).filteredOn(CannotGetJdbcConnectionException.class::equals).hasSize(1);
            assertThat(outcomes).filteredOn(ShardUnavailableException.class::equals).hasSize(3);
            assertThat(down.unavailable("gone")).isTrue();
        } finally {
            down.destroy();
        }
    }

    private static Integer one(Shard shard) {
        return shard.jdbc().queryForObject("SELECT 1", Map.of(), Integer.class);
    }

    @Test
    void aShardWhoseSessionsCannotBeReliedOnIsKeptOutOfServiceWithTheReasonUntilItIsFixed() {
        // given: a shard whose sessions start at READ UNCOMMITTED (SNAPSHOT on SQL Server is refused the same way)
        DataPumpProperties properties = new DataPumpProperties();
        properties.getShards().setUnavailableBackoff(Duration.ofMillis(300));
        ShardDataSources checked = new ShardDataSources(properties, meters);
        String url = "jdbc:h2:file:" + TestBillers.freshDataDir().resolve("loose") + LocalSetup.H2_OPTIONS;
        Biller loose = new Biller("loose", "Loose", Lane.PRODUCTION, true, false,
                url + ";INIT=SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
                "http://unused");
        try {
            // when: the pump first uses it
            org.assertj.core.api.ThrowableAssert.ThrowingCallable query = () -> checked.forBiller(loose).jdbc()
                    .queryForObject("SELECT 1", Map.of(), Integer.class);

            // then: refused as a deferral with the reason, and kept out without connecting again
            org.assertj.core.api.Assertions.assertThatThrownBy(query)
                    .isInstanceOf(io.datapump.failure.ShardMisconfiguredException.class)
                    .hasMessageContaining("READ UNCOMMITTED").hasMessageContaining("loose");
            assertThat(checked.refusal("loose")).contains("READ UNCOMMITTED");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> checked.forBiller(loose))
                    .isInstanceOf(io.datapump.failure.ShardMisconfiguredException.class);
            assertThat(checked.poolOpen("loose")).isFalse();

            // when: its sessions are fixed (read committed), after the back-off it is checked again and served
            Biller fixed = new Biller("loose", "Loose", Lane.PRODUCTION, true, false, url, "http://unused");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                    checked.forBiller(fixed).jdbc().queryForObject("SELECT 1", Map.of(), Integer.class) == 1);
            assertThat(checked.refusal("loose")).isNull();
        } finally {
            checked.destroy();
        }
    }

    @Test
    void readCommittedAndStricterAreAcceptedSnapshotAndReadUncommittedAreNot() {
        assertThat(ShardIsolation.jdbcProblem(Connection.TRANSACTION_READ_COMMITTED)).isNull();
        assertThat(ShardIsolation.jdbcProblem(Connection.TRANSACTION_REPEATABLE_READ)).isNull();
        assertThat(ShardIsolation.jdbcProblem(Connection.TRANSACTION_SERIALIZABLE)).isNull();
        assertThat(ShardIsolation.jdbcProblem(ShardIsolation.JDBC_SNAPSHOT)).contains("SNAPSHOT");
        assertThat(ShardIsolation.jdbcProblem(Connection.TRANSACTION_READ_UNCOMMITTED)).contains("READ UNCOMMITTED");
        // SQL Server's own report of a session (sys.dm_exec_sessions): 2 read committed, 5 snapshot
        assertThat(ShardIsolation.sqlServerProblem(2)).isNull();
        assertThat(ShardIsolation.sqlServerProblem(5)).contains("update conflict");
    }

    private double statements() {
        return meters.get(ShardDataSources.STATEMENTS_METRIC).tag("biller", "pools").counter().count();
    }
}
