package io.hull.customerio.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.hull.HullCredentials;

/**
 * One Hull connector as Hull describes it ({@code GET /api/v1/app}: {@code id}, {@code private_settings},
 * {@code accept_incoming_webhooks}, ...), with the credentials it was read with. {@link #toString()} says neither
 * the secret nor the settings (they hold the Customer.io API key).
 */
public record HullConnector(HullCredentials hull, JsonNode app) {

    public JsonNode privateSettings() {
        return app.path("private_settings");
    }

    /** Hull's switch for a connector's incoming webhooks; absent means on. */
    public boolean acceptsIncomingWebhooks() {
        JsonNode accept = app.get("accept_incoming_webhooks");
        return accept == null || accept.isNull() || accept.asBoolean(true);
    }

    /** {@code private_settings.webhook_signing_key}, or null when unset: then the URL's token alone authenticates. */
    public String webhookSigningKey() {
        String key = privateSettings().path("webhook_signing_key").asText(null);
        return key == null || key.isBlank() ? null : key;
    }

    @Override
    public String toString() {
        return "HullConnector[" + hull + "]";
    }
}
