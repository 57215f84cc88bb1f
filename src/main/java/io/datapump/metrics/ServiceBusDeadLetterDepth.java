package io.datapump.metrics;

import java.util.OptionalLong;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClient;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClientBuilder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Dead-letter depth on Azure Service Bus: the active message count of the lane's dead-letter queue, read through the
 * administration API with the same credentials as the routes (workload identity, or the connection string). Reading
 * runtime properties needs manage rights on the namespace (role "Azure Service Bus Data Owner" for the publisher's
 * identity); without them the gauge stays absent and a WARN says why once.
 */
public class ServiceBusDeadLetterDepth implements DeadLetterDepth {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusDeadLetterDepth.class);

    private final Environment environment;
    private volatile ServiceBusAdministrationClient client;
    private volatile boolean warned;

    public ServiceBusDeadLetterDepth(Environment environment) {
        this.environment = environment;
    }

    @Override
    public OptionalLong depth(String lane) {
        String queue = environment.getProperty("datapump.topology." + lane + ".dead-letter-queue");
        if (queue == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(client().getQueueRuntimeProperties(queue).getActiveMessageCount());
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("Cannot read the depth of dead-letter queue {} ({}); datapump_dead_letter_depth stays absent."
                        + " The publisher's identity needs manage rights on the namespace.", queue, e.toString());
            }
            return OptionalLong.empty();
        }
    }

    private ServiceBusAdministrationClient client() {
        ServiceBusAdministrationClient current = client;
        if (current == null) {
            String connectionString = environment.getProperty("camel.component.azure-servicebus.connection-string", "");
            ServiceBusAdministrationClientBuilder builder = new ServiceBusAdministrationClientBuilder();
            if (!connectionString.isBlank()) {
                builder.connectionString(connectionString);
            } else {
                builder.credential(environment.getRequiredProperty("camel.component.azure-servicebus.fully-qualified-namespace"),
                        new DefaultAzureCredentialBuilder().build());
            }
            current = builder.buildClient();
            client = current;
        }
        return current;
    }
}
