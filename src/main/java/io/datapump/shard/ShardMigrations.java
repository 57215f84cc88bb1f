package io.datapump.shard;

import javax.sql.DataSource;

import io.datapump.sql.UtcClock;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Versioned migrations of a shard database. The Data Pump's own tables (db/shard) go to every shard, production
 * included, and are tracked in DataPumpSchemaHistory. The source tables (db/shard-source) exist only for local and
 * demo shards, which have no source application to create them, and are tracked separately.
 */
public final class ShardMigrations {

    public static final String PUMP_HISTORY_TABLE = "DataPumpSchemaHistory";
    public static final String SOURCE_HISTORY_TABLE = "DemoSourceSchemaHistory";

    private ShardMigrations() {
    }

    /** Creates or upgrades the Data Pump's control and attempt-history tables. */
    public static MigrateResult migratePumpTables(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/shard")
                .table(PUMP_HISTORY_TABLE)
                .callbacks(new UtcClock())
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** Creates the source tables the existing applications own; for local and demo shards only. */
    public static MigrateResult migrateSourceTables(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/shard-source")
                .table(SOURCE_HISTORY_TABLE)
                .callbacks(new UtcClock())
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
