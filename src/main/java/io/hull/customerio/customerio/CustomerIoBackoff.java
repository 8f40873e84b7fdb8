package io.hull.customerio.customerio;

import io.hull.customerio.config.CustomerIoProperties;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How long a failed Customer.io call waits before its next attempt: Camel's {@link RedeliveryPolicy}, the
 * {@code redeliveryPolicyRef} of route configuration {@code customerio-retries} (routes/customerio-api.yaml). Exponential
 * backoff from {@code customerio.retry.initial-backoff}, doubling up to {@code max-backoff}, with collision avoidance
 * (each wait moved by up to 15 % of itself). Here rather than in the route: the settings
 * are durations ({@code 200ms}), and the route's {@code redeliveryDelay} takes milliseconds only. Whether a call is tried
 * again at all, and Retry-After, are {@link CustomerIoRetryRule}'s, which reads this policy for the longest wait.
 */
@Configuration(proxyBeanMethods = false)
public class CustomerIoBackoff {

    @Bean
    public RedeliveryPolicy customerIoBackoffPolicy(CustomerIoProperties properties) {
        CustomerIoProperties.Retry retry = properties.getRetry();
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setRedeliveryDelay(Math.max(1, retry.getInitialBackoff().toMillis()));
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setMaximumRedeliveryDelay(Math.max(policy.getRedeliveryDelay(), retry.getMaxBackoff().toMillis()));
        policy.setUseCollisionAvoidance(true);
        policy.setCollisionAvoidanceFactor(0.15);
        // how many: retryWhile (CustomerIoRetryRule) decides; the caller logs the outcome in Hull's vocabulary
        policy.setMaximumRedeliveries(-1);
        policy.setLogRetryAttempted(false);
        policy.setLogExhausted(false);
        policy.setLogStackTrace(false);
        return policy;
    }
}
