package io.datapump.shard;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pooled shard connection as handed out: counts every statement executed through it (execute, executeQuery,
 * executeUpdate, executeLargeUpdate, executeBatch; a batch counts once, as one round trip) and reports its close
 * exactly once, so the pool knows when no connection of it is out. A statement with more parameters than SQL Server
 * accepts (2,100) is refused here, on every database, so a test on H2 finds what would fail only in production.
 */
final class CountingConnection implements InvocationHandler {

    /** SQL Server's limit of parameters in one statement. */
    static final int MAX_PARAMETERS = 2100;

    private final Connection target;
    private final Runnable executed;
    private final Runnable closed;
    private final AtomicBoolean isClosed = new AtomicBoolean();

    private CountingConnection(Connection target, Runnable executed, Runnable closed) {
        this.target = target;
        this.executed = executed;
        this.closed = closed;
    }

    static Connection wrap(Connection target, Runnable executed, Runnable closed) {
        return (Connection) Proxy.newProxyInstance(CountingConnection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new CountingConnection(target, executed, closed));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if ("close".equals(name) && method.getParameterCount() == 0) {
            try {
                return call(target, method, args);
            } finally {
                if (isClosed.compareAndSet(false, true)) {
                    closed.run();
                }
            }
        }
        if ("unwrap".equals(name) && args != null && args[0] instanceof Class<?> c && c.isInstance(proxy)) {
            return proxy;
        }
        if ("isWrapperFor".equals(name) && args != null && args[0] instanceof Class<?> c && c.isInstance(proxy)) {
            return true;
        }
        if ("equals".equals(name) && method.getParameterCount() == 1) {
            return proxy == args[0];
        }
        if ("hashCode".equals(name) && method.getParameterCount() == 0) {
            return System.identityHashCode(proxy);
        }
        if (("prepareStatement".equals(name) || "prepareCall".equals(name)) && args != null
                && args[0] instanceof String sql) {
            refuseTooManyParameters(sql);
        }
        Object result = call(target, method, args);
        if (result instanceof Statement statement) {
            Class<?> type = result instanceof CallableStatement ? CallableStatement.class
                    : result instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
            return Proxy.newProxyInstance(CountingConnection.class.getClassLoader(), new Class<?>[] {type},
                    new CountingStatement(statement, (Connection) proxy));
        }
        return result;
    }

    /** Counts the '?' placeholders outside quoted text and comments. */
    static int parameters(String sql) {
        if (sql.length() <= MAX_PARAMETERS) {
            return -1; // too short to hold more than the limit: not worth counting
        }
        int count = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                i = end < 0 ? sql.length() : end;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end;
            } else if (c == '?') {
                count++;
            }
        }
        return count;
    }

    static void refuseTooManyParameters(String sql) throws java.sql.SQLException {
        int n = parameters(sql);
        if (n > MAX_PARAMETERS) {
            throw new java.sql.SQLSyntaxErrorException("A statement with " + n + " parameters was refused: SQL Server "
                    + "accepts at most " + MAX_PARAMETERS + " (split the value list): "
                    + sql.substring(0, Math.min(200, sql.length())));
        }
    }

    private final class CountingStatement implements InvocationHandler {
        private final Statement statement;
        private final Connection connection;

        CountingStatement(Statement statement, Connection connection) {
            this.statement = statement;
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.startsWith("execute")) {
                executed.run();
            } else if ("getConnection".equals(name)) {
                return connection;
            } else if ("equals".equals(name) && method.getParameterCount() == 1) {
                return proxy == args[0];
            } else if ("hashCode".equals(name) && method.getParameterCount() == 0) {
                return System.identityHashCode(proxy);
            }
            return call(statement, method, args);
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
