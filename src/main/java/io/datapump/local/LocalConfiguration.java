package io.datapump.local;

import io.datapump.DataPumpProperties;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jms.connection.DelegatingConnectionFactory;

/** The embedded default's broker topology and the JMS transport's two connection factories. */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@EnableConfigurationProperties(LocalProperties.class)
public class LocalConfiguration {

    /** The name the consumer endpoints give (connectionFactory=#listenerConnectionFactory in application-local.yaml). */
    public static final String LISTENER_CONNECTION_FACTORY = "listenerConnectionFactory";

    /** Applies the Data Pump's topology to the embedded Artemis broker (see {@link BrokerTopology}). */
    @Bean
    public ArtemisConfigurationCustomizer dataPumpTopology(DataPumpProperties properties, LocalProperties local) {
        return config -> BrokerTopology.apply(config, properties.getTopology(), local.getBroker());
    }

    /**
     * The consumers' connection factory: the same connections as Spring Boot's, under another identity. A consumer
     * exposes its session (one commit per consumed message, no second session per message), and Spring binds that
     * session to the consumer's connection factory; the route's producers use Boot's factory, so they never join it
     * and each publish commits on its own, as docs/schema.md's crash argument requires. Bound in Camel's registry,
     * not as a Spring bean: a second ConnectionFactory bean would switch Spring Boot's off; the JMS component is
     * given Boot's explicitly.
     */
    @Bean
    public CamelContextConfiguration listenerConnectionFactory(ObjectProvider<ConnectionFactory> jms) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                ConnectionFactory producers = jms.getObject();
                DelegatingConnectionFactory listeners = new DelegatingConnectionFactory();
                listeners.setTargetConnectionFactory(producers);
                camel.getRegistry().bind(LISTENER_CONNECTION_FACTORY, ConnectionFactory.class, listeners);
                // with two connection factories in the registry Camel no longer autowires one: name Boot's
                camel.getComponent("jms", JmsComponent.class).setConnectionFactory(producers);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing after start
            }
        };
    }
}
