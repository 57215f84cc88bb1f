package io.datapump.itemconsumer;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The threads the item consumers' JMS listener containers run on: the executor {@value #BEAN} that the local
 * item-topic endpoints name ({@code taskExecutor=#itemConsumerTaskExecutor}). With
 * datapump.item-consumer.virtual-threads on JDK 21 or later every consumer is a virtual thread; otherwise (and on
 * JDK 17, with a warning) platform threads, one per concurrent consumer, as the listener container would make itself.
 * Bound in Camel's registry only: a Spring TaskExecutor bean would replace Spring Boot's own auto-configured
 * executor. Not used by the azure profile (camel-azure-servicebus has its own client threads).
 */
@Configuration(proxyBeanMethods = false)
public class ItemConsumerThreads {

    private static final Logger LOG = LoggerFactory.getLogger(ItemConsumerThreads.class);

    /** Name of the executor in Camel's registry. */
    public static final String BEAN = "itemConsumerTaskExecutor";

    @Bean
    public CamelContextConfiguration itemConsumerThreadsSetup(
            @Value("${datapump.item-consumer.virtual-threads:false}") boolean virtualThreads) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getRegistry().bind(BEAN, executor(virtualThreads, Runtime.version().feature()));
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }

    static SimpleAsyncTaskExecutor executor(boolean virtualThreads, int javaFeatureVersion) {
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("item-consumer-");
        if (virtualThreads && javaFeatureVersion >= 21) {
            executor.setVirtualThreads(true);
            LOG.info("Item consumers run on virtual threads (Java {})", javaFeatureVersion);
        } else if (virtualThreads) {
            LOG.warn("datapump.item-consumer.virtual-threads=true needs Java 21 or later; this is Java {}: the item "
                    + "consumers run on platform threads", javaFeatureVersion);
        }
        return executor;
    }
}
