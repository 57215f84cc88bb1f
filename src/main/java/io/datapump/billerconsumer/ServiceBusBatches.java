package io.datapump.billerconsumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;

import org.apache.camel.Component;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.azure.servicebus.ServiceBusComponent;
import org.apache.camel.component.azure.servicebus.ServiceBusComponentConfigurer;
import org.apache.camel.component.azure.servicebus.ServiceBusConfiguration;
import org.apache.camel.component.azure.servicebus.ServiceBusConstants;
import org.apache.camel.component.azure.servicebus.ServiceBusEndpoint;
import org.apache.camel.component.azure.servicebus.ServiceBusEndpointConfigurer;
import org.apache.camel.component.azure.servicebus.ServiceBusHeaderFilterStrategy;
import org.apache.camel.component.azure.servicebus.ServiceBusProducerOperationDefinition;
import org.apache.camel.component.azure.servicebus.ServiceBusUtils;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Batched publishing on Service Bus. The {@code azure-servicebus} component is registered as this subclass, so every
 * endpoint of the azure profile stays the Camel endpoint its URI names; only its producer differs: inside a block
 * of {@link PublishBatch} (the biller consumer's split), a send that would go out on its own is collected instead,
 * built exactly as Camel's producer builds it (body, application properties by the endpoint's header filter,
 * correlation and session id). When the block ends without failure the collected messages go out with one batch
 * send per entity — split into several when they exceed the entity's batch size limit, which the SDK's
 * {@code tryAddMessage} knows — before the batch is marked Queued. A block that fails sends nothing. Outside a
 * block (continuations, retries, dead letters, replays) each send is Camel's own.
 */
@org.springframework.stereotype.Component(ServiceBusBatches.COMPONENT)
public class ServiceBusBatches extends ServiceBusComponent {

    /** The Camel component name this class is registered under, replacing the plain one. */
    public static final String COMPONENT = "azure-servicebus";

    /** Exchange property holding the open batch of a {@link PublishBatch} block. */
    static final String OPEN_BATCH = "DataPumpOpenServiceBusBatch";

    private static final PropertyConfigurer COMPONENT_OPTIONS = new ServiceBusComponentConfigurer();
    private static final PropertyConfigurer ENDPOINT_OPTIONS = new ServiceBusEndpointConfigurer();

    /** null: each entity's own sender client. */
    private Function<ServiceBusEndpoint, Sink<ServiceBusMessage>> sinks;

    /** Where flushed batches go instead of the entities' sender clients (for tests without a namespace). */
    public void sendWith(Function<ServiceBusEndpoint, Sink<ServiceBusMessage>> sinks) {
        this.sinks = sinks;
    }

