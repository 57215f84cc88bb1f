package io.datapump.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.datapump.deploy.BicepFile.Expression;
import io.datapump.deploy.BicepFile.Resource;

/**
 * k8s/servicebus/servicebus.bicep creates exactly the entities the app uses (the names of datapump.topology in
 * application.yaml), with the settings the delivery guarantees rely on. Bicep cannot be compiled here; the file
 * is read as text (see {@link BicepFile}).
 */
class ServiceBusTopologyTest {

    private static final String TOPICS = "Microsoft.ServiceBus/namespaces/topics";
    private static final String SUBSCRIPTIONS = "Microsoft.ServiceBus/namespaces/topics/subscriptions";
    private static final String QUEUES = "Microsoft.ServiceBus/namespaces/queues";
    private static final Expression SHARED_SETTINGS = new Expression("entitySettings");

    private final Topology topology = Topology.fromApplicationYaml();
    private BicepFile bicep;

    @BeforeEach
    void readBicep() throws IOException {
        bicep = new BicepFile(Files.readString(RepoFiles.k8s("servicebus/servicebus.bicep"), StandardCharsets.UTF_8));
    }

    @Test
    void topologyNamesAreThoseOfApplicationYaml() {
        // given datapump.topology of application.yaml, keys in Bicep's camelCase
        Map<String, String> expected = new LinkedHashMap<>();
        topology.flattened().forEach((key, value) -> expected.put(camelCase(key), value));

        // when the Bicep file's topology object is read
        Map<String, String> actual = new LinkedHashMap<>();
        flatten("", bicep.objectVariable("topology"), actual);

        // then they hold the same names under the same keys
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void everyLaneGetsItsTopicsSubscriptionsAndQueues() {
        // given the lanes of application.yaml
        List<String> billerTopics = new ArrayList<>();
        List<String> itemTopics = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        for (Topology.Lane lane : topology.lanes().values()) {
            billerTopics.add(lane.billerTopic());
            itemTopics.addAll(lane.itemTopics());
            queues.add(lane.deadLetterQueue());
            queues.add(lane.parkedQueue());
        }

        // when the arrays the resources loop over are evaluated
        // then they hold every lane's entities, each once
        assertThat(bicep.arrayVariable("billerTopics")).containsExactlyInAnyOrderElementsOf(billerTopics);
        assertThat(bicep.arrayVariable("itemTopics")).containsExactlyInAnyOrderElementsOf(itemTopics);
        assertThat(bicep.arrayVariable("queues")).containsExactlyInAnyOrderElementsOf(queues);

        // and the resources loop over exactly those arrays, one subscription per topic, named as the app expects
        Resource billerTopicResource = onlyResource(TOPICS, "billerTopics");
        Resource itemTopicResource = onlyResource(TOPICS, "itemTopics");
        Resource billerSubscriptions = onlyResource(SUBSCRIPTIONS, "billerTopics");
        Resource itemSubscriptions = onlyResource(SUBSCRIPTIONS, "itemTopics");
        onlyResource(QUEUES, "queues");
        assertThat(resourcesOfType(TOPICS)).hasSize(2);
        assertThat(resourcesOfType(SUBSCRIPTIONS)).hasSize(2);
        assertThat(resourcesOfType(QUEUES)).hasSize(1);
        assertThat(billerSubscriptions.body().get("parent"))
                .isEqualTo(new Expression(billerTopicResource.symbol() + "[i]"));
        assertThat(itemSubscriptions.body().get("parent")).isEqualTo(new Expression(itemTopicResource.symbol() + "[i]"));
        assertThat(bicep.resolve(((Expression) billerSubscriptions.body().get("name")).text()))
                .isEqualTo(topology.billerSubscription());
        assertThat(bicep.resolve(((Expression) itemSubscriptions.body().get("name")).text()))
                .isEqualTo(topology.itemSubscription());
    }

    @Test
    void everySubscriptionAndQueueDeadLettersAfterTenDeliveriesAndOutlivesTheKillDates() {
        // given the settings object the subscriptions and queues share
        Map<String, Object> settings = bicep.objectVariable("entitySettings");

        // when the subscription and queue resources are read
        List<Resource> entities = new ArrayList<>(resourcesOfType(SUBSCRIPTIONS));
        entities.addAll(resourcesOfType(QUEUES));

        // then each uses exactly those settings...
        assertThat(entities).isNotEmpty()
                .allSatisfy(entity -> assertThat(entity.body()).containsEntry("properties", SHARED_SETTINGS));
        // ...10 deliveries, a one-minute lock, dead-lettering on expiry, four days to live...
        assertThat(settings).containsEntry("maxDeliveryCount", 10)
                .containsEntry("lockDuration", "PT1M")
                .containsEntry("deadLetteringOnMessageExpiration", true)
                .containsEntry("defaultMessageTimeToLive", "P4D");
        // ...which is longer than any lane's kill date, so the app's kill date decides
        assertThat(Duration.parse((String) settings.get("defaultMessageTimeToLive")))
                .isGreaterThan(topology.longestKillAfter());
    }

    @Test
    void noTopicReliesOnBrokerDuplicateDetectionAndNoTopicOrders() {
        // given the two topic resources
        Map<String, Object> biller = properties(onlyResource(TOPICS, "billerTopics"));
        Map<String, Object> item = properties(onlyResource(TOPICS, "itemTopics"));

        // when their properties are read
        // then item topics take duplicate detection from a parameter that is off by default (Camel 4.17's producer
        // cannot set MessageId, so the app's idempotent consumer removes duplicates), with a 10-minute window...
        assertThat(item).containsEntry("requiresDuplicateDetection", new BicepFile.Expression("itemDuplicateDetection"))
                .containsEntry("duplicateDetectionHistoryTimeWindow", new BicepFile.Expression("duplicateDetectionWindow"))
                .containsEntry("supportOrdering", false);
        assertThat(bicep.source()).contains("param itemDuplicateDetection bool = false")
                .contains("param duplicateDetectionWindow string = 'PT10M'");
        // ...while biller topics never do (continuation messages must never be suppressed)
        assertThat(biller).containsEntry("requiresDuplicateDetection", false)
                .doesNotContainKey("duplicateDetectionHistoryTimeWindow")
                .containsEntry("supportOrdering", false);
    }

    @Test
    void namespaceSkuIsAParameterOfStandardOrPremium() {
        // given the namespace resource and the skuName parameter's decorators
        Resource namespace = resourcesOfType("Microsoft.ServiceBus/namespaces").get(0);
        String decorators = bicep.decoratorsOf("param skuName string");

        // when they are read
        // then Standard and Premium are the allowed values, and every resource uses one stable API version
        assertThat(decorators).contains("@allowed([", "'Standard'", "'Premium'");
        assertThat(bicep.resources()).extracting(Resource::apiVersion)
                .containsOnly(namespace.apiVersion())
                .allSatisfy(version -> assertThat(version).isIn("2021-11-01", "2022-10-01-preview"));
    }

    private Map<String, Object> properties(Resource resource) {
        Object properties = resource.body().get("properties");
        assertThat(properties).as(resource.symbol() + " properties").isInstanceOf(Map.class);
        return Yamls.asMap(properties);
    }

    private Resource onlyResource(String type, String loopArray) {
        List<Resource> matching = resourcesOfType(type).stream()
                .filter(resource -> loopArray.equals(resource.loopArray())).toList();
        assertThat(matching).as(type + " looping over " + loopArray).hasSize(1);
        return matching.get(0);
    }

    private List<Resource> resourcesOfType(String type) {
        return bicep.resources().stream().filter(resource -> resource.type().equals(type)).toList();
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

    /** "production.biller-topic" to "production.billerTopic". */
    private static String camelCase(String kebab) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
