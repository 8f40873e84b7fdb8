package io.hull.customerio.webhook;

import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.hull.FirehoseEntry;
import io.hull.customerio.hull.FirehoseRequests;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullUnavailableException;
import java.util.List;
import java.util.Map;
import io.hull.customerio.http.RequestRejectedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * The steps of routes {@code hull-track} and {@code post-hull-tracks} (routes/customerio-webhooks.yaml): a webhook's
 * track call goes to Hull in a firehose request it shares with concurrent webhooks (the route's Aggregator), and the
 * webhook waits for the answer to its own request. Its {@link Ticket} is what it waits on: its batch completes it.
 */
@Component("hullTrackTickets")
public class HullTrackTickets {

    /** Exchange property of route hull-track: the webhook's {@link Ticket}. */
    public static final String TICKET = "hullTrackTicket";
    /** Exchange property of route post-hull-tracks: the tickets of the batch on its way. */
    public static final String BATCH_PROPERTY = "hullTrackBatch";

    /** One webhook's track call, and what it waits for: its batch accepted or failed, until {@code deadline}. */
    public record Ticket(FirehoseEntry entry, CompletableFuture<Void> answer, long deadlineNanos) {
    }

    private final HullCredentials hull;
    private final CustomerIoProperties.Webhook settings;

    public HullTrackTickets(HullProperties hull, CustomerIoProperties customerIo) {
        this.hull = new HullCredentials(hull.getOrganization(), hull.getConnectorId(), hull.getSecret());
        this.settings = customerIo.getWebhook();
    }

    /** Step require-hull-credentials: 503 {@code hull_not_configured} without them (route customerio-webhooks). */
    public void requireCredentials() {
        if (!hull.complete()) {
            throw new RequestRejectedException(503, "hull_not_configured", "the connector has no Hull credentials "
                    + "(hull.organization, hull.connector-id, hull.secret) to write webhooks to Hull; send it again later");
        }
    }

    /** Step hull-track-ticket: the call, and the time it stops waiting ({@code customerio.webhook.answer-timeout}). */
    public Ticket issue(@Body HullTrackEvent event) {
        return new Ticket(FirehoseEntry.track(hull, event.claims(), event.body()), new CompletableFuture<>(),
                System.nanoTime() + settings.getAnswerTimeout().toNanos());
    }

    /**
     * Step await-hull-acceptance: returns once Hull accepted the batch, throws what made it fail otherwise
     * (HullUnavailableException, HullRejectedException), or a HullUnavailableException when the time is up.
     */
    public void await(@ExchangeProperty(TICKET) Ticket ticket) {
        try {
            ticket.answer().get(Math.max(0, ticket.deadlineNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HullUnavailableException("Hull did not accept the event within " + settings.getAnswerTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HullUnavailableException("interrupted while waiting for Hull", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new HullUnavailableException("Hull firehose call failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Step hull-track-entries: the batch's track calls, for route hull-firehose, in a request of
     * {@code customerio.webhook.hull-timeout}. The tickets stay in property {@value #BATCH_PROPERTY}.
     */
    public List<FirehoseEntry> entries(@Body List<Ticket> batch, @ExchangeProperties Map<String, Object> properties) {
        properties.put(BATCH_PROPERTY, batch);
        properties.put(FirehoseRequests.TIMEOUT_PROPERTY, settings.getHullTimeout().toMillis());
        return batch.stream().map(Ticket::entry).toList();
    }

    /** Step hull-tracks-accepted: each webhook of the batch is answered 200. */
    public void accepted(@ExchangeProperty(BATCH_PROPERTY) List<Ticket> batch) {
        batch.forEach(ticket -> ticket.answer().complete(null));
    }

    /** Step hull-tracks-failed (route configuration hull-track-retries): each webhook of the batch gets the failure. */
    public void failed(@ExchangeProperty(BATCH_PROPERTY) List<Ticket> batch, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        RuntimeException cause = failure instanceof RuntimeException runtime ? runtime
                : new HullUnavailableException("Hull firehose call failed: " + failure, failure);
        batch.forEach(ticket -> ticket.answer().completeExceptionally(cause));
    }

    /** The earliest time a webhook of the batch stops waiting: no attempt starts that could not end before it. */
    static long giveUpNanos(List<Ticket> batch) {
        return batch.stream().mapToLong(Ticket::deadlineNanos).min().orElse(System.nanoTime());
    }
}
