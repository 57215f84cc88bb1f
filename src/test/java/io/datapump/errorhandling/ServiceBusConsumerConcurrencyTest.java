package io.datapump.errorhandling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.datapump.DataPumpProperties;

import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * How Camel 4.17's Service Bus consumer hands a message over: the SDK calls it on one of its maxConcurrentCalls
 * threads, it calls the route's {@code AsyncProcessor.process(exchange, callback)} and returns; when it returns, the
 * SDK stops renewing the message's lock and fetches the next one. Here that hand-over runs for real against a Camel
 * route with the pump's quick-redelivery policy, on two SDK-like threads, with every item failing twice before it
 * succeeds: with the redeliveries on the consumer thread (the azure profile) no more exchanges are in flight than
 * threads; with asynchronous redeliveries (the local default, right for JMS) the bound is lost.
 */
class ServiceBusConsumerConcurrencyTest {

    static final int CONCURRENT_CALLS = 2;
    static final int MESSAGES = 12;

    @Test
    void withRedeliveriesOnTheConsumerThreadTheConcurrencyBoundsTheExchangesInFlight() throws Exception {
        // given / when
        int maxInFlight = maxInFlight(false);

        // then
        assertThat(maxInFlight).isLessThanOrEqualTo(CONCURRENT_CALLS);
    }

    @Test
    void withAsynchronousRedeliveriesTheSdkWouldTakeMoreMessagesThanItsConcurrency() throws Exception {
        // given / when
        int maxInFlight = maxInFlight(true);

        // then: the failure mode the azure profile avoids
        assertThat(maxInFlight).isGreaterThan(CONCURRENT_CALLS);
    }

    private static int maxInFlight(boolean immediateAsync) throws Exception {
        DataPumpProperties properties = new DataPumpProperties();
        properties.getRetry().setImmediateAsync(immediateAsync);
        properties.getRetry().getImmediate().setInitialDelay(Duration.ofMillis(40));
        properties.getRetry().getImmediate().setMaxDelay(Duration.ofMillis(80));
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("quickRedeliveries", new QuickRedeliveryPolicy().quickRedeliveries(properties));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // the shape of routes/error-handling.camel.yaml's on-transient: a policy by reference, retryWhile
                    onException(IllegalStateException.class).redeliveryPolicyRef("quickRedeliveries")
                            .retryWhile(e -> true).handled(true);
                    from("direct:item").routeId("item").process(e -> {
                        int attempt = attempts.computeIfAbsent(e.getMessage().getBody(String.class),
                                k -> new AtomicInteger()).incrementAndGet();
                        if (attempt <= 2) {
                            throw new IllegalStateException("CIS answered 503 (attempt " + attempt + ")");
                        }
                    });
                }
            });
            camel.start();
            AsyncProcessor route = ((DefaultConsumer) camel.getRoute("item").getConsumer()).getAsyncProcessor();

            ConcurrentLinkedQueue<String> subscription = new ConcurrentLinkedQueue<>();
            IntStream.range(0, MESSAGES).forEach(i -> subscription.add("item-" + i));
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(MESSAGES);
            ExecutorService sdkThreads = Executors.newFixedThreadPool(CONCURRENT_CALLS);
            for (int t = 0; t < CONCURRENT_CALLS; t++) {
                sdkThreads.submit(() -> {
                    String message;
                    while ((message = subscription.poll()) != null) {
                        Exchange exchange = new DefaultExchange(camel);
                        exchange.getMessage().setBody(message);
                        max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        route.process(exchange, doneSync -> {
                            inFlight.decrementAndGet();
                            done.countDown();
                        });
                        // the SDK's callback returns here: the message is let go, the next one fetched
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).as("every message finished").isTrue();
            sdkThreads.shutdown();
            assertThat(attempts.values()).allSatisfy(a -> assertThat(a.get()).isEqualTo(3));
            return max.get();
        }
    }
}
