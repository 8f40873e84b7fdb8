package io.hull.customerio.status;

import io.hull.customerio.config.HullProperties;
import io.hull.customerio.hull.HullCredentials;
import org.springframework.stereotype.Component;

/**
 * Where the connector's status goes in Hull ({@code PUT https://<organization>/api/v1/<connector-id>/status}, as
 * Hull's own connectors do, so it shows on the connector's page) and with which credentials: route
 * report-status-to-hull (routes/status.yaml) makes the call.
 */
@Component("hullStatusReporter")
public class HullStatusReporter {

    private final HullProperties hull;

    public HullStatusReporter(HullProperties hull) {
        this.hull = hull;
    }

    /** Only a connector with Hull credentials has somewhere to report to. */
    public boolean configured() {
        return credentials().complete();
    }

    public HullCredentials credentials() {
        return new HullCredentials(hull.getOrganization(), hull.getConnectorId(), hull.getSecret());
    }

    /** {@code hull.api-url} (else {@code https://<organization>}) {@code /api/v1/<connector-id>/status}. */
    public String statusUrl() {
        HullCredentials credentials = credentials();
        return credentials.apiUrl(hull.getApiUrl()) + "/api/v1/" + credentials.connectorId() + "/status";
    }
}
