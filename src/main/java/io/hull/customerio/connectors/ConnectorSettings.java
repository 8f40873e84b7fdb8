package io.hull.customerio.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullNotification;
import io.hull.customerio.hull.HullRequestHeaders;
import io.hull.customerio.hull.HullUnavailableException;
import io.hull.customerio.http.RequestRejectedException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * A Hull connector's settings read from Hull, per connector: the steps of route hull-connector-app
 * (routes/hull-connectors.yaml) and of the doors that need them (a connector's webhook URL, {@code /credentials}).
 * Kept {@code hull.settings-cache-ttl} (a {@code ship:update} notification replaces them); Hull refusing the credentials
 * (401, 403, 404: the connector is gone, or the secret is wrong) is kept {@code hull.refused-connector-ttl}, so a dead
 * connector's webhooks do not each ask Hull. Entries are keyed by organization, connector id and a hash of the secret:
 * a wrong secret never reads the right one's settings.
 */
@Component("connectorSettings")
public class ConnectorSettings implements Predicate {

    /** Exchange property: the connector's {@link HullCredentials}, whose settings are wanted. */
    public static final String CREDENTIALS = "hullConnectorCredentials";
    /** Exchange property: the connector's {@link HullConnector}, once read. */
    public static final String CONNECTOR = "hullConnector";
    private static final String URL_PROPERTY = "hullAppUrl";
    private static final String TIMEOUT_PROPERTY = "hullAppTimeoutMs";
    private static final String CONNECT_TIMEOUT_PROPERTY = "hullAppConnectTimeoutMs";
    private static final long MAX_WAIT_MILLIS = 1500;

    private final ObjectMapper json;
    private final HullProperties properties;
    private final Cache<Key, HullConnector> connectors;
    private final Cache<Key, String> refused;

    public ConnectorSettings(ObjectMapper json, HullProperties properties) {
        this.json = json;
        this.properties = properties;
        this.connectors = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(properties.getSettingsCacheTtl()).build();
        this.refused = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(properties.getRefusedConnectorTtl()).build();
    }

    private record Key(String organization, String connectorId, String secretHash) {
        static Key of(HullCredentials hull) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(
                        String.valueOf(hull.secret()).getBytes(StandardCharsets.UTF_8));
                return new Key(hull.organization(), hull.connectorId(), HexFormat.of().formatHex(hash));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Filter connector-settings-not-cached: neither the connector's settings nor Hull's refusal of it is at hand. */
    @Override
    public boolean matches(Exchange exchange) {
        Key key = Key.of(exchange.getProperty(CREDENTIALS, HullCredentials.class));
        return connectors.getIfPresent(key) == null && refused.getIfPresent(key) == null;
    }

    /**
     * Step hull-app-request of route hull-connector-app: {@code GET {hull.api-url or https://<organization>}/api/v1/app}
     * with Hull's three headers (the connector's id, organization and secret; step hull-app-headers sets them).
     */
    public void request(@ExchangeProperty(CREDENTIALS) HullCredentials hull, @ExchangeProperties Map<String, Object> exchange) {
        exchange.put(HullRequestHeaders.CREDENTIALS_PROPERTY, hull);
        exchange.put(URL_PROPERTY, hull.apiUrl(properties.getApiUrl()) + "/api/v1/app");
        // a webhook waits for this, then for its firehose request (customerio.webhook.answer-timeout), and Customer.io
        // gives up on a webhook after 4 s: Hull gets 1.5 s at most (an unanswered webhook is sent again)
        exchange.put(CONNECT_TIMEOUT_PROPERTY, Math.min(properties.getConnectTimeout().toMillis(), MAX_WAIT_MILLIS));
        exchange.put(TIMEOUT_PROPERTY, Math.min(properties.getRequestTimeout().toMillis(), MAX_WAIT_MILLIS));
    }

    /** Step hull-app-unreachable: no answer from Hull is worth another try by the sender (503). */
    public void unreachable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure, @ExchangeProperty(URL_PROPERTY) String url) {
        throw new HullUnavailableException("Hull (" + URI.create(url).getHost() + ") unreachable for the connector's settings: "
                + NetworkErrors.describe(failure), failure);
    }

    /**
     * Step learn-connector-settings: 200, the connector (kept); 401, 403 or 404, the connector is unknown to Hull
     * (kept as refused, answered 401); anything else, Hull cannot say now (503).
     */
    public void learn(@Header(Exchange.HTTP_RESPONSE_CODE) Integer status, @ExchangeProperty(CREDENTIALS) HullCredentials hull,
                      Exchange exchange) {
        int code = status == null ? 0 : status;
        if (code == 401 || code == 403 || code == 404) {
            refused.put(Key.of(hull), "Hull answered " + code);
            throw unknown(hull);
        }
        if (code < 200 || code >= 300) {
            throw new HullUnavailableException("Hull answered " + code + " for the settings of connector " + hull.connectorId());
        }
        JsonNode app;
        try {
            app = json.readTree(exchange.getMessage().getBody(byte[].class));
        } catch (IOException | RuntimeException e) {
            throw new HullUnavailableException("Hull's answer for the settings of connector " + hull.connectorId() + " is not JSON");
        }
        if (app == null || !app.isObject()) {
            throw new HullUnavailableException("Hull's answer for the settings of connector " + hull.connectorId() + " is not an object");
        }
        connectors.put(Key.of(hull), new HullConnector(hull, app));
    }

    /** Step connector-settings: property {@value #CONNECTOR}, the connector as Hull last said; 401 when Hull refused it. */
    public void of(@ExchangeProperty(CREDENTIALS) HullCredentials hull, @ExchangeProperties Map<String, Object> exchange) {
        Key key = Key.of(hull);
        if (refused.getIfPresent(key) != null) {
            throw unknown(hull);
        }
        HullConnector connector = connectors.getIfPresent(key);
        if (connector == null) {
            // read a moment ago and already out (a tiny TTL): the sender tries again
            throw new HullUnavailableException("the settings of connector " + hull.connectorId() + " are not at hand; try again");
        }
        exchange.put(CONNECTOR, connector);
    }

    /** Filter connector-paused: Hull's {@code accept_incoming_webhooks} is off for the connector. */
    public boolean paused(@ExchangeProperty(CONNECTOR) HullConnector connector) {
        return !connector.acceptsIncomingWebhooks();
    }

    /** A ship:update notification: the connector's settings as it carries them replace what was kept. */
    public void refresh(HullNotification notification) {
        HullCredentials hull = notification.credentials();
        if (hull != null && hull.complete() && notification.connector().isObject()) {
            Key key = Key.of(hull);
            refused.invalidate(key);
            connectors.put(key, new HullConnector(hull, notification.connector()));
        }
    }

    /** Forgets every connector: each is asked of Hull again (tests that change what Hull answers). */
    public void forgetAll() {
        connectors.invalidateAll();
        refused.invalidateAll();
    }

    private static RequestRejectedException unknown(HullCredentials hull) {
        return RequestRejectedException.unauthorized("unknown_connector",
                "Hull does not know connector " + io.hull.customerio.webhook.WebhookUrlTokens.safeId(hull.connectorId())
                        + " with these credentials");
    }
}
