package io.datapump.publisher;

import io.datapump.DataPumpProperties;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class PublisherConfiguration {

    /**
     * The thread pool profile "shardScanPool" the biller publisher scans shards with (datapump.publisher.scan-threads),
     * so one slow shard only holds up its own thread.
     */
    @Bean
    public CamelContextConfiguration shardScanPoolProfile(DataPumpProperties properties) {
        int threads = properties.getPublisher().getScanThreads();
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getExecutorServiceManager().registerThreadPoolProfile(
                        new ThreadPoolProfileBuilder("shardScanPool").poolSize(threads).maxPoolSize(threads)
                                .maxQueueSize(-1).build());
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }
}
