package io.datapump.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app's own Service Bus names and timings, read from src/main/resources/application.yaml, so the
 * deployment files are checked against the one place the names are defined.
 */
record Topology(String billerSubscription, String itemSubscription, Map<String, Lane> lanes,
        Map<String, Object> datapump) {

    /** One lane's entities (datapump.topology.<lane>). */
    record Lane(String name, String billerTopic, String paymentTopic, String paperlessRegistrationTopic,
            String deadLetterQueue, String parkedQueue) {

        List<String> itemTopics() {
            return List.of(paymentTopic, paperlessRegistrationTopic);
        }

        List<String> entities() {
            return List.of(billerTopic, paymentTopic, paperlessRegistrationTopic, deadLetterQueue, parkedQueue);
        }
    }

    private static Topology loaded;

    static synchronized Topology fromApplicationYaml() {
        if (loaded == null) {
            loaded = load();
        }
        return loaded;
    }

    Lane lane(String name) {
        Lane lane = lanes.get(name);
        if (lane == null) {
            fail("application.yaml has no datapump.topology." + name);
        }
        return lane;
    }

    /** datapump.topology as flat keys: "biller-subscription", "production.biller-topic", ... */
    Map<String, String> flattened() {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", Yamls.map(datapump, "topology"), flat);
        return flat;
    }

    /** The longest datapump.kill-after of all lanes. */
    Duration longestKillAfter() {
        return Yamls.map(datapump, "kill-after").values().stream()
                .map(value -> springDuration(String.valueOf(value)))
                .max(Duration::compareTo)
                .orElseGet(() -> fail("application.yaml has no datapump.kill-after"));
    }

    /** datapump.shutdown-timeout, the default of DATAPUMP_SHUTDOWN_TIMEOUT (seconds). */
    int defaultShutdownTimeoutSeconds() {
        return Integer.parseInt(Yamls.text(datapump, "shutdown-timeout"));
    }

    /** Spring Boot's simple duration format: 500ms, 30s, 5m, 24h, 3d (no unit: milliseconds). */
    static Duration springDuration(String text) {
        Matcher matcher = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(text.trim());
        if (!matcher.matches()) {
            return fail("not a simple duration: " + text);
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static void flatten(String prefix, Map<String, Object> map, Map<String, String> flat) {
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested) {
                flatten(prefix + key + ".", Yamls.asMap(nested), flat);
            } else {
                flat.put(prefix + key, String.valueOf(value));
            }
        });
    }

    private static Topology load() {
        String yaml;
        try {
            yaml = Files.readString(RepoFiles.applicationYaml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fail("cannot read " + RepoFiles.applicationYaml() + ": " + e);
        }
        for (Object document : Yamls.loadAll(yaml)) {
            Map<String, Object> datapump = Yamls.map(document, "datapump");
            Map<String, Object> topology = Yamls.map(datapump, "topology");
            if (topology.isEmpty()) {
                continue;
            }
            Map<String, Lane> lanes = new LinkedHashMap<>();
            topology.forEach((key, value) -> {
                if (value instanceof Map<?, ?> lane) {
                    lanes.put(key, new Lane(key, required(lane, "biller-topic"), required(lane, "payment-topic"),
                            required(lane, "paperless-registration-topic"), required(lane, "dead-letter-queue"),
                            required(lane, "parked-queue")));
                }
            });
            return new Topology(required(topology, "biller-subscription"), required(topology, "item-subscription"),
                    lanes, datapump);
        }
        return fail("application.yaml has no datapump.topology");
    }

    private static String required(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            fail("application.yaml's datapump.topology lacks " + key);
        }
        return String.valueOf(value);
    }
}
