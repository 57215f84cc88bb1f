package io.datapump.metrics;

import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/** Where the dead-letter depth comes from: the Service Bus administration API on Azure, browsing elsewhere. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    @Profile("azure")
    DeadLetterDepth serviceBusDeadLetterDepth(Environment environment) {
        return new ServiceBusDeadLetterDepth(environment);
    }

    @Bean
    @Profile("!azure")
    DeadLetterDepth browsingDeadLetterDepth(CamelContext camel, Environment environment) {
        return new BrowsingDeadLetterDepth(camel, environment);
    }
}
