package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;

import io.datapump.billerconsumer.PublishBatch;
import io.datapump.billerconsumer.ServiceBusBatches;
import io.datapump.tracing.ItemTraces;
import io.datapump.tracing.TraceIds;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.azure.servicebus.CredentialType;
import org.apache.camel.component.azure.servicebus.ServiceBusConfiguration;
import org.apache.camel.component.azure.servicebus.ServiceBusEndpoint;
import org.apache.camel.component.azure.servicebus.ServiceBusProducerOperationDefinition;
import org.apache.camel.component.azure.servicebus.ServiceBusType;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;

/**
 * The azure profile's Camel context, started without a network: every route is created (so every endpoint URI is
 * parsed and every option checked) but none is started. The endpoints' resolved options must be what the
 * profile means: topics and subscriptions by name, concurrency as maxConcurrentCalls, no prefetch, lock renewal,
 * workload identity on the namespace, scheduled messages for retries.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "camel.main.auto-startup=false",
    "SPRING_DATASOURCE_URL=jdbc:sqlserver://registry.invalid:1433;database=registry;encrypt=true;loginTimeout=1",
    "DATAPUMP_SERVICEBUS_NAMESPACE=sb-datapump-test.servicebus.windows.net",
    "datapump.item-consumer.concurrency.production.payment=24",
    "datapump.biller-consumer.concurrency.demo=3"
})
@ActiveProfiles("azure")
class AzureProfileTest {

    static final String NAMESPACE = "sb-datapump-test.servicebus.windows.net";

    @Autowired CamelContext camel;
    @Autowired Environment environment;
    @Autowired PublishBatch publishBatch;
    @Autowired org.apache.camel.processor.errorhandler.RedeliveryPolicy quickRedeliveries;
    @Autowired ProducerTemplate producer;
    @Autowired ItemTraces itemTraces;

    @Test
    void everyConsumerRouteIsCreatedOnServiceBusAndNoneIsStarted() {
        // given / when: the context is up without any network

        // then: one consumer per lane and role, each on its topic subscription, none running
        Map<String, List<Object>> expected = Map.of(
                "biller-consumer-production", List.of("data-pump-data-created", "biller-consumer", 2),
                "biller-consumer-demo", List.of("data-pump-data-created-demo", "biller-consumer", 3),
                "item-consumer-payment-production", List.of("data-pump-payment-created", "item-consumer", 24),
                "item-consumer-paperless-registration-production",
                List.of("data-pump-paperless-registration-created", "item-consumer", 4),
                "item-consumer-payment-demo", List.of("data-pump-payment-created-demo", "item-consumer", 2),
                "item-consumer-paperless-registration-demo",
                List.of("data-pump-paperless-registration-created-demo", "item-consumer", 1));
        expected.forEach((routeId, want) -> {
            assertThat(camel.getRouteController().getRouteStatus(routeId)).as(routeId).isEqualTo(ServiceStatus.Stopped);
            ServiceBusEndpoint endpoint = (ServiceBusEndpoint) camel.getRoute(routeId).getEndpoint();
            ServiceBusConfiguration c = endpoint.getConfiguration();
            assertThat(endpoint.getConfiguration().getTopicOrQueueName()).as(routeId).isEqualTo(want.get(0));
            assertThat(c.getServiceBusType()).isEqualTo(ServiceBusType.topic);
            assertThat(c.getSubscriptionName()).as(routeId).isEqualTo(want.get(1));
            assertThat(c.getMaxConcurrentCalls()).as(routeId + " concurrency").isEqualTo(want.get(2));
            assertThat(c.getPrefetchCount()).isZero();
            assertThat(c.getMaxAutoLockRenewDuration()).isEqualTo(Duration.ofMinutes(5).toMillis());
            assertThat(c.getServiceBusReceiveMode()).isEqualTo(ServiceBusReceiveMode.PEEK_LOCK);
            assertIdentity(c);
        });
    }

    @Test
    void everyConfiguredEndpointResolvesToTheServiceBusEntityItNames() {
        // given: every endpoint URI the azure profile configures
        List<String> uris = new ArrayList<>();
        for (String lane : List.of("production", "demo")) {
            for (String role : List.of("biller-in", "biller-out", "payment-in", "payment-out", "payment-retry-out",
                    "paperless-registration-in", "paperless-registration-out", "paperless-registration-retry-out",
                    "dead-letter-in", "dead-letter-out", "parked-in", "parked-out", "broker-dead-letter-in[0]",
                    "broker-dead-letter-in[1]", "broker-dead-letter-in[2]", "broker-dead-letter-in[3]",
                    "broker-dead-letter-in[4]")) {
                uris.add(environment.getRequiredProperty("datapump.endpoints." + lane + "." + role));
            }
        }

        // when: Camel resolves each (an unknown or misspelt option would throw here)
        for (String uri : uris) {
            Endpoint resolved = camel.getEndpoint(uri);

            // then
            assertThat(resolved).as(uri).isInstanceOf(ServiceBusEndpoint.class);
            ServiceBusEndpoint endpoint = (ServiceBusEndpoint) resolved;
            ServiceBusConfiguration c = endpoint.getConfiguration();
            assertIdentity(c);
            String name = endpoint.getConfiguration().getTopicOrQueueName();
            assertThat(name).startsWith("data-pump-");
            if (uri.contains("retry-out")) {
                assertThat(c.getProducerOperation()).isEqualTo(ServiceBusProducerOperationDefinition.scheduleMessages);
            } else if (uri.contains("-out")) {
                assertThat(c.getProducerOperation()).isEqualTo(ServiceBusProducerOperationDefinition.sendMessages);
            }
            if (name.contains("dead-letter") || name.contains("parked")) {
                assertThat(c.getServiceBusType()).as(uri).isEqualTo(ServiceBusType.queue);
            } else {
                assertThat(c.getServiceBusType()).as(uri).isEqualTo(ServiceBusType.topic);
            }
            if (uri.contains("subQueue")) {
                assertThat(c.getSubQueue()).isEqualTo(SubQueue.DEAD_LETTER_QUEUE);
            }
        }
        assertThat(uris).hasSize(34);
    }

    @Test
    void quickRedeliveriesWaitOnTheConsumerThreadSoEveryExchangeEndsOnTheSdksThread() {
        // (ServiceBusConsumerConcurrencyTest shows why: otherwise maxConcurrentCalls no longer bounds the exchanges)
        assertThat(quickRedeliveries.isAsyncDelayedRedelivery()).isFalse();
    }

    @Test
    void theDeadLetterReplayReadsEachQueueWithAPeekLockReceiverOfItsOwn() {
        // given: the dead-letter sources of the production lane (the lane's queue, the subscriptions' sub-queues)
        Map<String, String> expected = Map.of(
                "dead-letter-in", "data-pump-dead-letter",
                "parked-in", "data-pump-parked",
                "broker-dead-letter-in[3]", "data-pump-dead-letter/$deadletterqueue",
                "broker-dead-letter-in[4]", "data-pump-parked/$deadletterqueue",
                "broker-dead-letter-in[0]", "data-pump-data-created/subscriptions/biller-consumer/$deadletterqueue",
                "broker-dead-letter-in[1]", "data-pump-payment-created/subscriptions/item-consumer/$deadletterqueue",
                "broker-dead-letter-in[2]",
                "data-pump-paperless-registration-created/subscriptions/item-consumer/$deadletterqueue");
        expected.forEach((role, entity) -> {
            ServiceBusEndpoint endpoint = (ServiceBusEndpoint) camel.getEndpoint(
                    environment.getRequiredProperty("datapump.endpoints.production." + role));

            // when: the replay's receiver is built for it (it connects only when used)
            try (com.azure.messaging.servicebus.ServiceBusReceiverClient receiver =
                         io.datapump.admin.DeadLetterQueues.receiver(endpoint.getConfiguration())) {

                // then: it reads that entity in the pump's namespace
                assertThat(receiver.getEntityPath()).as(role).isEqualToIgnoringCase(entity);
                assertThat(receiver.getFullyQualifiedNamespace()).isEqualTo(NAMESPACE);
            }
        });
    }

    @Test
    void misspeltEndpointOptionIsRefused() {
        // given: a consumer URI with a misspelt option, as a typo in application-azure.yaml would make it
        String typo = environment.getRequiredProperty("datapump.endpoints.production.payment-in")
                .replace("maxConcurrentCalls", "maxConcurentCalls");

        // then: resolving it fails, so the route cannot be created and the context (and the build) fails
        assertThatThrownBy(() -> camel.getEndpoint(typo)).isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("maxConcurentCalls");
    }

    @Test
    void theItemMessagesOfOneClaimGoOutAsOneBatchPerTopicWithTheirOwnProperties() throws Exception {
        // given: flushed batches recorded instead of sent (no namespace here), and a claim's block that publishes
        // two payments and one paperless registration as the biller consumer's split does
        Map<String, List<List<ServiceBusMessage>>> sent = recordBatches();
        Processor block = publishBatch.wrap(null, exchange -> {
            publishItem(exchange, "production.payment", 1);
            publishItem(exchange, "production.payment", 2);
            publishItem(exchange, "production.paperless-registration", 3);
        });

        // when the block runs
        Exchange exchange = new DefaultExchange(camel);
        block.process(exchange);

        // then one batch per topic, each message with its own body and routing properties and no Camel headers
        assertThat(exchange.getException()).isNull();
        assertThat(publishBatch.transactional()).isFalse();
        assertThat(sent).containsOnlyKeys("data-pump-payment-created", "data-pump-paperless-registration-created");
        List<List<ServiceBusMessage>> payments = sent.get("data-pump-payment-created");
        assertThat(payments).hasSize(1);
        assertThat(payments.get(0)).extracting(m -> m.getBody().toString())
                .containsExactly("{\"recordId\":1}", "{\"recordId\":2}");
        assertThat(payments.get(0)).extracting(m -> m.getApplicationProperties().get("DataPumpRecordId"))
                .containsExactly(1L, 2L);
        assertThat(payments.get(0).get(0).getApplicationProperties())
                .containsEntry("DataPumpBillerId", "biller-a")
                .doesNotContainKey("CamelInternal");
        assertThat(sent.get("data-pump-paperless-registration-created")).singleElement()
                .satisfies(batch -> assertThat(batch).hasSize(1));
    }

    @Test
    void aPublishedItemCarriesItsOwnTraceAsTheApplicationPropertyTraceparent() throws Exception {
        // given: the biller consumer's batch block, in which an item starts its own trace before it is published
        Map<String, List<List<ServiceBusMessage>>> sent = recordBatches();
        String[] itemRoot = new String[1];
        Processor block = publishBatch.wrap(null, claim -> {
            Exchange item = claim.copy();
            item.getMessage().setBody("{\"recordId\":7}");
            item.getMessage().setHeader("DataPumpBillerId", "biller-a");
            item.getMessage().setHeader("DataPumpRecordId", 7L);
            item.getMessage().setHeader("DataPumpItemType", "Payment");
            itemTraces.begin(item);
            itemRoot[0] = item.getMessage().getHeader(TraceIds.TRACEPARENT, String.class);
            // the demo lane's topic: an endpoint keeps the sink of its first flush, and the test above owns production's
            producer.send(environment.getRequiredProperty("datapump.endpoints.demo.payment-out"), item);
        });

        // when the block runs
        block.process(new DefaultExchange(camel));

        // then the Service Bus message has a W3C traceparent application property in the item's trace, whose parent
        // is the publish span (not the item's root span the exchange carried)
        assertThat(TraceIds.fromTraceparent(itemRoot[0])).isNotNull();
        ServiceBusMessage message = sent.get("data-pump-payment-created-demo").get(0).get(0);
        Object traceparent = message.getApplicationProperties().get(TraceIds.TRACEPARENT);
        assertThat(traceparent).isInstanceOf(String.class);
        assertThat(TraceIds.fromTraceparent((String) traceparent)).isEqualTo(TraceIds.fromTraceparent(itemRoot[0]));
        assertThat(traceparent).isNotEqualTo(itemRoot[0]);
    }

    @Test
    void aClaimWhoseBlockFailsSendsNothing() throws Exception {
        // given a block that publishes two payments and then fails
        Map<String, List<List<ServiceBusMessage>>> sent = recordBatches();
        Processor block = publishBatch.wrap(null, exchange -> {
            publishItem(exchange, "demo.payment", 1);
            publishItem(exchange, "demo.payment", 2);
            throw new IllegalStateException("marking failed");
        });

        // when it runs
        Exchange exchange = new DefaultExchange(camel);
        block.process(exchange);

        // then the failure is the exchange's and no batch went out
        assertThat(exchange.getException()).hasMessage("marking failed");
        assertThat(sent).isEmpty();
    }

    private Map<String, List<List<ServiceBusMessage>>> recordBatches() {
        Map<String, List<List<ServiceBusMessage>>> sent = new java.util.concurrent.ConcurrentHashMap<>();
        camel.getComponent(ServiceBusBatches.COMPONENT, ServiceBusBatches.class).sendWith(endpoint -> {
            String entity = endpoint.getConfiguration().getTopicOrQueueName();
            return new ServiceBusBatches.Sink<>() {
                @Override
                public ServiceBusBatches.Batch<ServiceBusMessage> create() {
                    List<ServiceBusMessage> messages = new ArrayList<>();
                    return new RecordedBatch(messages);
                }

                @Override
                public void send(ServiceBusBatches.Batch<ServiceBusMessage> batch) {
                    sent.computeIfAbsent(entity, e -> new ArrayList<>()).add(((RecordedBatch) batch).messages());
                }
            };
        });
        return sent;
    }

    private record RecordedBatch(List<ServiceBusMessage> messages) implements ServiceBusBatches.Batch<ServiceBusMessage> {
        @Override
        public boolean tryAdd(ServiceBusMessage message) {
            return messages.add(message);
        }

        @Override
        public int count() {
            return messages.size();
        }
    }

    /** What one step of the biller consumer's split sends: the item's JSON with its routing headers. */
    private void publishItem(Exchange claim, String laneAndItem, long recordId) {
        Exchange item = claim.copy();
        item.getMessage().setBody("{\"recordId\":" + recordId + "}");
        item.getMessage().setHeader("DataPumpBillerId", "biller-a");
        item.getMessage().setHeader("DataPumpRecordId", recordId);
        item.getMessage().setHeader("CamelInternal", "not for the broker");
        producer.send(environment.getRequiredProperty("datapump.endpoints." + laneAndItem + "-out"), item);
        if (item.getException() != null) {
            throw new IllegalStateException(item.getException());
        }
    }

    private static void assertIdentity(ServiceBusConfiguration c) {
        assertThat(c.getCredentialType()).isEqualTo(CredentialType.AZURE_IDENTITY);
        assertThat(c.getFullyQualifiedNamespace()).isEqualTo(NAMESPACE);
    }
}
