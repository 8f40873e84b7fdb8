package io.hull.customerio.sync;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Gathers the {@link EventResult} of each event of a user into one list. */
@Component("collectEventResults")
public class CollectEventResults implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange collected, Exchange next) {
        EventResult result = next.getMessage().getBody(EventResult.class);
        if (result == null) {
            throw new IllegalStateException("an event ended without an EventResult");
        }
        if (collected == null) {
            List<EventResult> results = new ArrayList<>();
            results.add(result);
            next.getMessage().setBody(results);
            return next;
        }
        @SuppressWarnings("unchecked")
        List<EventResult> results = collected.getMessage().getBody(List.class);
        results.add(result);
        return collected;
    }
}
