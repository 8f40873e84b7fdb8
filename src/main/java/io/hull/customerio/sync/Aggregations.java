package io.hull.customerio.sync;

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

    /** Every event of a user → {@code List<EventResult>}. */
    @Bean
    public CollectBodies collectEventResults() {
        return new CollectBodies(EventResult.class);
    }
}
