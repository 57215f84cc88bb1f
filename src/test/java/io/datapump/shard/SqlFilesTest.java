package io.datapump.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.datapump.DataPumpProperties;
import io.datapump.local.LocalSetup;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.sql.SqlFiles;
import io.datapump.support.TestBillers;

import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every statement the pump runs in production is T-SQL that SQL Server can parse (JSqlParser), and runs on H2 in
 * MSSQLServer mode against the migrated schema. Each SQL file is executed once, in a transaction that is rolled back.
 */
class SqlFilesTest {

    static final Path RESOURCES = Path.of("src", "main", "resources");
    static final Pattern PARAMETER = Pattern.compile(":#(\\w+)");

    static ShardDataSources shards;
    static NamedParameterJdbcTemplate shard;
    static TransactionTemplate shardTx;
    static NamedParameterJdbcTemplate registry;
    static TransactionTemplate registryTx;

    @BeforeAll
    static void migrate() {
        Path dir = TestBillers.freshDataDir();
        shards = new ShardDataSources(new DataPumpProperties());
        DataSource shardDs = shards.dataSource(database("sql", dir));
        ShardMigrations.migrateSourceTables(shardDs);
        ShardMigrations.migratePumpTables(shardDs);
        shard = new NamedParameterJdbcTemplate(shardDs);
        shardTx = new TransactionTemplate(new DataSourceTransactionManager(shardDs));
        DataSource registryDs = shards.dataSource(database("registry", dir));
        Flyway.configure().dataSource(registryDs).locations("classpath:db/registry")
                .callbacks(new io.datapump.sql.UtcClock()).load().migrate();
        registry = new NamedParameterJdbcTemplate(registryDs);
        registryTx = new TransactionTemplate(new DataSourceTransactionManager(registryDs));
    }

    @AfterAll
    static void close() {
        shards.destroy();
    }

    static Stream<Path> statementFiles() throws IOException {
        return sqlUnder(RESOURCES.resolve("sql"));
    }

    static Stream<Path> migrations() throws IOException {
        return sqlUnder(RESOURCES.resolve("db"));
    }

