package io.hull.customerio.customerio;

import java.util.Map;

/**
 * One Hull event on its way to Customer.io: to a customer ({@code POST /api/v1/customers/{id}/events})
 * or anonymous ({@code POST /api/v1/events}). {@code refusal} is set when the event breaks
 * Customer.io's limits: such an event is logged as an error and not sent.
 */
public record EventCall(CustomerIoCredentials credentials, String customerId, String hullName,
                        Map<String, Object> payload, String refusal) {

    public boolean anonymous() {
        return customerId == null;
    }

    public String path() {
        return anonymous() ? "/api/v1/events" : CustomerIoCall.customerPath(customerId) + "/events";
    }

    public String id() {
        return String.valueOf(payload.get("id"));
    }
}
