package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.datapump.support.TestBillers;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Changing routes without a new image: route files in datapump.routes.location are loaded beside the built-in
 * ones, one named like a built-in file instead of it; with the dev profile a saved route file is reloaded while the
 * pump runs, and the other routes keep running.
 */
@SpringBootTest(properties = {"datapump.routes.location=target/editable-routes",
    "camel.main.routes-reload-directory=target/editable-routes"})
@ActiveProfiles({"local", "dev"})
class EditableRoutesTest {

    static final Path FOLDER = prepareFolder();

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        // one quiet biller: this test is about the routes, not about deliveries
        registry.add("datapump.local.billers[0].id", () -> "quiet");
        registry.add("datapump.local.billers[0].name", () -> "Quiet");
        registry.add("datapump.local.billers[0].items.payment", () -> 0);
        registry.add("datapump.local.billers[0].items.paperless-registration", () -> 0);
    }

    @Autowired CamelContext camel;

    /** An operator's folder: the built-in source simulator with another period, and a route of their own. */
    static Path prepareFolder() {
        try {
            Path folder = Files.createDirectories(Path.of("target", "editable-routes"));
            String simulator = Files.readString(Path.of("src/main/resources/harness/source-simulator.camel.yaml"));
            Files.writeString(folder.resolve("source-simulator.camel.yaml"),
                    simulator.replace("period: 1000", "period: 1500"));
            Files.writeString(folder.resolve("operator-tap.camel.yaml"), """
                    # An operator's own route: logs a heartbeat line every minute.
                    - route:
                        id: operator-tap
                        from:
                          uri: timer:operator-tap
                          parameters:
                            period: 60000
                          steps:
                            - log:
                                message: operator tap
                    """);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void routeFilesInTheFolderAreLoadedAndOneNamedLikeABuiltInFileReplacesIt() {
        // then: the operator's route runs, and the source simulator is the folder's version
        assertThat(camel.getRoute("operator-tap")).isNotNull();
        assertThat(camel.getRoute("source-simulator").getEndpoint().getEndpointUri()).contains("period=1500");
        // the business routes are the built-in ones
        assertThat(camel.getRoute("item-consumer-payment-production")).isNotNull();
    }

    @Test
    void aSavedRouteFileIsReloadedWhileTheOthersKeepRunning() throws IOException {
        // given
        Path file = FOLDER.resolve("operator-tap.camel.yaml");

        // when: the operator edits their route
        Files.writeString(file, Files.readString(file).replace("period: 60000", "period: 30000"));

        // then: it is replaced within seconds, and the other routes were not touched
        await().atMost(Duration.ofSeconds(30)).until(() -> camel.getRoute("operator-tap") != null
                && camel.getRoute("operator-tap").getEndpoint().getEndpointUri().contains("period=30000"));
        assertThat(camel.getRouteController().getRouteStatus("item-consumer-payment-production").isStarted()).isTrue();
        assertThat(camel.getRoute("source-simulator").getEndpoint().getEndpointUri()).contains("period=1500");
    }
}
