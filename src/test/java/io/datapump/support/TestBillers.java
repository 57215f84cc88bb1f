package io.datapump.support;

import java.nio.file.Path;
import java.util.UUID;

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
}
