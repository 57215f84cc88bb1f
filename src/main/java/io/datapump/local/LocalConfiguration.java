package io.datapump.local;

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

    /** Applies the Data Pump's topology to the embedded Artemis broker (see {@link BrokerTopology}). */
    @Bean
    public ArtemisConfigurationCustomizer dataPumpTopology(DataPumpProperties properties, LocalProperties local) {
        return config -> BrokerTopology.apply(config, properties.getTopology(), local.getBroker());
    }
}
