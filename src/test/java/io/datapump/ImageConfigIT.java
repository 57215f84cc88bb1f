package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image Jib wrote during 'mvn package' (target/jib-image.tar, on a 'scratch' base so it builds
 * offline): its configuration is what the Kubernetes manifests rely on.
 */
class ImageConfigIT {

    static JsonNode config;
    static List<String> files;

    @BeforeAll
    static void readImage() throws IOException {
        Path tar = Path.of("target", "jib-image.tar");
        assertThat(tar).as("mvn package writes the image tarball").exists();
        Map<String, byte[]> entries = untar(Files.newInputStream(tar));
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(entries.get("manifest.json")).get(0);
        config = json.readTree(entries.get(manifest.get("Config").asText())).get("config");
        files = new java.util.ArrayList<>();
        for (JsonNode layer : manifest.get("Layers")) {
            files.addAll(untar(new GZIPInputStream(new java.io.ByteArrayInputStream(entries.get(layer.asText()))))
                    .keySet());
        }
    }

    @Test
    void imageRunsThePumpAsANonRootUserWithContainerAwareMemorySettings() {
        List<String> entrypoint = json(config.get("Entrypoint"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
                "io.datapump.DataPumpApplication");
        assertThat(config.get("User").asText()).isEqualTo("10001:10001");
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.get("Labels").get("org.opencontainers.image.title").asText()).isEqualTo("data-pump");
        assertThat(config.get("Labels").get("io.datapump.roles").asText()).contains("DATAPUMP_ROLES");
    }

    @Test
    void imageHoldsTheApplicationRoutesAndSql() {
        assertThat(files).anyMatch(f -> f.endsWith("app/classes/io/datapump/DataPumpApplication.class"))
                .anyMatch(f -> f.endsWith("app/resources/routes/item-consumer.camel.yaml"))
                .anyMatch(f -> f.endsWith("app/resources/application-azure.yaml"))
                .anyMatch(f -> f.endsWith("app/resources/db/shard/V1__data_pump_control.sql"))
                .anyMatch(f -> f.matches(".*app/libs/camel-azure-servicebus-4\\.17\\.0\\.jar"))
                .anyMatch(f -> f.matches(".*app/libs/mssql-jdbc-.*\\.jar"));
    }

    private static List<String> json(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** A minimal reader of (ustar) tar archives: entry name to content. */
    private static Map<String, byte[]> untar(InputStream raw) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = new BufferedInputStream(raw)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = new String(header, 0, 100, java.nio.charset.StandardCharsets.US_ASCII).trim()
                        .replace("\0", "");
                if (name.isEmpty()) {
                    break;
                }
                String prefix = new String(header, 345, 155, java.nio.charset.StandardCharsets.US_ASCII)
                        .replace("\0", "").trim();
                String sizeField = new String(header, 124, 12, java.nio.charset.StandardCharsets.US_ASCII)
                        .replace("\0", "").trim();
                long size = sizeField.isEmpty() ? 0 : Long.parseLong(sizeField, 8);
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                content.write(in.readNBytes((int) size));
                long padding = (512 - size % 512) % 512;
                in.readNBytes((int) padding);
                entries.put(prefix.isEmpty() ? name : prefix + "/" + name, content.toByteArray());
            }
        }
        return entries;
    }
}
