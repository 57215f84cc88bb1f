package io.datapump.local;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Fault injection for the fault-injection suite, local profile only and off unless
 * {@code datapump.local.crash-after=<route node id>:<n>} is set: right after the n-th completion of that step (e.g.
 * {@code mark-queued-production:3}) the JVM halts at once, as SIGKILL would leave it — committed database work stays,
 * unacknowledged messages go back to the broker, nothing else runs.
 */
@Component
@Profile("local")
@ConditionalOnProperty("datapump.local.crash-after")
public class CrashPoints implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);

    private final String nodeId;
    private final int after;
    private final AtomicInteger seen = new AtomicInteger();

    public CrashPoints(@Value("${datapump.local.crash-after}") String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("datapump.local.crash-after must be <node id>:<count>, not '" + spec + "'");
        }
        this.nodeId = spec.substring(0, colon);
        this.after = Integer.parseInt(spec.substring(colon + 1));
        LOG.warn("Fault injection armed: the process halts after step '{}' completes {} time(s)", nodeId, after);
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        camel.getCamelContextExtension().addInterceptStrategy(new InterceptStrategy() {
            @Override
            public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                         Processor nextTarget) {
                if (!nodeId.equals(definition.getId())) {
                    return target;
                }
                return new DelegateAsyncProcessor(target) {
                    @Override
                    public boolean process(Exchange exchange, AsyncCallback callback) {
                        return super.process(exchange, doneSync -> {
                            if (exchange.getException() == null && seen.incrementAndGet() == after) {
                                LOG.error("Fault injection: halting after step '{}' ({} completions)", nodeId, after);
                                Runtime.getRuntime().halt(137);
                            }
                            callback.done(doneSync);
                        });
                    }
                };
            }
        });
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }
}
