package io.hull.customerio.sync;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Gathers the {@link UserSyncResult} of every user of a notification into one list, for the write-back and the answer. */
@Component("collectUserSyncResults")
public class CollectUserSyncResults implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange collected, Exchange next) {
        UserSyncResult result = next.getMessage().getBody(UserSyncResult.class);
        if (result == null) {
            throw new IllegalStateException("customerio-user-sync ended without a UserSyncResult");
        }
        if (collected == null) {
            List<UserSyncResult> results = new ArrayList<>();
            results.add(result);
            next.getMessage().setBody(results);
            return next;
        }
        @SuppressWarnings("unchecked")
        List<UserSyncResult> results = collected.getMessage().getBody(List.class);
        results.add(result);
        return collected;
    }
}
