package io.datapump.faults;

import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

import io.datapump.DataPumpProperties;
import io.datapump.local.BrokerTopology;
import io.datapump.local.LocalProperties;

/**
 * An Artemis broker with a persistent journal and a TCP acceptor, run by the test so it can be restarted (also the
 * broker of the benchmark's process runs, io.datapump.bench.FairBench).
 */
public final class TestBroker {

    private final Path dir;
    private final int port;
    private final DataPumpProperties properties;
    private final int maxDeliveries;
    private EmbeddedActiveMQ server;

    /**
     * @param maxDeliveries deliveries after which the broker dead-letters a message (finite, like Service Bus's
     *                      MaxDeliveryCount, so the suite shows the pump does not rely on endless redelivery)
     */
    public TestBroker(Path dir, int port, DataPumpProperties properties, int maxDeliveries) {
        this.dir = dir;
        this.port = port;
        this.properties = properties;
        this.maxDeliveries = maxDeliveries;
    }

    /** The datapump.* settings of application.yaml (the topology the broker is given). */
    public static DataPumpProperties dataPumpDefaults() throws java.io.IOException {
        var sources = new org.springframework.boot.env.YamlPropertySourceLoader().load("application",
                new org.springframework.core.io.ClassPathResource("application.yaml"));
        return new org.springframework.boot.context.properties.bind.Binder(
                org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(sources))
                .bind("datapump", DataPumpProperties.class).orElseGet(DataPumpProperties::new);
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    static {
        // the broker runs inside the test JVM: keep its audit log out of the test output
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    public void start() throws Exception {
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .addAcceptorConfiguration("tcp", url());
        LocalProperties.Broker redelivery = new LocalProperties.Broker();
        redelivery.setMaxRedeliveryDelay(3000);
        redelivery.setRedeliveryDelay(200);
        redelivery.setMaxDeliveryAttempts(maxDeliveries);
        BrokerTopology.apply(config, properties.getTopology(), redelivery);
        server = new EmbeddedActiveMQ().setConfiguration(config);
        server.start();
    }

    public void stop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Per queue: messages added, acknowledged, killed (dead-lettered), expired, and still there. */
    java.util.Map<String, String> queueStats() {
        java.util.Map<String, String> stats = new java.util.TreeMap<>();
        if (server != null) {
            server.getActiveMQServer().getPostOffice().getAllBindings()
                    .filter(b -> b instanceof org.apache.activemq.artemis.core.postoffice.QueueBinding)
                    .map(b -> ((org.apache.activemq.artemis.core.postoffice.QueueBinding) b).getQueue())
                    .filter(q -> q.getMessagesAdded() > 0)
                    .forEach(q -> stats.put(q.getName().toString(), "added=" + q.getMessagesAdded() + " acked="
                            + q.getMessagesAcknowledged() + " killed=" + q.getMessagesKilled() + " expired="
                            + q.getMessagesExpired() + " now=" + q.getMessageCount() + " delivering="
                            + q.getDeliveringCount() + " scheduled=" + q.getScheduledCount()));
        }
        return stats;
    }

    /** Per consumer of the queues: its connection, and how many messages it holds (diagnostics). */
    String consumers() {
        StringBuilder out = new StringBuilder();
        if (server != null) {
            server.getActiveMQServer().getPostOffice().getAllBindings()
                    .filter(b -> b instanceof org.apache.activemq.artemis.core.postoffice.QueueBinding)
                    .map(b -> ((org.apache.activemq.artemis.core.postoffice.QueueBinding) b).getQueue())
                    .filter(q -> q.getName().toString().contains("payment-created-item"))
                    .forEach(q -> q.getConsumers().forEach(c -> {
                        var consumer = (org.apache.activemq.artemis.core.server.ServerConsumer) c;
                        out.append(q.getName()).append(" consumer ").append(consumer.getID()).append(" of ")
                                .append(consumer.getConnectionRemoteAddress()).append(" delivering ")
                                .append(consumer.getDeliveringMessages().size()).append("; ");
                    }));
        }
        return out.toString();
    }

    boolean running() {
        return server != null;
    }
}
