package io.datapump.shard;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A physical shard connection as a pool holds it: every call goes straight to the driver's connection; closing or
 * aborting it gives its place in the {@link ConnectionBudget} back, once. Written out rather than a reflective proxy,
 * because every JDBC call of the pump passes through it (parameters p0, p1, ... as in {@link Connection}).
 */
final class BudgetedConnection implements Connection {

    private final Connection target;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    BudgetedConnection(Connection target, Runnable release) {
        this.target = target;
        this.release = release;
    }

    private void released() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            target.close();
        } finally {
            released();
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target.isWrapperFor(type);
    }

    @Override
    public Statement createStatement() throws SQLException {
        return target.createStatement();
    }

    @Override
    public PreparedStatement prepareStatement(String p0) throws SQLException {
        return target.prepareStatement(p0);
    }

    @Override
    public CallableStatement prepareCall(String p0) throws SQLException {
        return target.prepareCall(p0);
    }

    @Override
    public String nativeSQL(String p0) throws SQLException {
        return target.nativeSQL(p0);
    }

    @Override
    public void setAutoCommit(boolean p0) throws SQLException {
        target.setAutoCommit(p0);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return target.getAutoCommit();
    }

    @Override
    public void commit() throws SQLException {
        target.commit();
    }

    @Override
    public void rollback() throws SQLException {
        target.rollback();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return target.isClosed();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return target.getMetaData();
    }

    @Override
    public void setReadOnly(boolean p0) throws SQLException {
        target.setReadOnly(p0);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return target.isReadOnly();
    }

    @Override
    public void setCatalog(String p0) throws SQLException {
        target.setCatalog(p0);
    }

    @Override
    public String getCatalog() throws SQLException {
        return target.getCatalog();
    }

    @Override
    public void setTransactionIsolation(int p0) throws SQLException {
        target.setTransactionIsolation(p0);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return target.getTransactionIsolation();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return target.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        target.clearWarnings();
    }

    @Override
    public Statement createStatement(int p0, int p1) throws SQLException {
        return target.createStatement(p0, p1);
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int p1, int p2) throws SQLException {
        return target.prepareStatement(p0, p1, p2);
    }

    @Override
    public CallableStatement prepareCall(String p0, int p1, int p2) throws SQLException {
        return target.prepareCall(p0, p1, p2);
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return target.getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> p0) throws SQLException {
        target.setTypeMap(p0);
    }

    @Override
    public void setHoldability(int p0) throws SQLException {
        target.setHoldability(p0);
    }

    @Override
    public int getHoldability() throws SQLException {
        return target.getHoldability();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return target.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String p0) throws SQLException {
        return target.setSavepoint(p0);
    }

    @Override
    public void rollback(Savepoint p0) throws SQLException {
        target.rollback(p0);
    }

    @Override
    public void releaseSavepoint(Savepoint p0) throws SQLException {
        target.releaseSavepoint(p0);
    }

    @Override
    public Statement createStatement(int p0, int p1, int p2) throws SQLException {
        return target.createStatement(p0, p1, p2);
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int p1, int p2, int p3) throws SQLException {
        return target.prepareStatement(p0, p1, p2, p3);
    }

    @Override
    public CallableStatement prepareCall(String p0, int p1, int p2, int p3) throws SQLException {
        return target.prepareCall(p0, p1, p2, p3);
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int p1) throws SQLException {
        return target.prepareStatement(p0, p1);
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int[] p1) throws SQLException {
        return target.prepareStatement(p0, p1);
    }

    @Override
    public PreparedStatement prepareStatement(String p0, String[] p1) throws SQLException {
        return target.prepareStatement(p0, p1);
    }

    @Override
    public Clob createClob() throws SQLException {
        return target.createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return target.createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return target.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return target.createSQLXML();
    }

    @Override
    public boolean isValid(int p0) throws SQLException {
        return target.isValid(p0);
    }

    @Override
    public void setClientInfo(String p0, String p1) throws SQLClientInfoException {
        target.setClientInfo(p0, p1);
    }

    @Override
    public void setClientInfo(Properties p0) throws SQLClientInfoException {
        target.setClientInfo(p0);
    }

    @Override
    public String getClientInfo(String p0) throws SQLException {
        return target.getClientInfo(p0);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return target.getClientInfo();
    }

    @Override
    public Array createArrayOf(String p0, Object[] p1) throws SQLException {
        return target.createArrayOf(p0, p1);
    }

    @Override
    public Struct createStruct(String p0, Object[] p1) throws SQLException {
        return target.createStruct(p0, p1);
    }

    @Override
    public void setSchema(String p0) throws SQLException {
        target.setSchema(p0);
    }

    @Override
    public String getSchema() throws SQLException {
        return target.getSchema();
    }

    @Override
    public void abort(Executor p0) throws SQLException {
        try {
            target.abort(p0);
        } finally {
            released();
        }
    }

    @Override
    public void setNetworkTimeout(Executor p0, int p1) throws SQLException {
        target.setNetworkTimeout(p0, p1);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return target.getNetworkTimeout();
    }

    @Override
    public void beginRequest() throws SQLException {
        target.beginRequest();
    }

    @Override
    public void endRequest() throws SQLException {
        target.endRequest();
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey p0, ShardingKey p1, int p2) throws SQLException {
        return target.setShardingKeyIfValid(p0, p1, p2);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey p0, int p1) throws SQLException {
        return target.setShardingKeyIfValid(p0, p1);
    }

    @Override
    public void setShardingKey(ShardingKey p0, ShardingKey p1) throws SQLException {
        target.setShardingKey(p0, p1);
    }

    @Override
    public void setShardingKey(ShardingKey p0) throws SQLException {
        target.setShardingKey(p0);
    }
}
