package io.datapump.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLSyntaxErrorException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.datapump.sql.SqlFiles;

import org.junit.jupiter.api.Test;

/**
 * SQL Server takes at most 2,100 parameters in a statement: every shard connection refuses a statement with more,
 * on H2 too, and value lists are bound in chunks that stay below it (no Spring, no database).
 */
class ParameterLimitTest {

    @Test
    void aStatementWithMoreParametersThanSqlServerTakesIsRefusedWithTheReason() {
        String sql = "SELECT 1 FROM DataPumpControl WHERE DataPumpRecordId IN (" + placeholders(2_101) + ")";

        assertThatThrownBy(() -> CountingConnection.refuseTooManyParameters(sql))
                .isInstanceOf(SQLSyntaxErrorException.class)
                .hasMessageContaining("2101 parameters").hasMessageContaining("at most 2100");
    }

    @Test
    void placeholdersInQuotedTextAndCommentsDoNotCount() {
        String sql = "-- why? " + "?".repeat(3_000) + "\nSELECT '" + "?".repeat(3_000) + "' AS q WHERE Id IN ("
                + placeholders(2_100) + ")";

        assertThat(CountingConnection.parameters(sql)).isEqualTo(2_100);
        assertThatNoException().isThrownBy(() -> CountingConnection.refuseTooManyParameters(sql));
    }

    @Test
    void longValueListsAreBoundInChunksBelowTheLimit() {
        List<Long> ids = LongStream.rangeClosed(1, 2_500).boxed().toList();

        List<List<Long>> chunks = SqlFiles.inListChunks(ids);

        assertThat(chunks).extracting(List::size).containsExactly(1_000, 1_000, 500);
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(ids);
        assertThat(SqlFiles.inListChunks(List.of(7L))).containsExactly(List.of(7L));
        assertThat(SqlFiles.inListChunks(List.of())).isEmpty();
    }

    private static String placeholders(int n) {
        return IntStream.range(0, n).mapToObj(i -> "?").collect(Collectors.joining(", "));
    }
}