    // Camel finds a component's option binders by its class name; this subclass uses the Service Bus ones
    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() {
        return COMPONENT_OPTIONS;
    }

    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return ENDPOINT_OPTIONS;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        // the component's own parsing, credentials and validation; then the same configuration on a batching endpoint
        ServiceBusEndpoint plain = (ServiceBusEndpoint) super.createEndpoint(uri, remaining, parameters);
        return new BatchingEndpoint(uri, this, plain.getConfiguration());
    }

    /** Opens a batch on the exchange: sends to Service Bus endpoints are collected until {@link Open#send}. */
    static Open open(Exchange exchange) {
        Open batch = new Open();
        exchange.setProperty(OPEN_BATCH, batch);
        return batch;
    }

    /** The messages of one block, by entity, in the order they were sent. */
    static final class Open {
        private final Map<BatchingEndpoint, List<ServiceBusMessage>> byEntity = new LinkedHashMap<>();

        synchronized void add(BatchingEndpoint endpoint, ServiceBusMessage message) {
            byEntity.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(message);
        }

        /** Sends every entity's messages in as few batches as fit; the first failure stops and propagates. */
        synchronized void send() {
            byEntity.forEach(BatchingEndpoint::sendAll);
            byEntity.clear();
        }
    }

    /** An endpoint's batch sends: how a batch is made and sent (the SDK's sender client, or a test's). */
    public interface Sink<M> {
        Batch<M> create();

        void send(Batch<M> batch);
    }

    /** One batch being filled: refuses a message that would take it past its size limit. */
    public interface Batch<M> {
        boolean tryAdd(M message);

        int count();
    }

    /**
     * Sends the messages in order in as few batches as the sink's size limit allows. Returns the number of batches
     * sent. A message too large for an empty batch cannot be sent at all and fails the whole send.
     */
    public static <M> int sendInBatches(String entity, List<M> messages, Sink<M> sink) {
        int sent = 0;
        Batch<M> batch = null;
        for (M message : messages) {
            if (batch == null) {
                batch = sink.create();
            }
            if (batch.tryAdd(message)) {
                continue;
            }
            if (batch.count() > 0) {
                sink.send(batch);
                sent++;
                batch = sink.create();
                if (batch.tryAdd(message)) {
                    continue;
                }
            }
            throw new IllegalStateException("A message is larger than " + entity + " accepts in one batch; it "
                    + "was not sent, nor were the messages after it (" + sent + " batch(es) before it were sent)");
        }
        if (batch != null && batch.count() > 0) {
            sink.send(batch);
            sent++;
        }
        return sent;
    }

    /** A Service Bus endpoint whose sends join an open batch; everything else is the plain endpoint's. */
    static final class BatchingEndpoint extends ServiceBusEndpoint {

        /** Made at the first flush: the entity's sender client, or the component's test sinks. */
        private Sink<ServiceBusMessage> sink;

        BatchingEndpoint(String uri, Component component, ServiceBusConfiguration configuration) {
            super(uri, component, configuration);
        }

        @Override
        public Producer createProducer() throws Exception {
            return new BatchingProducer(this, super.createProducer());
        }

        private synchronized Sink<ServiceBusMessage> sink() {
            if (sink == null) {
                ServiceBusBatches component = (ServiceBusBatches) getComponent();
                sink = component.sinks != null ? component.sinks.apply(this) : new SenderClientSink(
                        getServiceBusClientFactory().createServiceBusSenderClient(getConfiguration()));
            }
            return sink;
        }

        void sendAll(List<ServiceBusMessage> messages) {
            sendInBatches(getConfiguration().getTopicOrQueueName(), messages, sink());
        }

        @Override
        protected void doStop() throws Exception {
            synchronized (this) {
                if (sink instanceof SenderClientSink sender) {
                    sender.client().close();
                }
                sink = null;
            }
            super.doStop();
        }
    }

    /** The SDK's sender client: a batch is the client's {@link ServiceBusMessageBatch}, sized by the entity's link. */
    private record SenderClientSink(ServiceBusSenderClient client) implements Sink<ServiceBusMessage> {
        @Override
        public Batch<ServiceBusMessage> create() {
            return new SdkBatch(client.createMessageBatch());
        }

        @Override
        public void send(Batch<ServiceBusMessage> batch) {
            client.sendMessages(((SdkBatch) batch).batch);
        }
    }

    private record SdkBatch(ServiceBusMessageBatch batch) implements Batch<ServiceBusMessage> {
        @Override
        public boolean tryAdd(ServiceBusMessage message) {
            return batch.tryAddMessage(message);
        }

        @Override
        public int count() {
            return batch.getCount();
        }
    }

    /** Collects a send into the exchange's open batch, or leaves it to Camel's producer when none is open. */
    static final class BatchingProducer extends DefaultProducer {

        private final Producer plain;
        private final ServiceBusConfiguration configuration;

        BatchingProducer(BatchingEndpoint endpoint, Producer plain) {
            super(endpoint);
            this.plain = plain;
            this.configuration = endpoint.getConfiguration();
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            Open open = exchange.getProperty(OPEN_BATCH, Open.class);
            if (open == null || configuration.getProducerOperation() != ServiceBusProducerOperationDefinition.sendMessages) {
                plain.process(exchange);
                return;
            }
            open.add((BatchingEndpoint) getEndpoint(), message(exchange, configuration));
        }

        @Override
        protected void doStart() throws Exception {
            ServiceHelper.startService(plain);
        }

        @Override
        protected void doStop() throws Exception {
            ServiceHelper.stopService(plain);
        }
    }

    /** The message Camel's Service Bus producer would send for this exchange. */
    static ServiceBusMessage message(Exchange exchange, ServiceBusConfiguration configuration) {
        Map<String, Object> properties = new HashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> explicit = exchange.getMessage()
                .getHeader(ServiceBusConstants.APPLICATION_PROPERTIES, Map.class);
        if (explicit != null) {
            properties.putAll(explicit);
        }
        HeaderFilterStrategy filter = configuration.getHeaderFilterStrategy() != null
                ? configuration.getHeaderFilterStrategy() : new ServiceBusHeaderFilterStrategy();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (!filter.applyFilterToCamelHeaders(name, value, exchange)) {
                properties.put(name, value);
            }
        });
        Object body = configuration.isBinary()
                ? exchange.getMessage().getBody(byte[].class) : exchange.getMessage().getBody(String.class);
        String correlationId = exchange.getMessage().getHeader(ServiceBusConstants.CORRELATION_ID, String.class);
        return ServiceBusUtils.createServiceBusMessage(body, properties, correlationId, configuration.getSessionId());
    }
}
