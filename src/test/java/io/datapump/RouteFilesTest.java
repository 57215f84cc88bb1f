package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Camel loads the route files listed by name in camel.main.routes-include-pattern (a wildcard makes it read the whole
 * packaged jar at every start): the business profile lists every file under routes/, the local profile those and
 * every harness file, and nothing that does not exist.
 */
class RouteFilesTest {

    static final Path RESOURCES = Path.of("src", "main", "resources");

    @Test
    void everyBusinessRouteFileIsLoadedByEveryProfile() throws IOException {
        // given
        List<String> routes = files("routes");

        // when
        List<String> loaded = includePattern("application.yaml");

        // then
        assertThat(loaded).containsExactlyInAnyOrderElementsOf(routes);
    }

    @Test
    void theLocalProfileAlsoLoadsEveryHarnessFile() throws IOException {
        // given
        List<String> expected = Stream.concat(files("routes").stream(), files("harness").stream()).toList();

        // when
        List<String> loaded = includePattern("application-local.yaml");

        // then
        assertThat(loaded).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<String> files(String folder) throws IOException {
        try (Stream<Path> paths = Files.list(RESOURCES.resolve(folder))) {
            return paths.map(p -> "classpath:" + folder + "/" + p.getFileName())
                    .filter(p -> p.endsWith(".camel.yaml")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> includePattern(String file) throws IOException {
        try (InputStream in = Files.newInputStream(RESOURCES.resolve(file))) {
            Map<String, Object> yaml = new Yaml().load(in);
            Map<String, Object> main = (Map<String, Object>) ((Map<String, Object>) yaml.get("camel")).get("main");
            return Arrays.stream(((String) main.get("routes-include-pattern")).split(",")).map(String::strip).toList();
        }
    }
}
