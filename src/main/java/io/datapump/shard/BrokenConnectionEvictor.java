package io.datapump.shard;

import java.sql.SQLException;
import java.util.Set;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * Tells Hikari to throw away a pooled connection whose database went away. Hikari recognises broken connections by
 * SQLState 08xxx (what mssql-jdbc reports); H2 reports a dead server or closed database with its own codes, which
 * would otherwise keep a dead connection in the pool after the database is back. Used by the shard pools and the
 * registry pool (spring.datasource.hikari.exception-override-class-name).
 */
public class BrokenConnectionEvictor implements SQLExceptionOverride {

    /** H2: CONNECTION_BROKEN_1, DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN. */
    private static final Set<Integer> H2_CONNECTION_GONE = Set.of(90067, 90098, 90121);

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (H2_CONNECTION_GONE.contains(s.getErrorCode())) {
                return SQLExceptionOverride.Override.MUST_EVICT;
            }
        }
        return SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
}
