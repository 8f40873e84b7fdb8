package io.hull.customerio.webhook;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.connectors.ConnectorSettings;
import io.hull.customerio.connectors.HullConnector;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.http.RequestRejectedException;
import java.util.Map;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * A Hull connector's own webhook URL, {@code <connector.public-url>/webhooks/<connector id>/<token>}: the steps of route
 * connector-credentials ({@code GET /credentials}, what Hull's settings page shows) and of route connector-webhooks
 * (the door itself).
 */
@Component("webhookUrls")
public class WebhookUrls {

    private final WebhookUrlTokens tokens;
    private final String publicUrl;

    public WebhookUrls(WebhookUrlTokens tokens, ConnectorProperties connector) {
        this.tokens = tokens;
        String url = connector.getPublicUrl();
        this.publicUrl = url == null || url.isBlank() ? null : url.trim().replaceAll("/+$", "");
    }

    /** Step check-webhook-urls-configured: 503 with the reason while connector.public-url or the keys are not set. */
    public void requireConfigured() {
        if (publicUrl == null) {
            throw new RequestRejectedException(503, "public_url_not_configured",
                    "connector.public-url is not set: the connector cannot say where Customer.io reaches it");
        }
        if (!tokens.configured()) {
            throw new RequestRejectedException(503, "webhook_url_keys_not_configured",
                    "connector.webhook-url-keys is not set: the connector cannot make webhook URLs");
        }
    }

    /** Step read-credentials-query: the query's organization, ship and secret; 400 when one is missing. */
    public void credentials(@Header("organization") String organization, @Header("ship") String ship,
                            @Header("secret") String secret, @ExchangeProperties Map<String, Object> properties) {
        HullCredentials hull = new HullCredentials(organization, ship, secret);
        if (!hull.complete()) {
            throw RequestRejectedException.badRequest("missing_credentials",
                    "the query must name the connector: organization, ship and secret");
        }
        properties.put(ConnectorSettings.CREDENTIALS, hull);
    }

    /** Step webhook-url: {@code {"url": ...}}, a new token each time (each opens). */
    public Map<String, Object> url(@ExchangeProperty(ConnectorSettings.CONNECTOR) HullConnector connector) {
        return Map.of("url", publicUrl + "/webhooks/" + connector.hull().connectorId() + "/" + tokens.token(connector.hull()));
    }

    /** Step open-webhook-url of route connector-webhooks: the credentials the URL's token holds, for its connector id. */
    public void open(@Header("connectorId") String connectorId, @Header("token") String token,
                     @ExchangeProperties Map<String, Object> properties) {
        properties.put(ConnectorSettings.CREDENTIALS, tokens.open(connectorId, token));
    }
}
