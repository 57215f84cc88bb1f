package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.datapump.support.CisStub;
import io.datapump.support.TestBillers;

import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.task.TaskExecutor;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * datapump.item-consumer.virtual-threads=true: on Java 21+ the item consumers' listener threads are virtual, on
 * Java 17 they fall back to platform threads; either way every item is delivered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class VirtualThreadsTest {

    static final CisStub CIS = new CisStub();

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "200");
        registry.add("datapump.publisher.initial-delay", () -> "100");
        registry.add("datapump.item-consumer.virtual-threads", () -> true);
        TestBillers.into(registry).biller("loom", false, true, 30, 10, CIS);
    }

    @Autowired CamelContext camel;

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void itemConsumersRunOnVirtualThreadsFromJava21AndDeliverEveryItem() throws Exception {
        // given: the flag on, on whatever JDK runs the tests
        boolean loom = Runtime.version().feature() >= 21;

        // when: the seeded items flow
        await().atMost(Duration.ofSeconds(60)).until(() -> CIS.acceptedPerKey().size() == 40);

        // then: every item once, and each item-topic endpoint runs on the shared executor of the expected kind
        assertThat(CIS.acceptedPerKey().values()).allMatch(n -> n == 1L);
        for (String route : new String[] {"item-consumer-payment-production",
                "item-consumer-paperless-registration-production"}) {
            JmsEndpoint endpoint = (JmsEndpoint) camel.getRoute(route).getEndpoint();
            TaskExecutor executor = endpoint.getTaskExecutor();
            assertThat(executor).isSameAs(camel.getRegistry().lookupByName("itemConsumerTaskExecutor"));
            assertThat(runsOnVirtualThread(executor)).as("virtual threads on Java " + Runtime.version().feature())
                    .isEqualTo(loom);
        }
    }

    static boolean runsOnVirtualThread(TaskExecutor executor) throws Exception {
        CompletableFuture<Boolean> virtual = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                virtual.complete((Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread()));
            } catch (NoSuchMethodException java17) {
                virtual.complete(false);
            } catch (Exception e) {
                virtual.completeExceptionally(e);
            }
        });
        return virtual.get(10, TimeUnit.SECONDS);
    }
}
