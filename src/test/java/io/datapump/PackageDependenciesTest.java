package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages mirror the flows and sit in layers: no two packages of the application use each other both ways, and
 * the bottom ones (control, registry, shard, message, failure, sql) use none of the flow packages above them.
 */
class PackageDependenciesTest {

    static final Path SOURCES = Path.of("src", "main", "java", "io", "datapump");
    static final Pattern USE = Pattern.compile("\\bio\\.datapump\\.([a-z]+)\\.[A-Z]");
    static final Set<String> BOTTOM = Set.of("control", "registry", "shard", "message", "failure", "sql");
    static final Set<String> FLOWS = Set.of("publisher", "billerconsumer", "itemconsumer", "errorhandling",
            "recovery", "admin", "api", "console", "local");

    @Test
    void noTwoPackagesUseEachOtherBothWays() throws IOException {
        // given
        Map<String, Set<String>> uses = uses();

        // when
        List<String> cycles = new ArrayList<>();
        uses.forEach((from, targets) -> targets.stream()
                .filter(to -> from.compareTo(to) < 0 && uses.getOrDefault(to, Set.of()).contains(from))
                .forEach(to -> cycles.add(from + " <-> " + to)));

        // then
        assertThat(cycles).isEmpty();
    }

    @Test
    void theBottomPackagesUseNoFlowPackage() throws IOException {
        // given
        Map<String, Set<String>> uses = uses();

        // when
        List<String> upward = new ArrayList<>();
        for (String bottom : BOTTOM) {
            uses.getOrDefault(bottom, Set.of()).stream().filter(FLOWS::contains)
                    .forEach(flow -> upward.add(bottom + " -> " + flow));
        }

        // then
        assertThat(upward).isEmpty();
    }

    /** Package → the application's packages its classes name (imports and fully qualified names alike). */
    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // the application class and its configuration, at the root
                }
                String from = relative.getName(0).toString();
                Matcher m = USE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        uses.computeIfAbsent(from, k -> new TreeSet<>()).add(m.group(1));
                    }
                }
            }
        }
        return uses;
    }
}
