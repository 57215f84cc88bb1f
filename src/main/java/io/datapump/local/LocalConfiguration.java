package io.datapump.local;

import io.datapump.DataPumpProperties;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.jms.connection.CachingConnectionFactory;

/** The embedded default's broker: its topology, and consumers that fetch no messages ahead. */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@EnableConfigurationProperties(LocalProperties.class)
public class LocalConfiguration {

    /**
     * Consumers fetch no messages ahead (datapump.local.broker.consumer-window-size, 0 by default), as on Service Bus
     * (prefetch 0): a message is delivered only to a consumer about to handle it, so a process that dies holds only
     * its in-flight messages, not a buffer of the topic, and a few crashes in a row never use up the delivery count
     * of messages nobody worked on. Applies to the connection factory Spring Boot builds, embedded or native.
     */
    @Bean
    public static BeanPostProcessor artemisConsumerWindow(Environment environment) {
        int window = environment.getProperty("datapump.local.broker.consumer-window-size", Integer.class, 0);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                Object target = bean instanceof CachingConnectionFactory caching
                        ? caching.getTargetConnectionFactory() : bean;
                if (target instanceof ActiveMQConnectionFactory artemis) {
                    artemis.setConsumerWindowSize(window);
                }
                return bean;
            }
        };
    }

    /** Applies the Data Pump's topology to the embedded Artemis broker (see {@link BrokerTopology}). */
    @Bean
    public ArtemisConfigurationCustomizer dataPumpTopology(DataPumpProperties properties, LocalProperties local) {
        return config -> BrokerTopology.apply(config, properties.getTopology(), local.getBroker());
    }
}
