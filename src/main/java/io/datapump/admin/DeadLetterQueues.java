package io.datapump.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.PollingConsumer;
import org.apache.camel.component.azure.servicebus.ServiceBusConfiguration;
import org.apache.camel.component.azure.servicebus.ServiceBusEndpoint;
import org.apache.camel.component.azure.servicebus.ServiceBusType;
import org.apache.camel.spi.BrowsableEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Reading a dead-letter queue for the replay, one message at a time and settled only after it was handled. On Service
 * Bus a receiver client of its own (peek-lock, no prefetch): the dry run peeks (nothing locked, nothing settled), the
 * drain receives one message, and completes it once replayed or abandons it (it stays on the queue) when handling
 * failed. An event-driven Camel consumer behind a ConsumerTemplate would instead fetch ahead and settle messages the
 * replay never saw. On a browsable transport (the local broker) Camel's endpoint browses and its polling consumer
 * receives.
 */
@Component
public class DeadLetterQueues implements DisposableBean {

    /** One message taken off a queue, to be settled once handled. */
    public record Taken(Exchange message, Runnable onDone, Runnable onGiveBack) {

        /** Handled: remove it from the queue for good. */
        public void done() {
            onDone.run();
        }

        /** Not handled: leave it on the queue (Service Bus) or hand it back where it can be read again. */
        public void giveBack() {
            onGiveBack.run();
        }
    }

    /**
     * The header every peeked or taken message carries: the transport's id of the message on its queue (the JMS
     * message id; the Service Bus sequence number), by which {@link Queue#take(Set, Duration)} finds it again.
     */
    public static final String QUEUE_MESSAGE_ID = "DataPumpQueueMessageId";

