package io.datapump.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Every time the pump writes or compares in a database is UTC: the statements take "now" from
 * {@code SYSUTCDATETIME()} (SQL Server's UTC clock, whatever the server's time zone) and the JVM runs in UTC
 * ({@code DataPumpApplication}), so a DATETIME2 means the same instant to the database and to Java. H2 has no
 * {@code SYSUTCDATETIME()}: before Flyway migrates an H2 database (a local or test shard, the local registry) this
 * callback defines it there as {@link #now()}, or, on an H2 server whose JVM lacks the pump's classes, as the JDK's
 * {@code Instant.now}, which H2 stores in the session's time zone: the pump's sessions are UTC.
 */
public final class UtcClock implements Callback {

    /** The UTC wall-clock time, as SQL Server's SYSUTCDATETIME() returns it. */
    public static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            defineOnH2(context.getConnection());
        } catch (SQLException e) {
            throw new IllegalStateException("could not define SYSUTCDATETIME() on H2", e);
        }
    }

    @Override
    public String getCallbackName() {
        return "utc-clock";
    }

    /** Defines SYSUTCDATETIME() on an H2 database; does nothing on any other. */
    public static void defineOnH2(Connection connection) throws SQLException {
        if (!"H2".equals(connection.getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            try {
                s.execute("CREATE ALIAS IF NOT EXISTS SYSUTCDATETIME FOR '" + UtcClock.class.getName() + ".now'");
            } catch (SQLException noPumpClasses) {
                // the database runs in a JVM without the pump's classes (a separate H2 server): the JDK's clock,
                // stored in the session's time zone, which is the connecting pump's, UTC
                s.execute("CREATE ALIAS IF NOT EXISTS SYSUTCDATETIME FOR 'java.time.Instant.now'");
            }
        }
    }
}
