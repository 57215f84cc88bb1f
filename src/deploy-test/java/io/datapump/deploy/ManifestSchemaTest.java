package io.datapump.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rendered object is valid for the API it is sent to: built-in kinds by the Kubernetes Java client's
 * strict models, custom resources by their upstream CRD schema (see {@link SchemaValidator}).
 */
class ManifestSchemaTest {

    private final SchemaValidator validator = SchemaValidator.get();

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "jobs/migrate"})
    void everyRenderedObjectMatchesItsSchema(String kustomization) {
        // given the rendered kustomization
        List<Manifest> rendered = Kustomize.render(kustomization);

        // when each object is checked against its schema
        List<String> problems = new ArrayList<>();
        for (Manifest manifest : rendered) {
            validator.problems(manifest).forEach(problem -> problems.add(manifest.id() + ": " + problem));
        }

        // then none has a problem
        assertThat(rendered).isNotEmpty();
        assertThat(problems).isEmpty();
    }

    /** k8s/monitoring (PrometheusRule, dashboards) is checked the same way once it has files. */
    @TestFactory
    Stream<DynamicTest> monitoringObjectsMatchTheirSchemas() throws IOException {
        Path monitoring = RepoFiles.k8s("monitoring");
        if (Files.isRegularFile(monitoring.resolve("kustomization.yaml"))) {
            return Stream.of(DynamicTest.dynamicTest("k8s/monitoring (kustomization)",
                    () -> assertValid(Kustomize.render("monitoring"))));
        }
        if (!Files.isDirectory(monitoring)) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.list(monitoring)) {
            return files.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted()
                    .toList().stream()
                    .map(file -> DynamicTest.dynamicTest("k8s/monitoring/" + file.getFileName(),
                            () -> assertValid(Kustomize.parse(Files.readString(file, StandardCharsets.UTF_8)))));
        }
    }

    @Test
    void strictParsingRejectsAMisspelledDeploymentField() {
        // given the publisher with "replica" instead of "replicas"
        Manifest publisher = copyOf("overlays/prod", "Deployment", "data-pump-publisher");
        publisher.map("spec").put("replica", 1);

        // when it is checked
        // then the misspelt field is reported
        assertThat(validator.problems(publisher)).singleElement().asString().contains("replica");
    }

    @Test
    void strictParsingRejectsAWrongQuantity() {
        // given a memory limit that is no quantity
        Manifest publisher = copyOf("overlays/prod", "Deployment", "data-pump-publisher");
        Yamls.map(publisher.containers().get(0), "resources", "limits").put("memory", "one gigabyte");

        // when it is checked
        // then it is rejected
        assertThat(validator.problems(publisher)).isNotEmpty();
    }

    @Test
    void crdSchemaRejectsAnUndeclaredScaledObjectField() {
        // given a ScaledObject with "maxReplicas" (the HPA's name) instead of "maxReplicaCount"
        Manifest scaledObject = copyOf("overlays/prod", "ScaledObject", "data-pump-item-consumer-production");
        scaledObject.map("spec").put("maxReplicas", 3);

        // when it is checked
        // then the undeclared field is reported
        assertThat(validator.problems(scaledObject)).singleElement().asString().contains("maxReplicas");
    }

    @Test
    void crdSchemaRejectsAWrongType() {
        // given a ScaledObject whose minReplicaCount is a word
        Manifest scaledObject = copyOf("overlays/prod", "ScaledObject", "data-pump-biller-consumer-production");
        scaledObject.map("spec").put("minReplicaCount", "one");

        // when it is checked
        // then the type is reported
        assertThat(validator.problems(scaledObject)).singleElement().asString().contains("minReplicaCount");
    }

    @Test
    void crdSchemaRejectsAServiceMonitorWithoutTokenUrl() {
        // given a ServiceMonitor whose oauth2 lacks the required tokenUrl
        Manifest serviceMonitor = copyOf("overlays/prod", "ServiceMonitor", "data-pump");
        Yamls.map(serviceMonitor.maps("spec", "endpoints").get(0), "oauth2").remove("tokenUrl");

        // when it is checked
        // then the missing field is reported
        assertThat(validator.problems(serviceMonitor)).singleElement().asString().contains("tokenUrl");
    }

    @Test
    void crdMetadataIsParsedStrictly() {
        // given a SecretProviderClass with a misspelt metadata field
        Manifest secretProviderClass = copyOf("overlays/prod", "SecretProviderClass", "data-pump-keyvault");
        secretProviderClass.map("metadata").put("label", Map.of("a", "b"));

        // when it is checked
        // then the misspelt field is reported
        assertThat(validator.problems(secretProviderClass)).singleElement().asString().contains("label");
    }

    @Test
    void everyCommittedCrdSaysWhereItCameFrom() throws IOException {
        // given the committed CRDs
        for (String file : SchemaValidator.CRD_FILES) {
            // when their first line is read
            String firstLine;
            try (var in = getClass().getClassLoader().getResourceAsStream("k8s-schemas/" + file)) {
                assertThat(in).as(file).isNotNull();
                firstLine = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            }
            // then it names the upstream repository and commit
            assertThat(firstLine).as(file).startsWith("# Source: github.com/").containsPattern("commit [0-9a-f]{40}");
        }
        assertThat(validator.knows("monitoring.coreos.com/v1", "PrometheusRule")).isTrue();
    }

    private void assertValid(List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        for (Manifest manifest : manifests) {
            validator.problems(manifest).forEach(problem -> problems.add(manifest.id() + ": " + problem));
        }
        assertThat(problems).isEmpty();
    }

    private static Manifest copyOf(String kustomization, String kind, String name) {
        Manifest original = Kustomize.render(kustomization).stream()
                .filter(manifest -> kind.equals(manifest.kind()) && name.equals(manifest.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered"));
        return new Manifest(Yamls.deepCopy(original.raw()));
    }
}
