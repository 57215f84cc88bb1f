package io.datapump.errorhandling;

import io.datapump.DataPumpProperties;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The quick in-process redeliveries of a transient failure (routes/error-handling.camel.yaml,
 * {@code redeliveryPolicyRef: quickRedeliveries}): datapump.retry.immediate.initial-delay, growing by .multiplier up to
 * .max-delay. Scheduled asynchronously (datapump.retry.immediate-async, on by default) so no consumer thread sleeps;
 * synchronously in the azure profile, where Camel 4.17's Service Bus consumer holds a message (its lock renewal, its
 * place among maxConcurrentCalls) only while the route runs on the SDK's callback thread: an exchange that went
 * asynchronous would let the SDK fetch more messages and stop renewing this one's lock. How many there are is the policy's
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
        policy.setAsyncDelayedRedelivery(properties.getRetry().isImmediateAsync());
        policy.setRetryAttemptedLogLevel(LoggingLevel.DEBUG);
        policy.setLogExhausted(false);
        return policy;
    }
}
