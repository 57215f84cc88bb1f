package io.datapump.support;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.datapump.itemconsumer.ItemContext;
import io.datapump.message.ItemMessage;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Records which billers' items every item-topic consumer route handled (lane isolation checks). */
@TestConfiguration(proxyBeanMethods = false)
public class ItemTopics {

    /** Item topic name → billers whose items a consumer of that topic completed. */
    public static final Map<String, Set<String>> BILLERS_BY_TOPIC = new ConcurrentHashMap<>();

    @Bean
    CamelContextConfiguration itemTopicRecorder() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                    @Override
                    public void notify(CamelEvent event) {
                        Exchange exchange = ((CamelEvent.ExchangeCompletedEvent) event).getExchange();
                        ItemMessage item = ItemContext.of(exchange).map(ItemContext::message).orElse(null);
                        if (item != null && exchange.getFromEndpoint() != null) {
                            String topic = exchange.getFromEndpoint().getEndpointUri()
                                    .replaceAll("^jms://topic:|\\?.*$", "");
                            BILLERS_BY_TOPIC.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet())
                                    .add(item.billerId());
                        }
                    }

                    @Override
                    public boolean isEnabled(CamelEvent event) {
                        return event instanceof CamelEvent.ExchangeCompletedEvent;
                    }
                });
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }
}
