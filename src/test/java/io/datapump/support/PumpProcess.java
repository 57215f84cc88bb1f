package io.datapump.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.datapump.DataPumpApplication;
import io.datapump.local.LocalSetup;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the whole application in this JVM on a given data folder, so a test can stop it (as SIGTERM does, through
 * the context's shutdown) and start it again on the same broker journal and shard files.
 */
public final class PumpProcess {

    private final Path dataDir;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public PumpProcess(Path dataDir) {
        this.dataDir = dataDir;
        properties.put("server.port", 0);
        properties.put("datapump.local.data-dir", dataDir.toString());
        properties.put("datapump.local.source-simulator.rate", 0);
    }

    public PumpProcess with(String key, Object value) {
        properties.put(key, value);
        return this;
    }

    /** Starts the pump; the settings are passed as command-line arguments, so they override the YAML files. */
    public ConfigurableApplicationContext start() {
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(DataPumpApplication.class).profiles("local").run(args);
    }

    /** Counts of control rows per state in a biller's shard, read directly from its file (the pump may be down). */
    public Map<String, Long> states(String billerId) throws SQLException {
        Map<String, Long> states = new LinkedHashMap<>();
        try (Connection c = shard(billerId);
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT State, COUNT(*) FROM DataPumpControl GROUP BY State")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getLong(2));
            }
        }
        return states;
    }

    public List<String> attemptErrorClasses(String billerId) throws SQLException {
        List<String> classes = new ArrayList<>();
        try (Connection c = shard(billerId);
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT ErrorClass FROM DataPumpAttempt WHERE ErrorClass IS NOT NULL ORDER BY AttemptId")) {
            while (rs.next()) {
                classes.add(rs.getString(1));
            }
        }
        return classes;
    }

    /** The processes holding a biller's rows in a state. */
    public List<String> processorsOfState(String billerId, String state) throws SQLException {
        List<String> processors = new ArrayList<>();
        try (Connection c = shard(billerId); var ps = c.prepareStatement(
                "SELECT DISTINCT ProcessorId FROM DataPumpControl WHERE State = ?")) {
            ps.setString(1, state);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    processors.add(rs.getString(1));
                }
            }
        }
        return processors;
    }

    /** Whether the registry's heartbeat of a process says it stopped (read from the file; the pump may be down). */
    public boolean heartbeatStopped(String processorId) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("registry")
                + LocalSetup.H2_OPTIONS, "sa", ""); var ps = c.prepareStatement(
                "SELECT COUNT(*) FROM ProcessorHeartbeat WHERE ProcessorId = ? AND StoppedAt IS NOT NULL")) {
            ps.setString(1, processorId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    private Connection shard(String billerId) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("shards").resolve(billerId)
                + LocalSetup.H2_OPTIONS, "sa", "");
    }
}
