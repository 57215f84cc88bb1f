package io.datapump.local;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import io.datapump.DataPumpProperties;

import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The embedded default's broker topology. */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@EnableConfigurationProperties(LocalProperties.class)
public class LocalConfiguration {

    /**
     * Creates every topic of both lanes with its durable subscription queue up front, so a message published before
     * a consumer ever connected is kept, not dropped; and sets broker-side redelivery with a dead-letter address.
     */
    @Bean
    public ArtemisConfigurationCustomizer dataPumpTopology(DataPumpProperties properties, LocalProperties local) {
        return config -> {
            LocalProperties.Broker broker = local.getBroker();
            config.addAddressSetting("#", new AddressSettings()
                    .setRedeliveryDelay(broker.getRedeliveryDelay())
                    .setRedeliveryMultiplier(broker.getRedeliveryMultiplier())
                    .setMaxRedeliveryDelay(broker.getMaxRedeliveryDelay())
                    .setMaxDeliveryAttempts(broker.getMaxDeliveryAttempts())
                    .setDeadLetterAddress(SimpleString.of(broker.getDeadLetterAddress()))
                    .setExpiryAddress(SimpleString.of("ExpiryQueue")));
            queue(config, broker.getDeadLetterAddress());

            DataPumpProperties.Topology topology = properties.getTopology();
            topology.lanes().values().forEach(lane -> {
                topic(config, lane.getBillerTopic(), topology.getBillerSubscription());
                topic(config, lane.getPaymentTopic(), topology.getItemSubscription());
                topic(config, lane.getPaperlessRegistrationTopic(), topology.getItemSubscription());
                queue(config, lane.getDeadLetterQueue());
                queue(config, lane.getParkedQueue());
            });
        };
    }

    /** A durable point-to-point queue. */
    private static void queue(org.apache.activemq.artemis.core.config.Configuration config, String name) {
        config.addAddressConfiguration(new CoreAddressConfiguration()
                .setName(name)
                .addRoutingType(RoutingType.ANYCAST)
                .addQueueConfig(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST).setDurable(true)));
    }

    /** A topic with its one shared durable subscription, named as the local endpoint URIs name it. */
    private static void topic(org.apache.activemq.artemis.core.config.Configuration config, String topic,
                              String subscription) {
        config.addAddressConfiguration(new CoreAddressConfiguration()
                .setName(topic)
                .addRoutingType(RoutingType.MULTICAST)
                .addQueueConfig(QueueConfiguration.of(subscriptionQueue(topic, subscription))
                        .setAddress(topic)
                        .setRoutingType(RoutingType.MULTICAST)
                        .setDurable(true)));
    }

    /** The Artemis queue behind a topic subscription (Artemis queue names are global, so the topic is included). */
    public static String subscriptionQueue(String topic, String subscription) {
        return topic + "-" + subscription;
    }
}
