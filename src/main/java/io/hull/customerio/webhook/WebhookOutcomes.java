package io.hull.customerio.webhook;

import io.hull.customerio.connectors.ConnectorSettings;
import io.hull.customerio.connectors.HullConnector;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.http.ErrorResponses;
import io.hull.customerio.hull.HullRejectedException;
import io.hull.customerio.logging.DecisionLog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How a webhook ends, in one place: the decision log line ({@code incoming.event.success|skip|error})
 * and the answer to Customer.io.
 */
@Component("webhookOutcomes")
public class WebhookOutcomes {

    private static final Logger log = LoggerFactory.getLogger(WebhookOutcomes.class);

    private final DecisionLog decisions;

    public WebhookOutcomes(DecisionLog decisions) {
        this.decisions = decisions;
    }

    public Map<String, Object> accepted(HullTrackEvent event, Exchange exchange) {
        decisions.info("incoming.event.success", event.claims(), withConnector(details(event), exchange));
        return answer(exchange, 200, "accepted", event.name());
    }

    public Map<String, Object> testDelivery(Exchange exchange) {
        decisions.info("incoming.event.skip", null,
                withConnector(new LinkedHashMap<>(Map.of("reason", "Customer.io test delivery, not forwarded")), exchange));
        return answer(exchange, 200, "test_delivery", null);
    }

    /** Answered 200: sent again, it would fail the same way (it names nobody, its names are no names...), so a retry cannot help. */
    public Map<String, Object> notForwarded(HullTrackEvent event, Exchange exchange) {
        Map<String, Object> details = details(event);
        details.put("reason", "not forwarded: " + event.problem());
        decisions.error("incoming.event.error", event.claims(), withConnector(details, exchange));
        return answer(exchange, 200, "skipped", event.name());
    }

    /**
     * A connector whose {@code accept_incoming_webhooks} is off (paused in Hull): answered 200 skipped, so Customer.io
     * does not retry; logged with the reason.
     */
    public Map<String, Object> paused(@ExchangeProperty(ConnectorSettings.CONNECTOR) HullConnector connector, Exchange exchange) {
        String reason = "connector " + connector.hull().connectorId() + " does not accept incoming webhooks "
                + "(accept_incoming_webhooks is false in Hull): not forwarded";
        decisions.info("incoming.event.skip", null, Map.of("reason", reason, DecisionLog.CONNECTOR, connector.hull().connectorId()));
        Map<String, Object> answer = answer(exchange, 200, "skipped", null);
        answer.put("reason", reason);
        return answer;
    }

    /**
     * Hull did not take the event: 503, so Customer.io retries (for up to 7 days) and nothing is lost.
     * Also for Hull refusing the call (wrong or missing hull.* credentials): retried once they are fixed.
     */
    public Map<String, Object> failed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e,
                                      @ExchangeProperty("hullEvent") HullTrackEvent event,
                                      Exchange exchange) {
        if (e instanceof HullRejectedException rejected) {
            log.error("Hull refused a webhook's track call ({}); check hull.organization, hull.connector-id and hull.secret. "
                    + "Customer.io is answered 503 and will retry.", rejected.status());
        } else if (SafeError.isUnexpected(e)) {
            log.error("unexpected error while handling a Customer.io webhook; answered 503 so Customer.io retries", e);
        }
        SafeError error = SafeError.of(e);
        Map<String, Object> details = event == null ? new LinkedHashMap<>() : details(event);
        details.put("reason", error.reason());
        decisions.error("incoming.event.error", event == null ? null : event.claims(), withConnector(details, exchange));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        return ErrorResponses.errors(error);
    }

    /** The webhook's Hull connector (property webhookHull, set once it is authenticated), for the line and the metric. */
    private static Map<String, Object> withConnector(Map<String, Object> details, Exchange exchange) {
        HullCredentials hull = exchange.getProperty(HullTrackTickets.HULL, HullCredentials.class);
        if (hull != null) {
            details.put(DecisionLog.CONNECTOR, hull.connectorId());
        }
        return details;
    }

    private static Map<String, Object> details(HullTrackEvent event) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event", event.name());
        if (event.eventId() != null) {
            details.put("event_id", event.eventId());
        }
        if (event.eventIdDerived()) {
            details.put("event_id_derived", true);
        }
        if (event.traits() != null) {
            details.put("traits", event.traits().keySet());
        }
        if (event.note() != null) {
            details.put("note", event.note());
        }
        return details;
    }

    private static Map<String, Object> answer(Exchange exchange, int status, String outcome, String eventName) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", outcome);
        if (eventName != null) {
            answer.put("event", eventName);
        }
        return answer;
    }
}
