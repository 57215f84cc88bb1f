package io.datapump.roles;

import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;

/**
 * The {@code migrate} role (datapump.roles=migrate; k8s/jobs/migrate): applies the registry's migrations and the Data
 * Pump's shard migrations (control and attempt-history tables, never the source tables) to the shard of every biller
 * in the registry, then exits — 0 when every database is up to date, 1 otherwise. Production databases are migrated
 * only by this explicit run, never silently at pod start.
 */
@Component
@ConditionalOnProperty(name = "datapump.run.migrate", havingValue = "true")
public class MigrationRunner implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);

    private final DataSource registryDataSource;
    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final ConfigurableApplicationContext context;

    public MigrationRunner(DataSource registryDataSource, BillerRegistry registry, ShardDataSources shards,
                           ConfigurableApplicationContext context) {
        this.registryDataSource = registryDataSource;
        this.registry = registry;
        this.shards = shards;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        int exit = migrate();
        LOG.info("Migration run finished with exit code {}", exit);
        int code = SpringApplication.exit(context, (ExitCodeGenerator) () -> exit);
        System.exit(code);
    }

    /** Migrates the registry and every biller's shard; returns 0 when all succeeded. */
    public int migrate() {
        var registryResult = Flyway.configure().dataSource(registryDataSource).locations("classpath:db/registry")
                .callbacks(new io.datapump.sql.UtcClock()).connectRetries(10).load().migrate();
        LOG.info("Registry: {} migration(s) applied, now at version {}", registryResult.migrationsExecuted,
                registryResult.targetSchemaVersion);
        List<Biller> billers = registry.reload();
        int failed = 0;
        for (Biller biller : billers) {
            try {
                var result = ShardMigrations.migratePumpTables(shards.dataSource(biller));
                LOG.info("Shard of biller {}: {} migration(s) applied, now at version {}", biller.id(),
                        result.migrationsExecuted, result.targetSchemaVersion);
            } catch (RuntimeException e) {
                failed++;
                LOG.error("Shard of biller {} could not be migrated: {}", biller.id(), e.toString());
            }
        }
        LOG.info("Migrated the registry and {} of {} shard(s)", billers.size() - failed, billers.size());
        return failed == 0 ? 0 : 1;
    }
}
