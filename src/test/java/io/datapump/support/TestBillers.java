package io.datapump.support;

import java.nio.file.Path;
import java.util.UUID;

import io.datapump.local.LocalSetup;
import io.datapump.shard.ShardMigrations;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Writes a local biller list and a fresh data folder into a Spring test context's properties. */
public final class TestBillers {

    private final DynamicPropertyRegistry registry;
    private int index;

    private TestBillers(DynamicPropertyRegistry registry) {
        this.registry = registry;
    }

    /** A new, empty data folder under target/ for one test context (broker journal, registry, shards). */
    public static Path freshDataDir() {
        return Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();
    }

    public static TestBillers into(DynamicPropertyRegistry registry) {
        return new TestBillers(registry);
    }

    /** Adds a biller whose CIS is the stub. */
    public TestBillers biller(String id, boolean demo, boolean enabled, int payments, int paperless, CisStub cis) {
        return biller(id, demo, enabled, false, payments, paperless, cis);
    }

    /** Adds a biller whose CIS is the stub, paused by an operator from the start. */
    public TestBillers pausedBiller(String id, int payments, int paperless, CisStub cis) {
        return biller(id, false, true, true, payments, paperless, cis);
    }

    private TestBillers biller(String id, boolean demo, boolean enabled, boolean paused, int payments, int paperless,
                               CisStub cis) {
        String p = "datapump.local.billers[" + index++ + "].";
        registry.add(p + "paused", () -> paused);
        registry.add(p + "id", () -> id);
        registry.add(p + "name", () -> "Test biller " + id);
        registry.add(p + "demo", () -> demo);
        registry.add(p + "enabled", () -> enabled);
        registry.add(p + "cis-base-url", () -> cis.baseUrl(id));
        registry.add(p + "items.payment", () -> payments);
        registry.add(p + "items.paperless-registration", () -> paperless);
        return this;
    }

    /** Puts the biller added last in direct mode: its sources publish item messages, the publisher skips it. */
    public TestBillers direct() {
        registry.add("datapump.local.billers[" + (index - 1) + "].mode", () -> "direct");
        return this;
    }

    /** Gives the biller added last its own shard database at {@code jdbcUrl} (e.g. on a server the test stops). */
    public TestBillers shardUrl(String jdbcUrl) {
        registry.add("datapump.local.billers[" + (index - 1) + "].shard-url", () -> jdbcUrl);
        return this;
    }

    /** A new H2 shard file with the source tables (its source applications' part), not yet the pump's. */
    public static String newShard(String name) {
        String url = "jdbc:h2:file:" + TestBillers.freshDataDir().resolve("shards").resolve(name)
                + LocalSetup.H2_OPTIONS;
        ShardMigrations.migrateSourceTables(new DriverManagerDataSource(url, "sa", ""));
        return url;
    }

    /** How many of the pump's tables the shard has. */
    public static int pumpTables(String shardUrl) {
        Integer n = new JdbcTemplate(new DriverManagerDataSource(shardUrl, "sa", "")).queryForObject(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME IN ('DataPumpControl', "
                        + "'DataPumpAttempt', '" + ShardMigrations.PUMP_HISTORY_TABLE + "')", Integer.class);
        return n == null ? 0 : n;
    }
}
