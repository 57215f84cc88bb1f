package io.datapump.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A JDBC driver for H2 databases whose connection can break just after the database did what it was asked, before
 * its answer arrives: the write is made, the caller gets a connection failure. That is what a network cut or a
 * server crash at the wrong moment does, and the one failure a retry must not take for "nothing happened".
 * <p>
 * URLs are {@code jdbc:lost-answer:h2:…}, anything else {@code jdbc:h2:…} takes. {@link #loseNext} arms it: the next
 * autocommitted statement whose SQL contains the text runs and loses its answer; inside a transaction, the
 * transaction's commit does.
 */
public final class LostAnswers implements Driver {

    public static final String PREFIX = "jdbc:lost-answer:";

    private static final LostAnswers DRIVER = new LostAnswers();
    private static final AtomicReference<String> ARMED = new AtomicReference<>();
    private static final AtomicInteger LOST = new AtomicInteger();

    static {
        try {
            DriverManager.registerDriver(DRIVER);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LostAnswers() {
    }

    /** The URL of an H2 database reached through this driver. */
    public static String url(String h2Url) {
        if (!h2Url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("an H2 URL: " + h2Url);
        }
        return PREFIX + h2Url.substring("jdbc:".length());
    }

    /** The next statement whose SQL contains {@code sqlText} is made, and its answer is lost. */
    public static void loseNext(String sqlText) {
        ARMED.set(sqlText);
    }

    /** How many answers were lost so far. */
    public static int lost() {
        return LOST.get();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Connection h2 = DriverManager.getConnection("jdbc:" + url.substring(PREFIX.length()), info);
        return (Connection) Proxy.newProxyInstance(LostAnswers.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new ConnectionHandler(h2));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    /** Whether the statement is the armed one (disarming it: each arming loses one answer). */
    private static boolean takeArmed(String sql) {
        String armed = ARMED.get();
        return armed != null && sql != null && sql.contains(armed) && ARMED.compareAndSet(armed, null);
    }

    private static SQLException lose(Connection h2) throws SQLException {
        h2.close();
        LOST.incrementAndGet();
        return new SQLNonTransientConnectionException("the connection broke before the answer arrived", "08006");
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static final class ConnectionHandler implements InvocationHandler {
        private final Connection h2;
        /** A statement of the open transaction was the armed one: its commit loses the answer. */
        private boolean loseCommit;

        ConnectionHandler(Connection h2) {
            this.h2 = h2;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "prepareStatement" -> {
                    PreparedStatement statement = (PreparedStatement) call(h2, method, args);
                    String sql = (String) args[0];
                    return Proxy.newProxyInstance(LostAnswers.class.getClassLoader(),
                            new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                                boolean executes = m.getName().startsWith("execute") && (a == null || a.length == 0);
                                if (executes && takeArmed(sql)) {
                                    if (!h2.getAutoCommit()) {
                                        loseCommit = true;
                                        return call(statement, m, a);
                                    }
                                    call(statement, m, a);
                                    throw lose(h2);
                                }
                                return call(statement, m, a);
                            });
                }
                case "commit" -> {
                    if (loseCommit) {
                        loseCommit = false;
                        h2.commit();
                        throw lose(h2);
                    }
                    return call(h2, method, args);
                }
                case "rollback" -> {
                    loseCommit = false;
                    return call(h2, method, args);
                }
                default -> {
                    return call(h2, method, args);
                }
            }
        }
    }
}
