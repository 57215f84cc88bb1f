package io.datapump.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;
import io.datapump.support.CisStub;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tracing as the console does it, on the real routes: the backlog tracer is switched on through JMX (what Hawtio's
 * Trace view does over Jolokia), work with known payment and personal data goes through the pump, and neither the
 * traced messages (XML and JSON dumps) nor the log output contain any of those values, while the CIS still gets them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    // every log line the item routes write, so the check covers them
    "logging.level.io.datapump=DEBUG",
    // its own MBean names: other test contexts may live in the same JVM
    "camel.main.name=tracing-masking-test"
})
@ActiveProfiles("local")
@ExtendWith(OutputCaptureExtension.class)
class TracingMaskingTest {

    static final CisStub CIS = new CisStub();
    static final String FIRST = "Ottoline";
    static final String LAST = "Quagmire-Whitby";
    static final String EMAIL = "ottoline.qw@example.org";
    static final String ACCOUNT = "7316509284";
    static final String ADDRESS = "42 Wisteria Lane";
    static final String CARD = "4012888888881881";
    static final String BANK_ACCOUNT = "000123456789";
    static final String ROUTING = "011000015";
    static final List<String> SECRETS = List.of(FIRST, LAST, EMAIL, ACCOUNT, ADDRESS, CARD, BANK_ACCOUNT, ROUTING);

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "1s");
        registry.add("datapump.retry.immediate.attempts", () -> 0);
        TestBillers.into(registry).biller("acme", false, true, 0, 0, CIS);
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired ProducerTemplate producer;
    @Autowired org.apache.camel.CamelContext camel;

    @Test
    void tracedMessagesAndLogsShowNoPaymentOrPersonalData(CapturedOutput output) throws Exception {
        // given: the tracer on standby, switched on as an operator does it in the console (JMX, via Jolokia)
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName tracer = new ObjectName("org.apache.camel:context=" + camel.getManagementName()
                + ",type=tracer,name=BacklogTracer");
        assertThat(jmx.getAttribute(tracer, "Standby")).isEqualTo(true);
        assertThat(jmx.getAttribute(tracer, "Enabled")).isEqualTo(false);
        jmx.setAttribute(tracer, new Attribute("BacklogSize", 1000));
        jmx.setAttribute(tracer, new Attribute("Enabled", true));
        // the CIS rejects the bank payment, so the failure path (dead letter, its logs) is traced too
        CIS.respondWith(call -> call.body().contains(BANK_ACCOUNT) ? 400 : 200);

        // when: a card payment, a bank payment and a paperless registration of one customer go through the pump
        Shard shard = new ShardProbe(registry, shards).shard("acme");
        long card = payment(shard, CARD, null, null);
        long bank = payment(shard, null, BANK_ACCOUNT, ROUTING);
        long paperless = paperless(shard);
        ShardProbe probe = new ShardProbe(registry, shards);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(probe.state("acme", card)).isEqualTo("Processed");
            assertThat(probe.state("acme", paperless)).isEqualTo("Processed");
            assertThat(probe.state("acme", bank)).isEqualTo("Failed");
        });
        // and something logs personal data the way code might by mistake: a log line and Camel's log component
        LoggerFactory.getLogger("io.datapump.test").warn("customer firstName={} lastName={} email={} cardNumber={}, "
                + "accountNumber={}, serviceAddress={}", FIRST, LAST, EMAIL, CARD, ACCOUNT, ADDRESS);
        LoggerFactory.getLogger("io.datapump.test").warn("paid by {} with card {}", EMAIL, CARD);
        producer.sendBody("log:io.datapump.test?showAll=true&level=WARN",
                "{\"firstName\":\"" + FIRST + "\",\"bankAccountNumber\":\"" + BANK_ACCOUNT + "\"}");

        // then: the CIS got the real data (masking changes what people see, not what the pump sends)
        assertThat(CIS.acceptedFor("acme")).anySatisfy(c -> assertThat(c.body()).contains(CARD, EMAIL, FIRST));
        // the traces hold the real exchanges, through the CIS call and the dead-letter route, masked
        String xml = (String) jmx.invoke(tracer, "dumpAllTracedMessagesAsXml", null, null);
        String json = (String) jmx.invoke(tracer, "dumpAllTracedMessagesAsJSon", null, null);
        for (String trace : List.of(xml, json)) {
            assertThat(trace).contains("item-consumer-payment-production", "item-consumer-paperless-registration-production",
                    "cis-call-production-payment", "dead-letter", "acme", "*****");
            assertThat(SECRETS).allSatisfy(secret -> assertThat(trace).as("trace").doesNotContain(secret));
        }
        // the log output: the pump's own lines, the stray log line and Camel's log component, all masked
        String logs = output.getAll();
        assertThat(logs).contains("customer firstName=***** lastName=***** email=***** cardNumber=*****, "
                + "accountNumber=*****, serviceAddress=*****", "paid by ***** with card *****",
                "Dead-lettered item acme:" + bank);
        assertThat(SECRETS).allSatisfy(secret -> assertThat(logs).as("logs").doesNotContain(secret));
        jmx.setAttribute(tracer, new Attribute("Enabled", false));
    }

    private static long payment(Shard shard, String card, String bankAccount, String routing) {
        long account = account(shard);
        Map<String, Object> p = new HashMap<>();
        p.put("accountId", account);
        p.put("amount", new BigDecimal("123.45"));
        p.put("currency", "USD");
        p.put("paymentMethod", card != null ? "Card" : "Bank");
        p.put("cardNumber", card);
        p.put("bankAccountNumber", bankAccount);
        p.put("bankRoutingNumber", routing);
        p.put("paidAt", now());
        p.put("createdAt", now());
        return workItem(shard, "Payment", insert(shard, "local/insert-payment", p, "PaymentId"));
    }

    private static long paperless(Shard shard) {
        long account = account(shard);
        long id = insert(shard, "local/insert-paperless-registration", Map.of("accountId", account, "email", EMAIL,
                "enrolled", true, "registeredAt", now()), "PaperlessRegistrationId");
        return workItem(shard, "PaperlessRegistration", id);
    }

    private static long account(Shard shard) {
        long customer = insert(shard, "local/insert-customer", Map.of("firstName", FIRST, "lastName", LAST,
                "email", EMAIL, "createdAt", now()), "CustomerId");
        return insert(shard, "local/insert-account", Map.of("customerId", customer, "accountNumber", ACCOUNT,
                "serviceAddress", ADDRESS, "createdAt", now()), "AccountId");
    }

    private static long workItem(Shard shard, String type, long sourceId) {
        return insert(shard, "local/insert-work-item", Map.of("itemType", type, "sourceId", sourceId,
                "createdAt", now()), "DataPumpRecordId");
    }

    private static long insert(Shard shard, String sql, Map<String, ?> params, String key) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        shard.jdbc().update(SqlFiles.get(sql), new MapSqlParameterSource(params), keys, new String[] {key});
        return keys.getKey().longValue();
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
