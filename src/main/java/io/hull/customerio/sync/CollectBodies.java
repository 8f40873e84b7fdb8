package io.hull.customerio.sync;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Split aggregation that gathers the body of every part into one list, in order, and fails loudly
 * when a part ends without the expected result (a route change that lost it must not go unnoticed).
 */
public class CollectBodies implements AggregationStrategy {

    private final Class<?> type;

    public CollectBodies(Class<?> type) {
        this.type = type;
    }

    @Override
    public Exchange aggregate(Exchange collected, Exchange next) {
        Object body = next.getMessage().getBody(type);
        if (body == null) {
            throw new IllegalStateException("a split part ended without a " + type.getSimpleName());
        }
        if (collected == null) {
            List<Object> bodies = new ArrayList<>();
            bodies.add(body);
            next.getMessage().setBody(bodies);
            return next;
        }
        @SuppressWarnings("unchecked")
        List<Object> bodies = collected.getMessage().getBody(List.class);
        bodies.add(body);
        return collected;
    }
}
