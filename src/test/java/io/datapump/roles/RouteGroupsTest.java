package io.datapump.roles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import io.datapump.support.TestBillers;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A pod that runs only the demo lane's item consumers starts those routes and no others of the pump's parts. */
@SpringBootTest(properties = {"datapump.roles=item-consumer", "datapump.lanes=demo"})
@ActiveProfiles("local")
class RouteGroupsTest {

    // (the roles are inlined test properties: the switches are derived from them before the context starts)
    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
    }

    @Autowired CamelContext camel;

    @Test
    void onlyTheRoutesOfThePartsThisProcessRunsAreStarted() {
        // given: the routes as created, whatever was started
        Map<String, String> status = new TreeMap<>();
        for (Route route : camel.getRoutes()) {
            status.put(route.getRouteId(), camel.getRouteController().getRouteStatus(route.getRouteId()).name());
        }

        // then: each route's group decided it
        assertThat(status).containsEntry("item-consumer-payment-demo", "Started")
                .containsEntry("item-consumer-paperless-registration-demo", "Started")
                .containsEntry("item-consumer-payment-production", "Stopped")
                .containsEntry("biller-consumer-demo", "Stopped")
                .containsEntry("biller-consumer-production", "Stopped")
                .containsEntry("biller-publisher", "Stopped")
                .containsEntry("stale-claim-sweeper", "Stopped")
                .containsEntry("dead-processor-sweeper", "Stopped")
                // routes of no group start in every process
                .containsEntry("retry-later", "Started")
                .containsEntry("dead-letter", "Started")
                .containsEntry("republish-item", "Started");
        assertThat(camel.getRoute("item-consumer-payment-demo").getGroup()).isEqualTo("item-consumer.demo");
    }
}