    @ParameterizedTest
    @MethodSource("migrations")
    void migrationParsesAsTSql(Path file) throws IOException {
        String withoutComments = read(file).replaceAll("(?m)--.*$", "");
        for (String chunk : withoutComments.split(";")) {
            // (JSqlParser reads a run of blank lines as a statement separator)
            String statement = chunk.strip().replaceAll("\\n\\s*\\n", "\n");
            if (!statement.isBlank()) {
                assertThatCode(() -> CCJSqlParserUtil.parse(statement)).as(file + ": " + statement)
                        .doesNotThrowAnyException();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("statementFiles")
    void statementParsesAsTSqlAndRunsOnH2(Path file) throws IOException {
        // given: the statement, its :#named parameters as JDBC named parameters
        String sql = read(file);
        assertThatCode(() -> CCJSqlParserUtil.parse(PARAMETER.matcher(sql).replaceAll(":$1")))
                .as(file.toString()).doesNotThrowAnyException();

        // when / then: it runs against the migrated schema (and is rolled back)
        String name = RESOURCES.resolve("sql").relativize(file).toString().replace(".sql", "");
        if (name.startsWith("sqlserver/")) {
            return; // SQL Server's catalog views, which H2 does not have: parsed as T-SQL above, not run here
        }
        boolean onRegistry = name.startsWith("registry/") || name.contains("biller");
        NamedParameterJdbcTemplate jdbc = onRegistry ? registry : shard;
        String runnable = SqlFiles.get(name);
        boolean query = runnable.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--"))
                .findFirst().orElse("").toUpperCase().startsWith("SELECT");
        Map<String, Object> params = sampleParameters(sql);
        (onRegistry ? registryTx : shardTx).executeWithoutResult(status -> {
            if (!onRegistry) {
                // rows the statement may refer to (foreign keys), inside the same rolled-back transaction
                org.springframework.jdbc.support.GeneratedKeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
                shard.update("INSERT INTO Customer (FirstName, LastName, CreatedAt) VALUES ('a', 'b', CURRENT_TIMESTAMP)",
                        new org.springframework.jdbc.core.namedparam.MapSqlParameterSource(), keys, new String[] {"CustomerId"});
                params.replace("customerId", keys.getKey().longValue());
                shard.update("INSERT INTO Account (CustomerId, AccountNumber, CreatedAt) VALUES (:c, '1', CURRENT_TIMESTAMP)",
                        new org.springframework.jdbc.core.namedparam.MapSqlParameterSource("c", keys.getKey()), keys,
                        new String[] {"AccountId"});
                params.replace("accountId", keys.getKey().longValue());
            }
            if (query) {
                jdbc.queryForList(runnable, params);
            } else {
                jdbc.update(runnable, params);
            }
            status.setRollbackOnly();
        });
    }

    @ParameterizedTest
    @MethodSource("statementFiles")
    void statementTakesValuesOnlyAsNamedParameters(Path file) throws IOException {
        assertThat(read(file)).doesNotContain("${").doesNotContain("' +").doesNotContain("+ '")
                .doesNotContain("{{");
    }

    /**
     * JSqlParser accepts several dialects, so constructs SQL Server lacks (or that H2's MSSQLServer mode lacks, which
     * the tests would then not run) are refused by name. "Now" is always SYSUTCDATETIME() (UTC on SQL Server whatever
     * the server's time zone; defined on H2 by {@code UtcClock}): CURRENT_TIMESTAMP and GETDATE() are the server's
     * local time.
     */
    @ParameterizedTest
    @MethodSource("allSql")
    void sqlStaysInThePortableTSqlSubset(Path file) throws IOException {
        String code = PARAMETER.matcher(read(file).replaceAll("(?m)--.*$", "")).replaceAll("?").toUpperCase();
        for (String forbidden : List.of("\\bLIMIT\\b", "\\bRETURNING\\b", "\\bON CONFLICT\\b", "\\bILIKE\\b",
                "::", "\\bNOW\\(", "\\|\\|", "\\bBOOLEAN\\b", "\\bOUTPUT\\b", "^\\s*GO\\s*$",
                "\\bCURRENT_TIMESTAMP\\b", "\\bGETDATE\\b", "\\bSYSDATETIME\\b", "\\bDATETIMEOFFSET\\b", "\\bINCLUDE\\s*\\(", "\\bSERIAL\\b",
                "\\bAUTO_INCREMENT\\b", "\\bTEXT\\b")) {
            assertThat(Pattern.compile(forbidden, Pattern.MULTILINE).matcher(code).find())
                    .as(file + " uses " + forbidden).isFalse();
        }
    }

    static Stream<Path> allSql() throws IOException {
        return Stream.concat(statementFiles(), migrations());
    }

    private static Biller database(String name, Path dir) {
        return new Biller(name, name, Lane.PRODUCTION, true, false,
                "jdbc:h2:file:" + dir.resolve(name) + LocalSetup.H2_OPTIONS, "http://unused");
    }

    /** A plausible value for each parameter, by its name. */
    private static Map<String, Object> sampleParameters(String sql) {
        Map<String, Object> params = new HashMap<>();
        Matcher m = PARAMETER.matcher(sql);
        while (m.find()) {
            String p = m.group(1);
            params.put(p, switch (p) {
                case "recordIds" -> List.of(1L, 2L);
                case "ids" -> List.of("a", "b");
                case "canary", "cursorRecordId", "limit", "leaseSeconds", "timeoutSeconds", "beats", "durationMs", "rate", "selected", "replayed", "skipped", "httpStatus",
                     "recordId", "sourceId", "afterId", "customerId", "accountId", "chunk", "billersScanned",
                     "billersPublished", "billersSkipped", "itemsClaimed", "itemsQueued", "itemsFailed", "through", "lookback", "below" -> 1L;
                case "leaseMillis", "waitMillis", "holdMillis", "halfOpenCalls", "slotNo", "generation", "offset",
                     "cisMaxConcurrent" -> 1;
                case "tokens" -> List.of("a", "b");
                case "seenAt", "startedAt", "createdAt", "paidAt", "registeredAt", "cutoff", "failedFrom",
                     "failedTo", "since", "before" -> Timestamp.from(Instant.now());
                case "enabled", "paused", "enrolled", "continued" -> true;
                case "kind" -> "biller-batch";
                case "lane" -> "production";
                case "mode" -> "adapter";
                case "cisAuth" -> "api-key";
                case "state" -> "Processed";
                case "status" -> "Running";
                case "outcome" -> "Failed";
                case "amount" -> java.math.BigDecimal.TEN;
                case "currency" -> "USD";
                default -> "x";
            });
        }
        return params;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static Stream<Path> sqlUnder(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> p.toString().endsWith(".sql")).sorted().forEach(files::add);
        }
        return files.stream();
    }
}
