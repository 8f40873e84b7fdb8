package io.hull.customerio.webhook;

import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.connectors.ConnectorSettings;
import io.hull.customerio.connectors.HullConnector;
import io.hull.customerio.hull.FirehoseEntry;
import io.hull.customerio.hull.FirehoseRequests;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullUnavailableException;
import java.util.ArrayList;
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

    /** Exchange property of a webhook: the Hull connector its track call goes to ({@link HullCredentials}). */
    public static final String HULL = "webhookHull";

    /**
     * One webhook's calls (its track call, and its traits when it says something of the user's subscription or
     * deliverability), and what it waits for: its batch accepted or failed, until {@code deadline}. {@code batchKey}: the
     * connector's, so that a firehose request carries one connector's calls.
     */
    public record Ticket(List<FirehoseEntry> entries, String batchKey, CompletableFuture<Void> answer, long deadlineNanos) {
    }

    private final HullCredentials hull;
    /** A webhook came to POST /webhook and was refused for want of hull.* credentials (then /status says so). */
    private volatile boolean refusedWithoutHull;
    private final CustomerIoProperties.Webhook settings;

    public HullTrackTickets(HullProperties hull, CustomerIoProperties customerIo) {
        this.hull = new HullCredentials(hull.getOrganization(), hull.getConnectorId(), hull.getSecret());
        this.settings = customerIo.getWebhook();
    }

    /**
     * Step require-hull-credentials of POST /webhook: property {@value #HULL}, the configured Hull connector; 503
     * {@code hull_not_configured} without one.
     */
    public void requireCredentials(@ExchangeProperties Map<String, Object> properties) {
        if (!hull.complete()) {
            refusedWithoutHull = true;
            throw new RequestRejectedException(503, "hull_not_configured", "the connector has no Hull credentials "
                    + "(hull.organization, hull.connector-id, hull.secret) to write webhooks to Hull; send it again later");
        }
        properties.put(HULL, hull);
    }

    /** Whether a webhook on POST /webhook was refused because hull.* credentials are not set. */
    public boolean refusedWithoutHull() {
        return refusedWithoutHull;
    }

    /** Forgets that refusal (tests that start from a quiet /status). */
    public void forgetRefusal() {
        refusedWithoutHull = false;
    }

    /** Step webhook-for-connector of a connector's own webhook URL: property {@value #HULL}, that connector. */
    public void connector(@ExchangeProperty(ConnectorSettings.CONNECTOR) HullConnector connector,
                          @ExchangeProperties Map<String, Object> properties) {
        properties.put(HULL, connector.hull());
    }

    /** Step hull-track-ticket: the call, and the time it stops waiting ({@code customerio.webhook.answer-timeout}). */
    public Ticket issue(@Body HullTrackEvent event, @ExchangeProperty(HULL) HullCredentials connector) {
        List<FirehoseEntry> entries = new ArrayList<>(2);
        entries.add(FirehoseEntry.track(connector, event.claims(), event.body()));
        if (event.traits() != null && !event.traits().isEmpty()) {
            entries.add(FirehoseEntry.traits(connector, event.claims(), event.traits()));
        }
        return new Ticket(entries, batchKey(connector), new CompletableFuture<>(),
                System.nanoTime() + settings.getAnswerTimeout().toNanos());
    }

    /** One connector's: its organization, id and a hash of its secret (two secrets of one id never share a request). */
    static String batchKey(HullCredentials connector) {
        return connector.organization() + "/" + connector.connectorId() + "/" + Integer.toHexString(String.valueOf(connector.secret()).hashCode());
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
        return batch.stream().flatMap(ticket -> ticket.entries().stream()).toList();
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

    /**
     * The Aggregator's completion (route hull-track-batches): the next webhook's calls (two at most) might not fit in
     * one firehose request any more.
     */
    public boolean full(@Body List<Ticket> batch) {
        int entries = 0;
        for (Ticket ticket : batch) {
            entries += ticket.entries().size();
        }
        return entries > FirehoseRequests.MAX_BATCH - 2;
    }

    /** The earliest time a webhook of the batch stops waiting: no attempt starts that could not end before it. */
    static long giveUpNanos(List<Ticket> batch) {
        return batch.stream().mapToLong(Ticket::deadlineNanos).min().orElse(System.nanoTime());
    }
}
