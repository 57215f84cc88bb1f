package io.datapump.support;

import java.util.LinkedHashMap;
import java.util.Map;

import io.datapump.local.LocalProperties;
import io.datapump.local.LocalSetup;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * What a {@link PumpTest} class works with, as a JUnit extension it registers in a static field
 * ({@code @RegisterExtension static final Pump PUMP = new Pump();}): its own CIS stub (closed after the class),
 * billers registered at run time in the shared context, the admin API as the operator and as the viewer, and the
 * shards as a SQL client sees them.
 */
public final class Pump implements BeforeAllCallback, AfterAllCallback {

    private final CisStub cis = new CisStub();
    private ApplicationContext context;

    @Override
    public void beforeAll(ExtensionContext extension) {
        context = SpringExtension.getApplicationContext(extension);
    }

    @Override
    public void afterAll(ExtensionContext extension) {
        cis.close();
    }

    /** This class's CIS: every biller it registers sends here. */
    public CisStub cis() {
        return cis;
    }

    /** A biller to register: {@code PUMP.biller("alpha").items(40, 15).create()}. */
    public BillerSpec biller(String id) {
        return new BillerSpec(id);
    }

    public TestRestTemplate operator() {
        return http().withBasicAuth(TestUsers.OPERATOR, TestUsers.OPERATOR_PASSWORD);
    }

    public TestRestTemplate viewer() {
        return http().withBasicAuth(TestUsers.VIEWER, TestUsers.VIEWER_PASSWORD);
    }

    public TestRestTemplate anonymous() {
        return http();
    }

    public ShardProbe probe() {
        return new ShardProbe(bean(BillerRegistry.class), bean(ShardDataSources.class));
    }

    public <T> T bean(Class<T> type) {
        if (context == null) {
            throw new IllegalStateException("the Pump extension is used before its test class started");
        }
        return context.getBean(type);
    }

    private TestRestTemplate http() {
        return bean(TestRestTemplate.class);
    }

    /** One biller: its lane, toggle, pause, mode and initial items; registered with its shard by {@link #create}. */
    public final class BillerSpec {
        private final LocalProperties.LocalBiller biller = new LocalProperties.LocalBiller();
        private final Map<String, Integer> items = new LinkedHashMap<>();

        BillerSpec(String id) {
            biller.setId(id);
            biller.setName("Test biller " + id);
            biller.setCisBaseUrl(cis.baseUrl(id));
        }

        public BillerSpec demo() {
            biller.setDemo(true);
            return this;
        }

        public BillerSpec disabled() {
            biller.setEnabled(false);
            return this;
        }

        public BillerSpec paused() {
            biller.setPaused(true);
            return this;
        }

        public BillerSpec direct() {
            biller.setMode("direct");
            return this;
        }

        /** Its CIS wants an api key in {@code header}, from the mounted secret {@code secretRef}. */
        public BillerSpec apiKey(String secretRef, String header) {
            biller.getCisAuth().setKind("api-key");
            biller.getCisAuth().setSecretRef(secretRef);
            biller.getCisAuth().setHeader(header);
            return this;
        }

        /** Its CIS wants OAuth2 client-credentials tokens from the test's CIS stub, the client secret mounted as {@code secretRef}. */
        public BillerSpec oauth2(String secretRef, String clientId) {
            biller.getCisAuth().setKind("oauth2-client-credentials");
            biller.getCisAuth().setSecretRef(secretRef);
            biller.getCisAuth().setClientId(clientId);
            biller.getCisAuth().setTokenUrl(cis.tokenUrl());
            return this;
        }

        /** Work items the shard starts with, per item type. */
        public BillerSpec items(int payments, int paperlessRegistrations) {
            items.put("payment", payments);
            items.put("paperless-registration", paperlessRegistrations);
            return this;
        }

        /** Registers the biller and prepares its shard, with its items written in one go. */
        public void create() {
            biller.setItems(items);
            bean(LocalSetup.class).provision(biller);
            // the registry's snapshot knows it at once (a missing biller is otherwise looked for once a second)
            bean(BillerRegistry.class).reload();
        }
    }
}
