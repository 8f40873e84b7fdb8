package io.hull.customerio.customerio;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * Step await-batch-item of route customerio-batch-item: the user's exchange waits for its item's outcome without
 * holding a thread (Camel's asynchronous routing), and goes on on the thread that answered its batch. A thread per
 * waiting user would bound a batch to the users' split's threads (20 items), where one request can carry 1000.
 * Accepted: the exchange goes on; refused: CustomerIoRejectedException; not delivered or past the deadline:
 * CustomerIoUnavailableException.
 */
@Component("awaitBatchItem")
public class AwaitBatchItem extends AsyncProcessorSupport {

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        BatchItems.Ticket ticket = exchange.getProperty(BatchItems.TICKET, BatchItems.Ticket.class);
        if (ticket.outcome().isDone()) {
            settle(exchange, ticket, null);
            callback.done(true);
            return true;
        }
        ticket.outcome().orTimeout(Math.max(1, ticket.deadline().remainingNanos()), TimeUnit.NANOSECONDS)
                .whenComplete((accepted, failure) -> {
                    settle(exchange, ticket, failure);
                    callback.done(false);
                });
        return false;
    }

    private static void settle(Exchange exchange, BatchItems.Ticket ticket, Throwable failure) {
        if (failure == null && ticket.outcome().isCompletedExceptionally()) {
            failure = ticket.outcome().handle((v, e) -> e).join();
        }
        if (failure == null) {
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            exchange.setException(new CustomerIoUnavailableException(ticket.name()
                    + ": its batch was not answered before the notification must be answered"));
        } else if (cause instanceof RuntimeException runtime) {
            exchange.setException(runtime);
        } else {
            exchange.setException(new CustomerIoUnavailableException(ticket.name() + " failed: " + cause, cause));
        }
    }
}
