package io.datapump.errorhandling;

import io.datapump.DataPumpProperties;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The quick in-process redeliveries of a transient failure (routes/error-handling.camel.yaml,
 * {@code redeliveryPolicyRef: quickRedeliveries}): datapump.retry.immediate.initial-delay, growing by .multiplier up to
 * .max-delay, scheduled asynchronously so no Camel thread sleeps. How many there are is the policy's
 * {@code retryWhile} ({@link FailurePolicy#retryInProcess}). Built here from the settings, because the route file's
 * schema types the multiplier as a number, which a placeholder is not.
 */
@Configuration(proxyBeanMethods = false)
public class QuickRedeliveryPolicy {

    @Bean
    public RedeliveryPolicy quickRedeliveries(DataPumpProperties properties) {
        DataPumpProperties.Backoff immediate = properties.getRetry().getImmediate();
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setRedeliveryDelay(immediate.getInitialDelay().toMillis());
        policy.setBackOffMultiplier(immediate.getMultiplier());
        policy.setUseExponentialBackOff(true);
        policy.setMaximumRedeliveryDelay(immediate.getMaxDelay().toMillis());
        policy.setAsyncDelayedRedelivery(true);
        policy.setRetryAttemptedLogLevel(LoggingLevel.DEBUG);
        policy.setLogExhausted(false);
        return policy;
    }
}
