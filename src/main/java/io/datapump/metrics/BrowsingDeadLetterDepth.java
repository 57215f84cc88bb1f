package io.datapump.metrics;

import java.util.OptionalLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.BrowsableEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Dead-letter depth by browsing the lane's dead-letter endpoint (the JMS transport of the local profile), counting
 * up to {@link #CAP} messages: above that the gauge shows the cap, which is alarm enough.
 */
public class BrowsingDeadLetterDepth implements DeadLetterDepth {

    static final int CAP = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(BrowsingDeadLetterDepth.class);

    private final CamelContext camel;
    private final Environment environment;

    public BrowsingDeadLetterDepth(CamelContext camel, Environment environment) {
        this.camel = camel;
        this.environment = environment;
    }

    @Override
    public OptionalLong depth(String lane) {
        String uri = environment.getProperty("datapump.endpoints." + lane + ".dead-letter-in");
        if (uri == null) {
            return OptionalLong.empty();
        }
        try {
            Endpoint endpoint = camel.getEndpoint(uri);
            if (endpoint instanceof BrowsableEndpoint browsable) {
                return OptionalLong.of(browsable.getExchanges(CAP, null).size());
            }
        } catch (RuntimeException e) {
            LOG.debug("Dead-letter depth of lane {} not readable now: {}", lane, e.toString());
        }
        return OptionalLong.empty();
    }
}