    /** What a queue message id may look like: no quotes or spaces, so it can stand in a JMS selector. */
    private static final java.util.regex.Pattern SAFE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9:_.\\-]{1,200}");

    /** One dead-letter queue or sub-queue. */
    public interface Queue {
        /** Up to {@code limit} messages, left where they are. Null when the transport cannot look without taking. */
        List<Exchange> peek(int limit);

        /** The next message, or null when none came within the timeout. */
        Taken take(Duration timeout);

        /**
         * The messages with these queue message ids that are still on the queue, taken off it (to be settled by the
         * caller, one by one); ids not found are left out. Other messages stay where they were.
         */
        Map<String, Taken> take(Set<String> messageIds, Duration timeout);
    }

    /** Whether a queue message id is one this class could have given (a browsed message's id, not a selector). */
    public static boolean isQueueMessageId(String id) {
        return id != null && SAFE_ID.matcher(id).matches();
    }

    private final CamelContext camel;
    private final ConsumerTemplate consumer;
    private final Map<String, ServiceBusReceiverClient> receivers = new ConcurrentHashMap<>();

    public DeadLetterQueues(CamelContext camel, ConsumerTemplate consumer) {
        this.camel = camel;
        this.consumer = consumer;
    }

    /** The queue an endpoint URI names; {@code putBack} is where a JMS message that could not be handled goes. */
    public Queue open(String uri, java.util.function.Consumer<Exchange> putBack) {
        Endpoint endpoint = camel.getEndpoint(uri);
        if (endpoint instanceof ServiceBusEndpoint serviceBus) {
            return new ServiceBusQueue(receivers.computeIfAbsent(uri, u -> receiver(serviceBus.getConfiguration())));
        }
        return new CamelQueue(uri, endpoint, putBack);
    }

    /** A peek-lock receiver without prefetch for the entity (and sub-queue) the endpoint names, with its credentials. */
    public static ServiceBusReceiverClient receiver(ServiceBusConfiguration c) {
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
        switch (c.getCredentialType()) {
            case CONNECTION_STRING -> builder.connectionString(c.getConnectionString());
            case TOKEN_CREDENTIAL -> builder.credential(c.getFullyQualifiedNamespace(), c.getTokenCredential());
            default -> builder.credential(c.getFullyQualifiedNamespace(), new DefaultAzureCredentialBuilder().build());
        }
        ServiceBusClientBuilder.ServiceBusReceiverClientBuilder receiver = builder.receiver()
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK).prefetchCount(0).disableAutoComplete();
        if (c.getServiceBusType() == ServiceBusType.topic) {
            receiver.topicName(c.getTopicOrQueueName()).subscriptionName(c.getSubscriptionName());
        } else {
            receiver.queueName(c.getTopicOrQueueName());
        }
        if (c.getSubQueue() != null) {
            receiver.subQueue(c.getSubQueue());
        }
        return receiver.buildClient();
    }

    /** A received Service Bus message as the replay reads it: body text, application properties as headers. */
    Exchange exchange(String body, Map<String, Object> properties, String correlationId) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        if (properties != null) {
            properties.forEach((k, v) -> exchange.getMessage().setHeader(k, v));
        }
        if (correlationId != null) {
            exchange.getMessage().setHeader("CamelAzureServiceBusCorrelationId", correlationId);
        }
        return exchange;
    }

    private Exchange exchange(ServiceBusReceivedMessage m) {
        Exchange exchange = exchange(m.getBody() == null ? null : m.getBody().toString(), m.getApplicationProperties(),
                m.getCorrelationId());
        exchange.getMessage().setHeader(QUEUE_MESSAGE_ID, Long.toString(m.getSequenceNumber()));
        return exchange;
    }

    private final class ServiceBusQueue implements Queue {
        private final ServiceBusReceiverClient receiver;

        ServiceBusQueue(ServiceBusReceiverClient receiver) {
            this.receiver = receiver;
        }

        @Override
        public List<Exchange> peek(int limit) {
            List<Exchange> peeked = new ArrayList<>();
            receiver.peekMessages(limit).forEach(m -> peeked.add(exchange(m)));
            return peeked;
        }

        @Override
        public Taken take(Duration timeout) {
            Iterator<ServiceBusReceivedMessage> received = receiver.receiveMessages(1, timeout).iterator();
            if (!received.hasNext()) {
                return null;
            }
            ServiceBusReceivedMessage message = received.next();
            return new Taken(exchange(message), () -> receiver.complete(message), () -> receiver.abandon(message));
        }

        /**
         * Service Bus cannot receive a chosen message of a queue (only deferred ones, by sequence number): this
         * receives up to {@link #SCAN_LIMIT} messages, keeps the chosen ones, and abandons the others at once, so they
         * stay on the queue as they were (a dead-letter sub-queue does not dead-letter them again).
         */
        @Override
        public Map<String, Taken> take(Set<String> messageIds, Duration timeout) {
            Map<String, Taken> found = new LinkedHashMap<>();
            List<ServiceBusReceivedMessage> others = new ArrayList<>();
            try {
                int scanned = 0;
                while (found.size() < messageIds.size() && scanned < SCAN_LIMIT) {
                    int before = scanned;
                    for (ServiceBusReceivedMessage m : receiver.receiveMessages(10, timeout)) {
                        scanned++;
                        String id = Long.toString(m.getSequenceNumber());
                        if (messageIds.contains(id) && !found.containsKey(id)) {
                            found.put(id, new Taken(exchange(m), () -> receiver.complete(m), () -> receiver.abandon(m)));
                        } else {
                            others.add(m);
                        }
                    }
                    if (scanned == before) {
                        break;
                    }
                }
            } finally {
                others.forEach(receiver::abandon);
            }
            return found;
        }
    }

    /** How many messages a Service Bus selection looks at before it gives up on ids it has not found. */
    static final int SCAN_LIMIT = 1000;

    private final class CamelQueue implements Queue {
        private final String uri;
        private final Endpoint endpoint;
        private final java.util.function.Consumer<Exchange> putBack;

        CamelQueue(String uri, Endpoint endpoint, java.util.function.Consumer<Exchange> putBack) {
            this.uri = uri;
            this.endpoint = endpoint;
            this.putBack = putBack;
        }

        @Override
        public List<Exchange> peek(int limit) {
            if (!(endpoint instanceof BrowsableEndpoint browsable)) {
                return null;
            }
            List<Exchange> browsed = browsable.getExchanges(limit, null);
            browsed.forEach(e -> e.getMessage().setHeader(QUEUE_MESSAGE_ID,
                    e.getMessage().getHeader("JMSMessageID", e.getMessage().getMessageId(), String.class)));
            return browsed;
        }

        /** Each chosen message received by a JMS selector on its id (no other message is touched). */
        @Override
        public Map<String, Taken> take(Set<String> messageIds, Duration timeout) {
            Map<String, Taken> found = new LinkedHashMap<>();
            for (String id : messageIds) {
                if (!isQueueMessageId(id)) {
                    continue;
                }
                Endpoint selected = camel.getEndpoint(uri + (uri.contains("?") ? "&" : "?")
                        + "selector=RAW(JMSMessageID = '" + id + "')");
                try {
                    PollingConsumer polling = selected.createPollingConsumer();
                    polling.start();
                    try {
                        Exchange message = polling.receive(timeout.toMillis());
                        if (message != null) {
                            // read now: the body must not be read lazily after the consumer stopped
                            message.getMessage().getBody(String.class);
                            message.getMessage().setHeader(QUEUE_MESSAGE_ID, id);
                            found.put(id, new Taken(message, () -> { }, () -> putBack.accept(message)));
                        }
                    } finally {
                        polling.stop();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("could not read message " + id + " from " + uri + ": " + e, e);
                } finally {
                    try {
                        camel.removeEndpoint(selected);
                    } catch (Exception notRemoved) {
                        // an endpoint left in the registry costs a little memory, nothing else
                    }
                }
            }
            return found;
        }

        @Override
        public Taken take(Duration timeout) {
            Exchange message = consumer.receive(uri, timeout.toMillis());
            if (message == null) {
                return null;
            }
            return new Taken(message, () -> consumer.doneUoW(message), () -> {
                // a JMS receive has taken the message off the queue: it goes back as a copy
                try {
                    putBack.accept(message);
                } finally {
                    consumer.doneUoW(message);
                }
            });
        }
    }

    @Override
    public void destroy() {
        receivers.values().forEach(ServiceBusReceiverClient::close);
        receivers.clear();
    }
}
