package io.datapump.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Loads the statements under {@code src/main/resources/sql}. The files use Camel's {@code :#name} parameter syntax;
 * they are handed to Spring's named-parameter JDBC as {@code :name}, always as bound parameters.
 */
public final class SqlFiles {

    private static final Pattern CAMEL_PARAMETER = Pattern.compile(":#(\\w+)");
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private SqlFiles() {
    }

    /**
     * Values bound as one {@code IN (:#list)} per statement: SQL Server takes at most 2,100 parameters in a
     * statement, so a longer list is run in chunks of this many.
     */
    public static final int IN_LIST_CHUNK = 1000;

    /** The list in chunks of at most {@link #IN_LIST_CHUNK}, in order (one chunk for a short list). */
    public static <T> List<List<T>> inListChunks(List<T> values) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < values.size(); from += IN_LIST_CHUNK) {
            chunks.add(values.subList(from, Math.min(values.size(), from + IN_LIST_CHUNK)));
        }
        return chunks;
    }

    /** The statement in {@code sql/<name>.sql}, ready for NamedParameterJdbcTemplate. */
    public static String get(String name) {
        return CACHE.computeIfAbsent(name, SqlFiles::load);
    }

    private static String load(String name) {
        String path = "sql/" + name + ".sql";
        try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("SQL file not found on the classpath: " + path);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return CAMEL_PARAMETER.matcher(text).replaceAll(":$1");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
