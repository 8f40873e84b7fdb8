package io.hull.customerio.customerio;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Route customerio-batches' Aggregator: the items of one site in one {@code POST /api/v2/batch} ({@code List<Ticket>}),
 * never more than {@code customerio.batch.max-bytes} as sent: an item that would not fit completes the batch before it
 * (preComplete) and starts the next one.
 */
@Component("collectBatchItems")
public class CollectBatchItems implements AggregationStrategy {

    /** Exchange property of an aggregation: the bytes of its request so far. */
    static final String BYTES = "customerIoBatchBytes";
    /** {@code {"batch":[]}} */
    private static final int ENVELOPE = 12;

    private final BatchItems items;

    public CollectBatchItems(BatchItems items) {
        this.items = items;
    }

    @Override
    public boolean canPreComplete() {
        return true;
    }

    @Override
    public boolean preComplete(Exchange oldExchange, Exchange newExchange) {
        if (oldExchange == null) {
            return false;
        }
        long bytes = oldExchange.getProperty(BYTES, 0L, Long.class);
        return bytes + 1 + ticket(newExchange).item().length > items.maxBytes();
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        BatchItems.Ticket ticket = ticket(newExchange);
        if (oldExchange == null) {
            List<BatchItems.Ticket> batch = new ArrayList<>();
            batch.add(ticket);
            newExchange.getMessage().setBody(batch);
            newExchange.setProperty(BYTES, (long) ENVELOPE + ticket.item().length);
            return newExchange;
        }
        @SuppressWarnings("unchecked")
        List<BatchItems.Ticket> batch = oldExchange.getMessage().getBody(List.class);
        batch.add(ticket);
        oldExchange.setProperty(BYTES, oldExchange.getProperty(BYTES, 0L, Long.class) + 1 + ticket.item().length);
        return oldExchange;
    }

    private static BatchItems.Ticket ticket(Exchange exchange) {
        return exchange.getProperty(BatchItems.TICKET, BatchItems.Ticket.class);
    }
}
