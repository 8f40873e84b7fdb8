package io.hull.customerio.sync;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.builder.AggregationStrategies;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The split aggregations the routes name. */
@Configuration
public class Aggregations {

    /** Every user of a notification → {@code List<UserSyncResult>}. */
    @Bean
    public CollectBodies collectUserSyncResults() {
        return new CollectBodies(UserSyncResult.class);
    }

    /**
     * Route customerio-call's enrich: the caller's message stays as it was (nothing of the attempt's copy, such as
     * Customer.io's answer headers, comes back), and the attempt's failure is handed back with it.
     */
    @Bean
    public AggregationStrategy keepCallerMessage() {
        return AggregationStrategies.useOriginal(true);
    }

    /** Every event of a user → {@code List<EventResult>}. */
    @Bean
    public CollectBodies collectEventResults() {
        return new CollectBodies(EventResult.class);
    }
}
