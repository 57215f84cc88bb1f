package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Every datapump.* setting in the configuration files has a line in the configuration table (docs/configuration.md). */
class ConfigurationDocsTest {

    static final List<String> FILES = List.of("application.yaml", "application-local.yaml", "application-azure.yaml");

    @Test
    void everyDataPumpSettingIsDocumentedInTheConfigurationTable() throws Exception {
        // given
        List<String> readme = Files.readAllLines(Path.of("docs", "configuration.md"));
        TreeSet<String> keys = new TreeSet<>();
        for (String file : FILES) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
                Map<String, Object> yaml = new Yaml().load(in);
                if (yaml.get("datapump") instanceof Map<?, ?> datapump) {
                    flatten("datapump", datapump, keys);
                }
            }
        }

        // when
        List<String> undocumented = new ArrayList<>();
        for (String key : keys) {
            if (readme.stream().noneMatch(line -> documents(line, key))) {
                undocumented.add(key);
            }
        }

        // then
        assertThat(keys).hasSizeGreaterThan(30);
        assertThat(undocumented).as("settings missing from the README configuration table").isEmpty();
    }

    /** A README line documents a key verbatim, with placeholders for segments (<lane>), or as "`a.b` / `.c`". */
    static boolean documents(String line, String key) {
        if (!line.startsWith("|")) {
            return false;
        }
        if (line.contains("`" + key + "`")) {
            return true;
        }
        String parent = key.substring(0, key.lastIndexOf('.') + 1);
        String last = key.substring(key.lastIndexOf('.') + 1);
        if (line.contains("`" + parent) && line.contains("`." + last + "`")) {
            return true;
        }
        StringBuilder regex = new StringBuilder("`");
        String[] segments = key.split("\\.");
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                regex.append("\\.");
            }
            regex.append("(").append(Pattern.quote(segments[i])).append("|<[^>`]+>(-<[^>`]+>)?)");
        }
        regex.append("[`/]");
        return Pattern.compile(regex.toString()).matcher(line).find();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<?, ?> map, TreeSet<String> keys) {
        map.forEach((k, v) -> {
            String key = prefix + "." + k;
            if (v instanceof Map<?, ?> child) {
                flatten(key, child, keys);
            } else if (v instanceof List<?>) {
                keys.add(key + "[]");
            } else {
                keys.add(key);
            }
        });
    }
}
