package io.datapump.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.UUID;

import javax.sql.DataSource;

import io.datapump.DataPumpProperties;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.CisRules;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.sql.UtcClock;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Onboarding in a profile like azure's (datapump.cis.require-https, datapump.cis.auth.required): the item consumer's
 * own rules refuse a plain http:// CIS URL or no authentication before the shard is touched, so the registry never
 * holds a biller the pump would not call.
 */
class OnboardingRulesTest {

    static final String H2 = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1";

    DataSource registryDb;
    String shardUrl;
    ShardDataSources shards;
    BillerSettings settings;

    @BeforeEach
    void azureLikeProfile() {
        DataPumpProperties properties = new DataPumpProperties();
        properties.getCis().setRequireHttps(true);
        properties.getCis().getAuth().setRequired(true);
        properties.getShards().setUsername("sa");
        registryDb = new DriverManagerDataSource("jdbc:h2:mem:registry-" + UUID.randomUUID() + H2, "sa", "");
        Flyway.configure().dataSource(registryDb).locations("classpath:db/registry").callbacks(new UtcClock())
                .load().migrate();
        shardUrl = "jdbc:h2:mem:shard-" + UUID.randomUUID() + H2;
        // the source applications' tables (DataPumpRecord…) are theirs: a shard to onboard has them already
        ShardMigrations.migrateSourceTables(new DriverManagerDataSource(shardUrl, "sa", ""));
        shards = new ShardDataSources(properties);
        settings = new BillerSettings(new NamedParameterJdbcTemplate(registryDb),
                new BillerRegistry(new JdbcTemplate(registryDb), properties), shards, new CisRules(properties));
    }

    @AfterEach
    void close() {
        shards.destroy();
    }

    @Test
    void aPlainHttpCisUrlOrNoAuthenticationIsRefusedWith400AndNeitherShardNorRegistryIsTouched() {
        // given: a biller with an http:// CIS, and one with https but no authentication
        BillerSettings.CisAuthChange apiKey = new BillerSettings.CisAuthChange("api-key", "azure-key", null, null,
                null, null);
        BillerSettings.NewBiller overHttp = new BillerSettings.NewBiller("azure-http", "Azure", "production",
                shardUrl, "http://cis.example/azure", apiKey, true, "adapter", null);
        BillerSettings.NewBiller noAuth = new BillerSettings.NewBiller("azure-none", "Azure", "production",
                shardUrl, "https://cis.example/azure", null, true, "adapter", null);

        // when
        ApiException http = catchThrowableOfType(ApiException.class, () -> settings.onboard(overHttp));
        ApiException none = catchThrowableOfType(ApiException.class, () -> settings.onboard(noAuth));

        // then: 400 with the rule that refused it; the shard has no pump tables, the registry no row
        assertThat(http.status().value()).isEqualTo(400);
        assertThat(http.getMessage()).contains("is not https://").contains("datapump.cis.require-https");
        assertThat(none.status().value()).isEqualTo(400);
        assertThat(none.getMessage()).contains("authentication is none").contains("datapump.cis.auth.required");
        assertThat(new JdbcTemplate(new DriverManagerDataSource(shardUrl, "sa", "")).queryForObject(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'DataPumpControl'", Integer.class))
                .isZero();
        assertThat(new JdbcTemplate(registryDb).queryForObject("SELECT COUNT(*) FROM Biller", Integer.class)).isZero();
    }

    @Test
    void anHttpsBillerWithCredentialsIsOnboardedWithItsOwnLimit() {
        // given
        BillerSettings.NewBiller good = new BillerSettings.NewBiller("azure-good", "Azure", "production", shardUrl,
                "https://cis.example/azure", new BillerSettings.CisAuthChange("api-key", "azure-key", null, null,
                null, null), false, "adapter", 4);

        // when
        settings.onboard(good);

        // then: the shard has the pump's tables and the registry the row, with its limit and the toggle off
        assertThat(new JdbcTemplate(new DriverManagerDataSource(shardUrl, "sa", "")).queryForObject(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'DataPumpControl'", Integer.class))
                .isEqualTo(1);
        assertThat(new JdbcTemplate(registryDb).queryForMap(
                "SELECT CisMaxConcurrent, DataPumpV2Enabled, Paused, CisAuth, CisSecretRef FROM Biller"))
                .containsEntry("CisMaxConcurrent", 4).containsEntry("DataPumpV2Enabled", false)
                .containsEntry("Paused", false).containsEntry("CisSecretRef", "azure-key");
    }

    @Test
    void aReachableShardWithoutTheSourceTablesIsRefusedWith422AndTheReasonAndNoRow() {
        // given: a database without the source applications' tables
        String bare = "jdbc:h2:mem:bare-" + UUID.randomUUID() + H2;
        BillerSettings.NewBiller biller = new BillerSettings.NewBiller("azure-bare", "Azure", "production", bare,
                "https://cis.example/azure", new BillerSettings.CisAuthChange("api-key", "azure-key", null, null,
                null, null), false, "adapter", null);

        // when
        ApiException refused = catchThrowableOfType(ApiException.class, () -> settings.onboard(biller));

        // then
        assertThat(refused.status().value()).isEqualTo(422);
        assertThat(refused.getMessage()).contains("could not be migrated").contains("DataPumpRecord")
                .contains("nothing was registered");
        assertThat(new JdbcTemplate(registryDb).queryForObject("SELECT COUNT(*) FROM Biller", Integer.class)).isZero();
    }
}
