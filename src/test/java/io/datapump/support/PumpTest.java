package io.datapump.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * A Spring Boot test of the running pump on its embedded default (embedded Artemis, H2 shards, the real routes),
 * with the settings most tests want: no source simulator, a publisher every 300 ms, the sweeper every 300 ms,
 * claims of 10, and no configured billers. Every class annotated so (and adding no settings of its own) shares one
 * context; each registers the billers it needs at run time through its {@link Pump} extension, which also owns its
 * CIS stub and its operator and viewer clients. A fresh data folder is made for each context
 * ({@link FreshDataDirs}), and the context records which billers each item topic carried ({@link ItemTopics}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "camel.main.name=" + PumpTest.CAMEL_CONTEXT,
    "datapump.local.source-simulator.rate=0",
    "datapump.publisher.interval=300",
    "datapump.publisher.initial-delay=100",
    "datapump.sweeper.interval=300ms",
    "datapump.biller-consumer.claim-batch-size=10",
    // no configured billers with items: a single disabled one (a list cannot be emptied by a property)
    "datapump.local.billers[0].id=none-configured",
    "datapump.local.billers[0].name=none configured",
    "datapump.local.billers[0].enabled=false"})
@ActiveProfiles("local")
@Import(ItemTopics.class)
public @interface PumpTest {

    /** The shared context's Camel name, as its MBeans carry it. */
    String CAMEL_CONTEXT = "pump-test";
}
