package io.hull.customerio.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Sends the connector's status to Hull ({@code PUT https://<organization>/api/v1/<connector-id>/status}),
 * as Hull's own connectors do, so it shows on the connector's page in Hull.
 */
@Component("hullStatusReporter")
public class HullStatusReporter {

    private final HullProperties hull;
    private final ObjectMapper json;
    private final HttpClient http;

    public HullStatusReporter(HullProperties hull, ObjectMapper json) {
        this.hull = hull;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(hull.getConnectTimeout()).build();
    }

    /** Only a connector with Hull credentials has somewhere to report to. */
    public boolean configured() {
        return credentials().complete();
    }

    public void report(Map<String, Object> status) {
        HullCredentials credentials = credentials();
        String base = hull.getApiUrl() != null && !hull.getApiUrl().isBlank()
                ? hull.getApiUrl() : "https://" + credentials.organization();
        URI url = URI.create(base.replaceAll("/+$", "") + "/api/v1/" + credentials.connectorId() + "/status");
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url)
                    .timeout(hull.getRequestTimeout())
                    .header("Content-Type", "application/json")
                    .header("Hull-App-Id", credentials.connectorId())
                    .header("Hull-Organization", credentials.organization())
                    .header("Hull-Access-Token", credentials.secret())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(status)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write status as JSON", e);
        }
        int code;
        try {
            code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new HullUnavailableException("Hull " + url.getHost() + " unreachable for the status report: "
                    + NetworkErrors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HullUnavailableException("status report interrupted", e);
        }
        if (code >= 300) {
            throw new HullUnavailableException("Hull answered " + code + " to the status report");
        }
    }

    private HullCredentials credentials() {
        return new HullCredentials(hull.getOrganization(), hull.getConnectorId(), hull.getSecret());
    }
}
