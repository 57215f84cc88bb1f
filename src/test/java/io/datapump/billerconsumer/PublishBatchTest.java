package io.datapump.billerconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.datapump.support.PumpTest;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/**
 * The biller consumer's batch policy on the real local transport (Camel's JMS producer, the embedded Artemis): the
 * sends of one block become visible together when the block ends, or not at all when it fails.
 */
@PumpTest
class PublishBatchTest {

    @Autowired PublishBatch publishBatch;
    @Autowired CamelContext camel;
    @Autowired ProducerTemplate producer;
    @Autowired JmsTemplate jms;

    @Test
    void sendsOfOneBlockReachTheQueueTogetherWhenItEnds() throws Exception {
        // given a block that sends three messages and looks at the queue from outside before it ends
        String queue = "publish-batch-together";
        AtomicInteger seenInside = new AtomicInteger(-1);
        Processor block = publishBatch.wrap(null, exchange -> {
            for (int i = 1; i <= 3; i++) {
                producer.sendBody("jms:queue:" + queue, "item " + i);
            }
            seenInside.set(depthSeenByAnotherThread(queue));
        });

        // when it runs
        Exchange exchange = new DefaultExchange(camel);
        block.process(exchange);

        // then nothing was visible before the block ended, and all three are there after it
        assertThat(publishBatch.transactional()).isTrue();
        assertThat(exchange.getException()).isNull();
        assertThat(seenInside.get()).isZero();
        assertThat(depthSeenByAnotherThread(queue)).isEqualTo(3);
    }

    @Test
    void aBlockThatFailsPublishesNothing() throws Exception {
        // given a block that sends two messages and then fails
        String queue = "publish-batch-rolled-back";
        Processor block = publishBatch.wrap(null, exchange -> {
            producer.sendBody("jms:queue:" + queue, "item 1");
            producer.sendBody("jms:queue:" + queue, "item 2");
            throw new IllegalStateException("the third item could not be prepared");
        });

        // when it runs
        Exchange exchange = new DefaultExchange(camel);
        block.process(exchange);

        // then the exchange carries the failure and neither message was published
        assertThat(exchange.getException()).hasMessageContaining("third item");
        assertThat(depthSeenByAnotherThread(queue)).isZero();
    }

    /** Browsed from another thread: outside any transaction of the caller's. */
    private int depthSeenByAnotherThread(String queue) {
        return CompletableFuture.supplyAsync(() -> jms.browse(queue, (session, browser) -> {
            int n = 0;
            for (var e = browser.getEnumeration(); e.hasMoreElements(); e.nextElement()) {
                n++;
            }
            return n;
        })).join();
    }
}
