package io.datapump.local;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import io.datapump.DataPumpProperties;

/**
 * The Artemis side of the local transport: every topic of both lanes with its durable subscription queue created up
 * front (a message published before a consumer ever connected is kept, not dropped), the dead-letter and parked
 * queues, and broker-side redelivery with a dead-letter address. Used by the embedded broker and by any standalone
 * Artemis a test or a developer runs.
 */
public final class BrokerTopology {

    private BrokerTopology() {
    }

    public static void apply(Configuration config, DataPumpProperties.Topology topology, LocalProperties.Broker broker) {
        config.addAddressSetting("#", new AddressSettings()
                .setRedeliveryDelay(broker.getRedeliveryDelay())
                .setRedeliveryMultiplier(broker.getRedeliveryMultiplier())
                .setMaxRedeliveryDelay(broker.getMaxRedeliveryDelay())
                .setMaxDeliveryAttempts(broker.getMaxDeliveryAttempts())
                .setDeadLetterAddress(SimpleString.of(broker.getDeadLetterAddress()))
                .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        queue(config, broker.getDeadLetterAddress());
        topology.lanes().values().forEach(lane -> {
            topic(config, lane.getBillerTopic(), topology.getBillerSubscription());
            topic(config, lane.getPaymentTopic(), topology.getItemSubscription());
            topic(config, lane.getPaperlessRegistrationTopic(), topology.getItemSubscription());
            queue(config, lane.getDeadLetterQueue());
            queue(config, lane.getParkedQueue());
        });
    }

    /** The Artemis queue behind a topic subscription (Artemis queue names are global, so the topic is included). */
    public static String subscriptionQueue(String topic, String subscription) {
        return topic + "-" + subscription;
    }

    private static void queue(Configuration config, String name) {
        if (config.getAddressConfigurations().stream().anyMatch(a -> a.getName().equals(name))) {
            return;
        }
        config.addAddressConfiguration(new CoreAddressConfiguration()
                .setName(name)
                .addRoutingType(RoutingType.ANYCAST)
                .addQueueConfig(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST).setDurable(true)));
    }

    private static void topic(Configuration config, String topic, String subscription) {
        config.addAddressConfiguration(new CoreAddressConfiguration()
                .setName(topic)
                .addRoutingType(RoutingType.MULTICAST)
                .addQueueConfig(QueueConfiguration.of(subscriptionQueue(topic, subscription))
                        .setAddress(topic)
                        .setRoutingType(RoutingType.MULTICAST)
                        .setDurable(true)));
    }
}
