package io.datapump.console;

import io.datapump.message.PersonalDataMasker;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.debugger.Masked;
import org.apache.camel.spi.BacklogTracer;
import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.spring.boot.trace.CamelTraceConfigurationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The management console's Camel side: the log mask and the masked backlog tracer behind Hawtio's Trace view.
 * The tracer is on standby ({@code camel.trace.standby}; Camel 4.17 has no {@code camel.main.backlog-tracing-standby}):
 * it keeps nothing until an operator switches it on (Hawtio's Trace view, or JMX
 * {@code org.apache.camel:type=tracer,name=BacklogTracer} {@code Enabled=true}), then at most
 * {@code camel.trace.backlog-size} messages.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({MaskingProperties.class, CamelTraceConfigurationProperties.class})
public class ConsoleConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleConfiguration.class);

    @Bean
    PersonalDataMasker personalDataMasker(MaskingProperties properties) {
        PersonalDataMasker masker = new PersonalDataMasker(properties.getFields());
        PersonalDataMasker.use(masker);
        return masker;
    }

    /** Looked up by Camel under this name when {@code camel.main.log-mask=true}. */
    @Bean(name = MaskingFormatter.CUSTOM_LOG_MASK_REF)
    MaskingFormatter camelLogMask(PersonalDataMasker masker) {
        return new DataPumpMaskingFormatter(masker);
    }

    @Bean
    BacklogTracer maskingBacklogTracer(CamelContext camel, CamelTraceConfigurationProperties trace,
                                       PersonalDataMasker masker) throws Exception {
        // what Camel's own CamelTraceAutoConfiguration (excluded in application.yaml) does, with the masked tracer
        camel.setSourceLocationEnabled(true);
        camel.setBacklogTracing(trace.isEnabled());
        camel.setBacklogTracingStandby(trace.isStandby());
        camel.setBacklogTracingTemplates(trace.isTraceTemplates());
        Masked.BacklogTracer tracer = new Masked.BacklogTracer(camel, masker::mask, masker::isSensitiveName);
        tracer.setEnabled(trace.isEnabled());
        tracer.setStandby(trace.isStandby());
        tracer.setBacklogSize(trace.getBacklogSize());
        tracer.setRemoveOnDump(trace.isRemoveOnDump());
        tracer.setBodyMaxChars(trace.getBodyMaxChars());
        tracer.setBodyIncludeStreams(trace.isBodyIncludeStreams());
        tracer.setBodyIncludeFiles(trace.isBodyIncludeFiles());
        tracer.setIncludeExchangeProperties(trace.isIncludeExchangeProperties());
        tracer.setIncludeExchangeVariables(trace.isIncludeExchangeVariables());
        tracer.setIncludeException(trace.isIncludeException());
        tracer.setTraceTemplates(trace.isTraceTemplates());
        tracer.setTraceRests(trace.isTraceRests());
        tracer.setTracePattern(trace.getTracePattern());
        tracer.setTraceFilter(trace.getTraceFilter());
        camel.getCamelContextExtension().addContextPlugin(BacklogTracer.class, tracer);
        camel.addService(tracer);
        LOG.info("Backlog tracer (masked): enabled={}, standby={}, at most {} messages", trace.isEnabled(),
                trace.isStandby(), trace.getBacklogSize());
        return tracer;
    }
}
