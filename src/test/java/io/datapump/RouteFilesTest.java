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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The route files as the people who edit them meet them: each is valid against the Camel YAML DSL JSON schema that
 * camel-yaml-dsl ships (the schema visual editors such as Kaoto and the VS Code tooling read), every route has a
 * kebab-case id with a comment line above it, and Camel loads each file, listed by name in
 * camel.main.routes-include-pattern (a wildcard makes it read the whole packaged jar at every start).
 */
class RouteFilesTest {

    static final Schema CAMEL_YAML_DSL = camelYamlDslSchema();

    static Stream<Path> routeFiles() throws IOException {
        return Stream.concat(Files.list(RESOURCES.resolve("routes")), Files.list(RESOURCES.resolve("harness")))
                .filter(p -> p.toString().endsWith(".camel.yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void everyRouteFileIsValidAgainstTheCamelYamlDslSchema(Path file) throws IOException {
        // given
        JsonNode routes = new ObjectMapper().valueToTree(new Yaml().load(Files.readString(file)));

        // when
        List<Error> errors = CAMEL_YAML_DSL.validate(routes);

        // then
        assertThat(errors).as(file + " against camel-yaml-dsl's schema/camelYamlDsl.json").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void everyRouteHasAKebabCaseIdAndALineSayingItsPurpose(Path file) throws IOException {
        // given
        List<String> lines = Files.readAllLines(file);

        // then: each top-level entry (route, template, templated route, configuration) is introduced by a comment
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("- ")) {
                assertThat(i > 0 && lines.get(i - 1).startsWith("# ")).as(file + " line " + (i + 1)
                        + ": a '# ' line above says what it does").isTrue();
            }
        }
        for (Object entry : (List<?>) new Yaml().load(Files.readString(file))) {
            Map<?, ?> body = (Map<?, ?>) ((Map<?, ?>) entry).values().iterator().next();
            Object id = body.containsKey("id") ? body.get("id") : body.get("routeId");
            assertThat(String.valueOf(id)).as(file + ": " + entry.toString().substring(0, 40))
                    .matches("[a-z0-9]+(-[a-z0-9]+)*");
        }
    }

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

    private static Schema camelYamlDslSchema() {
        try (InputStream in = org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader.class
                .getResourceAsStream("/schema/camelYamlDsl.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), InputFormat.JSON);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
