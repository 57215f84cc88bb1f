package io.datapump.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    /** One dead-letter queue or sub-queue. */
    public interface Queue {
        /** Up to {@code limit} messages, left where they are. Null when the transport cannot look without taking. */
        List<Exchange> peek(int limit);

        /** The next message, or null when none came within the timeout. */
        Taken take(Duration timeout);
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
        return exchange(m.getBody() == null ? null : m.getBody().toString(), m.getApplicationProperties(),
                m.getCorrelationId());
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
    }

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
            return endpoint instanceof BrowsableEndpoint browsable ? browsable.getExchanges(limit, null) : null;
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
