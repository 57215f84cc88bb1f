package io.datapump.shard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.datapump.sql.SqlFiles;

/**
 * Whether a shard's sessions run at an isolation level the pump's statements can rely on. Claims and state changes
 * are conditional updates ({@code UPDATE … WHERE State = …}) that count on a writer blocking another writer of the
 * same row until it commits, and then seeing the committed row. Read committed does that, with locks or with row
 * versions (SQL Server's READ_COMMITTED_SNAPSHOT: the rows to update are still found by a blocking scan under update
 * locks); so do repeatable read and serializable. SNAPSHOT does not: a second writer fails with an update conflict
 * (error 3960) instead of waiting, and read uncommitted sees rows that may be rolled back. A shard whose sessions run
 * at either is kept out of service with the reason.
 */
public final class ShardIsolation {

    /** mssql-jdbc's {@code SQLServerConnection.TRANSACTION_SNAPSHOT}. */
    static final int JDBC_SNAPSHOT = 4096;
    static final int SQL_SERVER_SNAPSHOT = 5;
    static final int SQL_SERVER_READ_UNCOMMITTED = 1;

    private ShardIsolation() {
    }

    /** Why the connection's isolation cannot be used, or null when it can. */
    public static String problem(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        if (product != null && product.contains("SQL Server")) {
            try (PreparedStatement s = connection.prepareStatement(SqlFiles.get("sqlserver/session-isolation"));
                 ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return sqlServerProblem(rs.getInt("IsolationLevel"));
                }
            }
        }
        return jdbcProblem(connection.getTransactionIsolation());
    }

    /** From SQL Server's own report of the session (sys.dm_exec_sessions.transaction_isolation_level). */
    static String sqlServerProblem(int level) {
        return switch (level) {
            case SQL_SERVER_SNAPSHOT -> "its sessions run at SNAPSHOT isolation: a second writer of a row fails with "
                    + "an update conflict instead of waiting, which the conditional updates of claims and state "
                    + "changes rely on; use READ COMMITTED (READ_COMMITTED_SNAPSHOT may stay on)";
            case SQL_SERVER_READ_UNCOMMITTED -> "its sessions run at READ UNCOMMITTED: claims could see rows that are "
                    + "rolled back; use READ COMMITTED";
            default -> null;
        };
    }

    /** From the JDBC driver's view of the connection. */
    static String jdbcProblem(int level) {
        if (level == JDBC_SNAPSHOT) {
            return sqlServerProblem(SQL_SERVER_SNAPSHOT);
        }
        if (level == Connection.TRANSACTION_READ_UNCOMMITTED) {
            return sqlServerProblem(SQL_SERVER_READ_UNCOMMITTED);
        }
        return null;
    }
}
