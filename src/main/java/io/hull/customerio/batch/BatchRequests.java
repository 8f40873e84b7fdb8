package io.hull.customerio.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.http.BoundedBodyReader;
import io.hull.customerio.http.QueryStrings;
import io.hull.customerio.http.RequestRejectedException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import io.hull.customerio.connectors.ConnectorSettings;
import io.hull.customerio.connectors.HullConnector;
import io.hull.customerio.hull.HullCredentials;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.ExchangeProperties;
import org.springframework.stereotype.Component;

/**
 * Checks a {@code POST /batch} before any work: Hull's credentials in the query, then the body
 * {@code {"url", "format": "json", "object_type": "user_report" | "account_report"}} and the extract's host. Nothing
 * is fetched from a host that is not in {@code hull.batch.allowed-hosts}.
 */
@Component("batchRequests")
public class BatchRequests {

    private final HullProperties hull;
    /** The extract host of the last /batch refused because hull.batch.allowed-hosts is empty; null: none yet. */
    private final AtomicReference<String> refusedForNoAllowedHost = new AtomicReference<>();
    private final ObjectMapper json;

    public BatchRequests(HullProperties hull, ObjectMapper json) {
        this.hull = hull;
        this.json = json;
    }

    /**
     * What {@link #verifyCredentials} can tell from the raw query alone: a request that fails it is not read
     * ({@code RequestBodyCap}); another connector's credentials are checked with Hull afterwards, by the route.
     */
    public boolean acceptsCredentials(String query) {
        try {
            verifyCredentials(QueryStrings.parameter(query, "organization"), QueryStrings.parameter(query, "ship"),
                    QueryStrings.parameter(query, "secret"), new java.util.HashMap<>());
            return true;
        } catch (RequestRejectedException refused) {
            return false;
        }
    }

    /**
     * Step verify-batch-credentials: the query names a connector (organization, ship and secret), property
     * {@value ConnectorSettings#CREDENTIALS}. The configured {@code hull.*} connector (its organization and id) must come
     * with its secret, and its settings are {@code connector.settings} (property {@value ConnectorSettings#CONNECTOR}
     * set here); any other connector's settings are read from Hull by the route, which also checks its credentials.
     */
    public void verifyCredentials(@Header("organization") String organization, @Header("ship") String ship,
                                  @Header("secret") String secret, @ExchangeProperties Map<String, Object> properties) {
        HullCredentials named = new HullCredentials(organization, ship, secret);
        if (!named.complete()) {
            throw RequestRejectedException.unauthorized("invalid_credentials",
                    "the query must name the connector: organization, ship and secret");
        }
        boolean configured = notBlank(hull.getOrganization()) && notBlank(hull.getConnectorId()) && notBlank(hull.getSecret());
        boolean thisConnector = configured && sameText(organization, hull.getOrganization()) & sameText(ship, hull.getConnectorId());
        if (thisConnector && !sameText(secret, hull.getSecret())) {
            throw RequestRejectedException.unauthorized("invalid_credentials", "organization, ship and secret do not match this connector");
        }
        properties.put(ConnectorSettings.CREDENTIALS, named);
        if (thisConnector) {
            properties.put(ConnectorSettings.CONNECTOR, new HullConnector(named, json.createObjectNode()));
        }
    }

    public BatchRequest read(Exchange exchange) {
        byte[] body = BoundedBodyReader.read(exchange, hull.getBatch().getMaxRequestSize().toBytes());
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("invalid_json", "the body is not JSON");
        }
        if (request == null || !request.isObject()) {
            throw RequestRejectedException.badRequest("invalid_body", "the body must be a JSON object");
        }
        String format = request.path("format").asText("");
        if (!"json".equals(format)) {
            throw RequestRejectedException.badRequest("unsupported_format", "format must be \"json\"");
        }
        String objectType = request.path("object_type").asText("");
        if (!"user_report".equals(objectType) && !"account_report".equals(objectType)) {
            throw RequestRejectedException.badRequest("unsupported_object_type",
                    "object_type must be \"user_report\" or \"account_report\"");
        }
        return new BatchRequest(allowedUrl(request.path("url").asText("")), "account_report".equals(objectType));
    }

    /** The extract host a /batch offered when no host was allowed, the last one; null while none was refused so. */
    public String hostRefusedForNoAllowedHost() {
        return refusedForNoAllowedHost.get();
    }

    /** Forgets that refusal (tests that start from a quiet /status). */
    public void forgetRefusal() {
        refusedForNoAllowedHost.set(null);
    }

    URI allowedUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw RequestRejectedException.badRequest("invalid_url", "url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw RequestRejectedException.badRequest("invalid_url", "url must be http or https");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw RequestRejectedException.badRequest("invalid_url", "url must have a host and no user info");
        }
        List<String> allowed = hull.getBatch().getAllowedHosts();
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (allowed == null || allowed.isEmpty()) {
            // from now on /status names the host, so the operator knows what to allow
            refusedForNoAllowedHost.set(host);
            throw RequestRejectedException.badRequest("host_not_allowed", "extracts are not fetched from " + host
                    + ": no host is allowed yet (add the host Hull's extracts come from to hull.batch.allowed-hosts)");
        }
        if (allowed.stream().noneMatch(h -> h.trim().equalsIgnoreCase(host))) {
            throw RequestRejectedException.badRequest("host_not_allowed",
                    "extracts are not fetched from " + host + " (not in hull.batch.allowed-hosts)");
        }
        return uri;
    }

    private static boolean sameText(String given, String expected) {
        byte[] a = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
        byte[] b = expected == null ? new byte[0] : expected.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(a, b);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
