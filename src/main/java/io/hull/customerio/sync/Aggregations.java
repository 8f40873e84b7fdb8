package io.hull.customerio.sync;

import io.hull.customerio.webhook.HullTrackTickets;
import java.util.ArrayList;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.ExpressionBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The aggregation strategies the routes name. */
@Configuration
public class Aggregations {

    /** Every user of a notification → {@code List<SyncResult>}. */
    @Bean
    public CollectBodies collectUserSyncResults() {
        return new CollectBodies(SyncResult.class);
    }

    /**
     * Route customerio-call's enrich: the caller's message stays as it was (nothing of the attempt's copy, such as
     * Customer.io's answer headers, comes back), and the attempt's failure is handed back with it.
     */
    @Bean
    public AggregationStrategy keepCallerMessage() {
        return AggregationStrategies.useOriginal(true);
    }

    /**
     * Route hull-track-batches' Aggregator: the webhooks' tickets (exchange property hullTrackTicket) of one firehose
     * request → {@code List<Ticket>}. Each webhook's own exchange is left as it was.
     */
    @Bean
    public AggregationStrategy collectHullTrackTickets() {
        return AggregationStrategies.flexible(HullTrackTickets.Ticket.class)
                .pick(ExpressionBuilder.exchangePropertyExpression(HullTrackTickets.TICKET))
                .accumulateInCollection(ArrayList.class);
    }

    /**
     * Route write-sync-state's split: the users' results stay the body, every batch is tried, and then the first
     * batch's failure goes back to the caller (Camel's own strategy hands back the last one's).
     */
    @Bean
    public AggregationStrategy keepFirstFailure() {
        return new KeepFirstFailure(null);
    }

    static final class KeepFirstFailure extends UseOriginalAggregationStrategy {

        KeepFirstFailure(Exchange original) {
            super(original, true);
        }

        @Override
        public UseOriginalAggregationStrategy newInstance(Exchange original) {
            return new KeepFirstFailure(original);
        }

        @Override
        protected Exception checkException(Exchange oldExchange, Exchange newExchange) {
            Exception first = oldExchange != null ? oldExchange.getException() : null;
            return first != null ? first : newExchange.getException();
        }
    }

    /** Every event of a user → {@code List<EventResult>}. */
    @Bean
    public CollectBodies collectEventResults() {
        return new CollectBodies(EventResult.class);
    }
}
